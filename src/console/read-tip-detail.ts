/**
 * Everything an officer needs to handle one tip: facts, location, routing, deadlines, evidence,
 * the thread with the reporter and the timeline. Never the reporter's identity (name, phone,
 * platform id): only whether they chose to stay anonymous. Every read is audited (`tip.read`).
 *
 * @example const detail = await readTipDetail(ctx, { tipId, officerId, ip })
 */
import { markedReason } from "../tips/detect-emergency.ts";
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { officerMessageKey, replyWindowOf } from "../tips/message-reporter.ts";
import { STATUS_LABELS, TRANSITIONS, isOpenStatus, isTipStatus, overdueKind, requirementsOf } from "../tips/workflow.ts";
import type { TipRef } from "./find-tip.ts";
import { canActOnTip, canRevealIdentity, canRouteTip } from "./permissions.ts";
import { readTipRouting } from "./read-tip-routing.ts";
import type { TipDetail } from "./schemas.ts";
import { cleanFileName } from "../text/normalize.ts";
import { evidenceFileName } from "../media/evidence-file-name.ts";
import { occurredView } from "./occurred-view.ts";

export interface ReadTipDetailInput {
  tip: TipRef;
  officer: SignedInOfficer;
  ip?: string | null;
  /** Write the `tip.read` audit row (false when the detail is returned after an action, which is audited itself). */
  audit?: boolean;
}

type DeliveryState = "queued" | "sent" | "failed" | "window_closed" | "uncertain";
const DELIVERY: Record<string, DeliveryState> = {
  pending: "queued",
  sending: "queued",
  sent: "sent",
  failed: "failed",
  window_closed: "window_closed",
  uncertain: "uncertain",
};

export async function readTipDetail(ctx: Pick<AppContext, "db" | "now" | "channels">, input: ReadTipDetailInput): Promise<TipDetail> {
  const now = ctx.now();
  const tip = await ctx.db.tip.findUnique({
    where: { id: input.tip.id },
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
      occurredText: true,
      occurredFrom: true,
      occurredTo: true,
      latitude: true,
      longitude: true,
      communeCode: true,
      placeText: true,
      adminDataVersion: true,
      ackDueAt: true,
      settleDueAt: true,
      dueAt: true,
      settleExtensions: true,
      acknowledgedAt: true,
      closedAt: true,
      version: true,
      outcome: true,
      duplicateOfId: true,
      duplicateOf: { select: { id: true, reference: true } },
      duplicates: { select: { id: true, reference: true, status: true }, orderBy: { createdAt: "asc" } },
      assignedOfficer: { select: { id: true, displayName: true } },
      anonymous: true,
      // Only whether a name or phone exists (to offer "reveal"), never the values.
      reporterNameEnc: true,
      reporterPhoneEnc: true,
      contactId: true,
      createdAt: true,
      updatedAt: true,
      // Evidence only: files about who the reporter is (identityStep) open only through the reveal.
      attachments: { where: { identityStep: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      messages: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      notes: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
  if (input.audit !== false) {
    await recordAudit(ctx, {
      officerId: input.officer.id,
      action: "tip.read",
      targetType: "tip",
      targetId: tip.id,
      data: { reference: tip.reference },
      ip: input.ip,
    });
  }
  const officerIds = [...new Set([...tip.messages.map((m) => m.officerId), ...tip.notes.map((n) => n.officerId)].filter((id): id is string => Boolean(id)))];
  const officers = officerIds.length
    ? new Map((await ctx.db.officer.findMany({ where: { id: { in: officerIds } }, select: { id: true, displayName: true } })).map((o) => [o.id, o.displayName]))
    : new Map<string, string>();
  const outMessages = tip.messages.filter((m) => m.direction === "out");
  const deliveries = outMessages.length
    ? new Map(
        (await ctx.db.outboxMessage.findMany({ where: { dedupeKey: { in: outMessages.map((m) => officerMessageKey(m.id)) } }, select: { dedupeKey: true, status: true, deliveredAt: true } })).map(
          (o) => [o.dedupeKey, o],
        ),
      )
    : new Map<string, { status: string; deliveredAt: Date | null }>();
  // Which identity questions were answered with a file (never the file): the console says "listen with the reveal".
  const identityFiles = tip.anonymous
    ? []
    : await ctx.db.attachment.findMany({ where: { tipId: tip.id, identityStep: { not: null } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { identityStep: true, kind: true } });
  const act = canActOnTip(input.officer, input.tip);
  const open = isOpenStatus(tip.status);
  const replyWindow = await replyWindowOf(ctx, tip);
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
    urgentReason: tip.urgentReason ? markedReason(tip.urgentReason) : null,
    language: tip.language,
    channel: tip.channel,
    ...occurredView(tip),
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
    dueAt: (tip.dueAt ?? tip.settleDueAt).toISOString(),
    overdue: overdueKind(tip, now),
    settleExtensions: tip.settleExtensions,
    acknowledgedAt: tip.acknowledgedAt?.toISOString() ?? null,
    closedAt: tip.closedAt?.toISOString() ?? null,
    version: tip.version,
    outcome: tip.outcome,
    duplicateOfId: tip.duplicateOfId,
    duplicateOf: tip.duplicateOf,
    duplicates: tip.duplicates,
    assignedOfficer: tip.assignedOfficer,
    createdAt: tip.createdAt.toISOString(),
    updatedAt: tip.updatedAt.toISOString(),
    reporter: {
      anonymous: tip.anonymous,
      identityAvailable: Boolean(tip.reporterNameEnc || tip.reporterPhoneEnc || identityFiles.length) && canRevealIdentity(input.officer, input.tip),
      identityFiles: identityFiles.map((f) => ({ step: f.identityStep ?? "", kind: f.kind })),
    },
    replyWindow,
    allowed: {
      claim: act && tip.assignedOfficer?.id !== input.officer.id,
      assign: act,
      status: act,
      reply: act && replyWindow.open,
      note: act,
      merge: act && tip.status !== "duplicate",
      route: canRouteTip(input.officer, input.tip) && open,
      extend: act && open,
      reveal: Boolean(tip.reporterNameEnc || tip.reporterPhoneEnc || identityFiles.length) && canRevealIdentity(input.officer, input.tip),
    },
    next: act && isTipStatus(tip.status)
      ? TRANSITIONS[tip.status].map((value) => {
          const needs = requirementsOf(tip.status, value);
          return { value, label: STATUS_LABELS[value], needsOutcome: needs.outcome, needsReason: needs.reason };
        })
      : [],
    notes: tip.notes.map((n) => ({ id: n.id, body: n.body, officerId: n.officerId, officerName: officers.get(n.officerId) ?? null, createdAt: n.createdAt.toISOString() })),
    attachments: tip.attachments.map((a) => ({
      id: a.id,
      kind: a.kind,
      mime: a.mime,
      size: a.size,
      sha256: a.sha256,
      // Cleaned again here: rows stored before intake removed direction and zero-width characters.
      originalName: a.originalName ? (cleanFileName(a.originalName) ?? null) : null,
      downloadName: a.status === "stored" && a.storageKey ? evidenceFileName(a) : null,
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
      deliveredAt: (m.deliveredAt ?? deliveries.get(officerMessageKey(m.id))?.deliveredAt)?.toISOString() ?? null,
      officerName: m.officerId ? (officers.get(m.officerId) ?? null) : null,
      delivery: m.direction === "out" ? (DELIVERY[deliveries.get(officerMessageKey(m.id))?.status ?? ""] ?? null) : null,
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
