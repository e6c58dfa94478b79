/**
 * An internal note on a tip, for colleagues: stored in its own table (TipNote), which no code
 * path sends to anyone. It does not raise the tip's version: a note never makes a colleague's
 * open form stale.
 *
 * @example await addTipNote(ctx, { tipId, body: "Đã gọi trưởng thôn xác minh", officer, ip })
 */
import type { AppContext } from "../context.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../officers/record-audit.ts";
import type { SignedInOfficer } from "../officers/roles.ts";
import { normalizeText } from "../text/normalize.ts";

export const MAX_NOTE_CHARS = 4_000;

export interface NoteInput {
  tipId: string;
  body: string;
  officer: SignedInOfficer;
  ip?: string | null;
}

export async function addTipNote(ctx: Pick<AppContext, "db" | "now" | "bus">, input: NoteInput): Promise<void> {
  const body = normalizeText(input.body);
  if (!body) throw new AppError("validation_failed", "Ghi chú không được để trống.");
  if (Array.from(body).length > MAX_NOTE_CHARS) throw new AppError("validation_failed", `Ghi chú dài quá, tối đa ${MAX_NOTE_CHARS} ký tự.`);
  const now = ctx.now();
  await ctx.db.$transaction(async (tx) => {
    const tip = await tx.tip.findUnique({ where: { id: input.tipId }, select: { id: true, reference: true } });
    if (!tip) throw new AppError("not_found", "Không tìm thấy tin báo.");
    const note = await tx.tipNote.create({ data: { tipId: tip.id, officerId: input.officer.id, body, createdAt: now } });
    await tx.tipEvent.create({
      data: { tipId: tip.id, type: "note_added", actor: `officer:${input.officer.id}`, createdAt: now, data: JSON.stringify({ by: input.officer.displayName }) },
    });
    await recordAudit(ctx, { officerId: input.officer.id, action: "tip.note", targetType: "tip", targetId: tip.id, data: { reference: tip.reference, noteId: note.id }, ip: input.ip ?? null }, tx);
  });
  ctx.bus.emit("tip:changed", input.tipId);
}
