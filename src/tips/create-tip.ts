/**
 * Files a tip from a finished report: reference code, hashed follow-up secret, deadlines,
 * identity encrypted (only when the resident chose to be named), evidence linked, timeline started,
 * and routed to the police units responsible (src/routing/route-new-tip.ts).
 * Runs inside the turn's transaction, so a retried event never files the same tip twice.
 */
import type { Turn } from "../conversation/types.ts";
import { fold } from "../text/normalize.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { routeNewTip } from "../routing/route-new-tip.ts";
import { newReference, newSecret } from "./reference-code.ts";
import { reportQuotaKeys } from "../media/upload-quota.ts";
import { rangeOfChoice, type WhenChoice } from "../text/parse-time.ts";

export { TIP_CATEGORIES } from "./categories.ts";

export interface TipDraft {
  category: string;
  description: string;
  voice: boolean;
  attachmentIds: string[];
  /**
   * Steps the resident answered by a voice message (issue 14), each with its clip (one of attachmentIds): kept in the
   * timeline's "created" event so an officer knows which clip answers what.
   */
  voiceAnswers?: { step: string; attachmentId: string }[];
  /**
   * Files sent at the steps about who the reporter is (a name or phone read aloud): linked to the tip marked with
   * their step (Attachment.identityStep), so they stay out of the evidence and open only with the audited reveal.
   * Only for a named tip: an anonymous tip is filed without them.
   */
  identityFiles?: { step: string; attachmentId: string }[];
  /** `placeText` only says the place was given by voice: routing reads no place from it. */
  placeSpoken?: boolean;
  latitude?: number;
  longitude?: number;
  communeCode?: string;
  /** How the resident gave the commune: a pin or a typed name, confirmed either way. */
  communeSource?: "pin" | "typed";
  /** The administrative-unit data version the commune code was found in. */
  adminDataVersion?: string;
  /** Communes the resident said were not the place (kept out of the best guess). */
  rejectedCodes?: string[];
  placeText?: string;
  /** The "when" button chosen ("now", "today", "yesterday", "earlier"), or "text" when typed. */
  when?: string;
  /** The resident's own words about when, as typed. */
  occurredText?: string;
  /**
   * When it happened, as the range the resident confirmed (parseTimeRange / rangeOfChoice in
   * src/text/parse-time.ts). Without it, a button's own range is stored; typed words alone stay
   * words: no range is made up that the resident did not see.
   */
  occurredFrom?: Date;
  occurredTo?: Date;
  anonymous: boolean;
  name?: string;
  phone?: string;
  urgent: boolean;
  urgentReason?: string;
}

export function secretHash(vault: Turn["app"]["vault"], reference: string, secret: string): string {
  return vault.hash(`tip-secret:${reference}:${secret}`);
}

const WHEN_CHOICES: readonly string[] = ["now", "today", "yesterday", "earlier"] satisfies WhenChoice[];

/** The range to store: the confirmed one, else the button's ("yesterday" is all of yesterday), else none. */
function occurredRange(draft: TipDraft, now: Date): { occurredFrom?: Date; occurredTo?: Date } {
  if (draft.occurredFrom && draft.occurredTo) return { occurredFrom: draft.occurredFrom, occurredTo: draft.occurredTo };
  const range = draft.when && WHEN_CHOICES.includes(draft.when) ? rangeOfChoice(draft.when as WhenChoice, now) : null;
  return range ? { occurredFrom: range.from, occurredTo: range.to } : {};
}

export async function createTip(turn: Turn, draft: TipDraft) {
  const { tx, app, now } = turn;
  const secret = newSecret();
  const description = draft.description || (draft.voice ? "(tin nhắn thoại)" : "");
  // Danger now is acknowledged within the hour (URGENT_ACK_DEADLINE_MINUTES), anything else within ACK_DEADLINE_HOURS.
  const ackMs = draft.urgent ? app.config.deadlines.urgentAckMinutes * 60_000 : app.config.deadlines.ackHours * 3600_000;
  const ackDueAt = new Date(now.getTime() + ackMs);
  for (let attempt = 0; ; attempt++) {
    const reference = newReference(attempt < 5 ? 5 : 6);
    const taken = await tx.tip.findUnique({ where: { reference }, select: { id: true } });
    if (taken) continue;
    try {
      const tip = await tx.tip.create({
        data: {
          reference,
          secretHash: secretHash(app.vault, reference, secret),
          sourceKey: turn.eventKey,
          contactId: turn.contact.id,
          channel: turn.message.channel,
          language: turn.lng,
          category: draft.category,
          description,
          descriptionFolded: fold(description),
          ...occurredRange(draft, now),
          occurredText: draft.occurredText ?? (draft.when && draft.when !== "text" ? draft.when : undefined),
          latitude: draft.latitude,
          longitude: draft.longitude,
          communeCode: draft.communeCode,
          placeText: draft.placeText,
          placeFolded: draft.placeText ? fold(draft.placeText) : undefined,
          urgent: draft.urgent,
          urgentReason: draft.urgentReason,
          anonymous: draft.anonymous,
          reporterNameEnc: !draft.anonymous && draft.name ? app.vault.encrypt(draft.name) : undefined,
          reporterPhoneEnc: !draft.anonymous && draft.phone ? app.vault.encrypt(draft.phone) : undefined,
          ackDueAt,
          dueAt: ackDueAt,
          settleDueAt: new Date(now.getTime() + app.config.deadlines.settleDays * 24 * 3600_000),
          events: {
            create: {
              type: "created",
              actor: "resident",
              createdAt: now,
              data: JSON.stringify({
                channel: turn.message.channel,
                urgent: draft.urgent,
                attachments: draft.attachmentIds.length,
                ...(draft.voiceAnswers?.length ? { voiceAnswers: draft.voiceAnswers } : {}),
              }),
            },
          },
        },
      });
      turn.filed.push(tip.id);
      if (draft.attachmentIds.length > 0) {
        await tx.attachment.updateMany({ where: { id: { in: draft.attachmentIds }, contactId: turn.contact.id }, data: { tipId: tip.id } });
      }
      if (!draft.anonymous) {
        for (const file of draft.identityFiles ?? []) {
          await tx.attachment.updateMany({ where: { id: file.attachmentId, contactId: turn.contact.id }, data: { tipId: tip.id, identityStep: file.step } });
        }
      }
      // The draft's file quota ends with the draft: the next report starts with its whole quota.
      await tx.rateLimit.deleteMany({ where: { key: { in: reportQuotaKeys(app, turn.contact.id) } } });
      const routing = await routeNewTip(
        tx,
        { id: tip.id, category: tip.category, language: tip.language, urgent: tip.urgent, voice: draft.voice },
        {
          ...(draft.communeCode ? { communeCode: draft.communeCode } : {}),
          ...(draft.communeSource ? { communeSource: draft.communeSource } : {}),
          ...(draft.adminDataVersion ? { version: draft.adminDataVersion } : {}),
          ...(draft.latitude !== undefined && draft.longitude !== undefined ? { latitude: draft.latitude, longitude: draft.longitude } : {}),
          ...(draft.placeText && !draft.placeSpoken ? { placeText: draft.placeText } : {}),
          ...(draft.rejectedCodes?.length ? { rejectedCodes: draft.rejectedCodes } : {}),
        },
        // One millisecond later, so the timeline always reads created → routed.
        new Date(now.getTime() + 1),
      );
      return { tip, secret, routing };
    } catch (e) {
      if (!isUniqueViolation(e) || attempt > 8) throw e;
    }
  }
}
