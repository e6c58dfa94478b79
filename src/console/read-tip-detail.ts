/**
 * Everything an officer needs to handle one tip: facts, location, routing, deadlines, evidence,
 * the thread with the reporter and the timeline. Never the reporter's identity (name, phone,
 * platform id): only whether they chose to stay anonymous. Every read is audited (`tip.read`).
 *
 * @example const detail = await readTipDetail(ctx, { tipId, officerId, ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import { readTipRouting } from "./read-tip-routing.ts";
import type { TipDetail } from "./schemas.ts";

export interface ReadTipDetailInput {
  tipId: string;
  officerId: string;
  ip?: string | null;
}

export async function readTipDetail(ctx: Pick<AppContext, "db" | "now">, input: ReadTipDetailInput): Promise<TipDetail> {
  const tip = await ctx.db.tip.findUnique({
    where: { id: input.tipId },
    // An explicit list: identity columns (contactId, reporterNameEnc, reporterPhoneEnc) and
    // secrets (secretHash, sourceKey) are never even read here.
    select: {
      id: true,
      reference: true,
      category: true,
      description: true,
      status: true,
      urgent: true,
      urgentReason: true,
      language: true,
      channel: true,
      occurredAt: true,
      occurredText: true,
      latitude: true,
      longitude: true,
      communeCode: true,
      placeText: true,
      adminDataVersion: true,
      ackDueAt: true,
      settleDueAt: true,
      outcome: true,
      duplicateOfId: true,
      anonymous: true,
      createdAt: true,
      updatedAt: true,
      attachments: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      messages: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
  await recordAudit(ctx, {
    officerId: input.officerId,
    action: "tip.read",
    targetType: "tip",
    targetId: tip.id,
    data: { reference: tip.reference },
    ip: input.ip,
  });
  // The commune's name as it was in the data version the tip was filed under (names and codes change).
  const commune =
    tip.communeCode && tip.adminDataVersion
      ? await ctx.db.adminUnit.findUnique({ where: { version_code: { version: tip.adminDataVersion, code: tip.communeCode } }, select: { fullName: true } })
      : null;

  return {
    id: tip.id,
    reference: tip.reference,
    category: tip.category,
    description: tip.description,
    status: tip.status,
    urgent: tip.urgent,
    urgentReason: tip.urgentReason,
    language: tip.language,
    channel: tip.channel,
    occurredAt: tip.occurredAt?.toISOString() ?? null,
    occurredText: tip.occurredText,
    location: {
      latitude: tip.latitude,
      longitude: tip.longitude,
      communeCode: tip.communeCode,
      communeName: commune?.fullName ?? null,
      placeText: tip.placeText,
      adminDataVersion: tip.adminDataVersion,
    },
    routing: await readTipRouting(ctx, tip.id),
    deadlines: { ackDueAt: tip.ackDueAt.toISOString(), settleDueAt: tip.settleDueAt.toISOString() },
    outcome: tip.outcome,
    duplicateOfId: tip.duplicateOfId,
    createdAt: tip.createdAt.toISOString(),
    updatedAt: tip.updatedAt.toISOString(),
    reporter: { anonymous: tip.anonymous },
    attachments: tip.attachments.map((a) => ({
      id: a.id,
      kind: a.kind,
      mime: a.mime,
      size: a.size,
      sha256: a.sha256,
      originalName: a.originalName,
      status: a.status,
      rejectReason: a.rejectReason,
      url: a.status === "stored" && a.storageKey ? `/api/tips/${tip.id}/attachments/${a.id}` : null,
    })),
    messages: tip.messages.map((m) => ({
      id: m.id,
      direction: m.direction,
      body: m.body,
      attachmentId: m.attachmentId,
      createdAt: m.createdAt.toISOString(),
      deliveredAt: m.deliveredAt?.toISOString() ?? null,
    })),
    events: tip.events.map((e) => ({
      type: e.type,
      actor: e.actor,
      data: parseEventData(e.data),
      createdAt: e.createdAt.toISOString(),
    })),
  };
}

function parseEventData(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}
