/**
 * Opens a named reporter's identity (the name and phone they chose to give) for one officer, on
 * an explicit click. The route has checked the role may (never for an anonymous tip); the read
 * is audited and written in the timeline, so colleagues and the reporter's protection officer
 * can see who looked. Nothing is logged.
 *
 * A name or phone the reporter read aloud (issue 14: Hre and Co speakers answer by voice) is a file about who they are
 * (Attachment.identityStep): it comes with the reveal as a link to the identity-file route, never with the evidence.
 *
 * @example const { name, phone, files } = await revealReporterIdentity(ctx, { tipId, officer, ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";

export interface RevealInput {
  tipId: string;
  officer: SignedInOfficer;
  ip?: string | null;
}

export interface IdentityFile {
  id: string;
  /** The step it answered: "name", "phone", or "identity" (the anonymous-or-named question). */
  step: string;
  kind: string;
  mime: string | null;
  url: string;
}

export interface RevealedIdentity {
  name: string | null;
  phone: string | null;
  files: IdentityFile[];
}

export async function revealReporterIdentity(
  ctx: Pick<AppContext, "db" | "now" | "vault" | "bus">,
  input: RevealInput,
): Promise<RevealedIdentity> {
  const now = ctx.now();
  const identity = await ctx.db.$transaction(async (tx) => {
    const tip = await tx.tip.findUnique({ where: { id: input.tipId }, select: { id: true, reference: true, anonymous: true, reporterNameEnc: true, reporterPhoneEnc: true } });
    if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
    if (tip.anonymous) throw new AppError("forbidden", "Người báo tin chọn ẩn danh: danh tính không được hiển thị.");
    await tx.tipEvent.create({
      data: { tipId: tip.id, type: "identity_revealed", actor: `officer:${input.officer.id}`, createdAt: now, data: JSON.stringify({ by: input.officer.displayName }) },
    });
    await recordAudit(ctx, { officerId: input.officer.id, action: "tip.identity_reveal", targetType: "tip", targetId: tip.id, data: { reference: tip.reference }, ip: input.ip ?? null }, tx);
    const files = await tx.attachment.findMany({
      where: { tipId: tip.id, identityStep: { not: null }, status: "stored", storageKey: { not: null } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, identityStep: true, kind: true, mime: true },
    });
    return {
      name: tip.reporterNameEnc ? ctx.vault.decrypt(tip.reporterNameEnc) : null,
      phone: tip.reporterPhoneEnc ? ctx.vault.decrypt(tip.reporterPhoneEnc) : null,
      files: files.map((f) => ({ id: f.id, step: f.identityStep ?? "", kind: f.kind, mime: f.mime, url: `/api/tips/${tip.id}/identity/files/${f.id}` })),
    };
  });
  ctx.bus.emit("tip:changed", input.tipId);
  return identity;
}
