/**
 * Following up a tip: from the same chat ("my reports"), or from any channel with the reference
 * code and secret. An open tip takes more text or evidence into its thread.
 *
 * Secrets cannot be guessed by opening new chats: every try is counted, before it is checked, per
 * reference code (over every visitor and channel) and per origin (the client address on web chat,
 * the chat account elsewhere). Past the limit the code is locked for a while, longer each time, and
 * the tip's officers see it in the timeline; the reporter's own chat still opens it from "my reports".
 */
import { z } from "zod";
import type { OutboundMessage } from "../../channels/types.ts";
import type { Session, Turn } from "../types.ts";
import { defineFlow, flowData } from "../define-flow.ts";
import { addFollower, tipsFollowedBy } from "../session-store.ts";
import { buttons, pickChoice, say, textOf, type Choice } from "../prompt.ts";
import { parseReference, normalizeSecret } from "../../tips/reference-code.ts";
import { secretHash } from "../../tips/create-tip.ts";
import { normalizeText } from "../../text/normalize.ts";
import { appendFolded } from "../../tips/message-reporter.ts";
import { hitLimitIn, limitKey, minutesUntil, resetLimit } from "../../security/rate-limit.ts";
import { rejectionKey } from "./media-rejection.ts";

const DONE: Choice = { payload: "nav:done", labelKey: "nav.done" };
const MENU: Choice = { payload: "nav:menu", labelKey: "nav.menu" };
const CODE: Choice = { payload: "menu:code", labelKey: "menu.followUp" };

const FollowData = flowData({
  reference: z.string().optional(),
  tipId: z.string().optional(),
});
const data = (s: Session<z.output<typeof FollowData>>) => s.data;

/** The two scopes every secret try is counted in (see the header). */
function guessLimits(turn: Turn, reference: string) {
  const { maxFailures, maxFailuresPerAddress, lockMinutes } = turn.app.config.followUp;
  const block = { blockMs: lockMinutes * 60_000, blockAtLimit: true };
  const origin = turn.message.origin ?? `contact:${turn.contact.id}`;
  return {
    code: { key: limitKey(turn.app, "followup:code", reference), rule: { limit: maxFailures, windowMs: 24 * 3600_000, ...block } },
    origin: { key: limitKey(turn.app, "followup:origin", origin), rule: { limit: maxFailuresPerAddress, windowMs: 3600_000, ...block } },
  };
}

/**
 * Counts one guess at any code from this chat's address (or the contact, where the platform gives none) against
 * the same budget as the follow-up secrets; answers the "wait" message when the address is blocked.
 */
export async function countGuess(turn: Turn): Promise<OutboundMessage | undefined> {
  const { origin } = guessLimits(turn, "");
  const hit = await hitLimitIn(turn.tx, turn.app.config.dialect, origin.key, origin.rule, turn.now);
  return hit.allowed ? undefined : lockedMessage(turn, hit.retryAt);
}

async function openedMessage(turn: Turn, tipId: string) {
  const tip = await turn.tx.tip.findUniqueOrThrow({ where: { id: tipId } });
  const date = new Intl.DateTimeFormat("vi", { dateStyle: "short", timeZone: "Asia/Ho_Chi_Minh" }).format(tip.createdAt);
  return say(
    turn,
    "followUp.opened",
    {
      reference: tip.reference,
      category: turn.t(`report.categories.${tip.category}`),
      date,
      status: turn.t(`followUp.status.${tip.status}`),
    },
    { buttons: buttons(turn, [DONE]) },
  );
}

export type CodeCheck =
  | { kind: "opened"; tipId: string; reference: string; follower: boolean }
  | { kind: "wrong"; say: OutboundMessage }
  | { kind: "locked"; say: OutboundMessage };

/**
 * Checks a reference and secret, counted first (see the header). A chat other than the one that
 * filed the tip becomes a follower: the officers' messages reach it from now on.
 */
export async function checkCodes(turn: Turn, reference: string, secretText: string): Promise<CodeCheck> {
  const limits = guessLimits(turn, reference);
  const dialect = turn.app.config.dialect;
  // Counted before the secret is looked at, in this turn's transaction: parallel chats cannot slip past.
  const byCode = await hitLimitIn(turn.tx, dialect, limits.code.key, limits.code.rule, turn.now);
  const byOrigin = byCode.allowed ? await hitLimitIn(turn.tx, dialect, limits.origin.key, limits.origin.rule, turn.now) : byCode;
  const refused = !byCode.allowed ? byCode : !byOrigin.allowed ? byOrigin : undefined;
  if (refused) return { kind: "locked", say: lockedMessage(turn, refused.retryAt) };

  const tip = await turn.tx.tip.findUnique({ where: { reference }, select: { id: true, secretHash: true, contactId: true } });
  if (tip && tip.secretHash === secretHash(turn.app.vault, reference, normalizeSecret(secretText))) {
    await resetLimit({ db: turn.tx }, limits.code.key);
    await resetLimit({ db: turn.tx }, limits.origin.key);
    const follower = tip.contactId !== turn.contact.id;
    if (follower) await addFollower(turn.tx, tip.id, turn.contact.id, turn.now);
    await turn.tx.tipEvent.create({
      data: { tipId: tip.id, type: "reporter_reopened", actor: "resident", data: JSON.stringify({ channel: turn.message.channel, otherChat: follower }) },
    });
    turn.touched.push(tip.id);
    return { kind: "opened", tipId: tip.id, reference, follower };
  }
  if (byCode.blockStarted && tip) {
    const minutes = minutesUntil(byCode.retryAt, turn.now);
    await turn.tx.tipEvent.create({
      data: { tipId: tip.id, type: "followup_locked", actor: "system", data: JSON.stringify({ minutes, failures: byCode.count, channel: turn.message.channel }) },
    });
    turn.touched.push(tip.id);
  }
  const blocked = [byCode, byOrigin].find((r) => r.blockStarted);
  if (blocked) return { kind: "locked", say: lockedMessage(turn, blocked.retryAt) };
  return { kind: "wrong", say: say(turn, "followUp.secretWrong", { count: Math.min(byCode.remaining, byOrigin.remaining) }) };
}

/** Said when codes opened a tip: from another chat, the resident learns that the officers' messages will reach this one too. */
export function codesOpenedSay(turn: Turn, opened: Extract<CodeCheck, { kind: "opened" }>): OutboundMessage[] {
  return opened.follower ? [say(turn, "followUp.nowFollowing", { reference: opened.reference })] : [];
}

export const followUpFlow = defineFlow({
  id: "followUp",
  start: "list",
  data: FollowData,
  steps: {
    list: {
      async prompt(turn) {
        const tips = await turn.tx.tip.findMany({
          where: { OR: [{ contactId: turn.contact.id }, { followers: { some: { contactId: turn.contact.id } } }] },
          orderBy: { createdAt: "desc" },
          take: 8,
          select: { id: true, reference: true, status: true },
        });
        if (tips.length === 0) return say(turn, "followUp.none", {}, { buttons: buttons(turn, [CODE, MENU]) });
        const rows = tips.map((t) => [{ label: `${t.reference} · ${turn.t(`followUp.status.${t.status}`)}`.slice(0, 60), payload: `tip:${t.id}` }]);
        return say(turn, "followUp.listPrompt", {}, { buttons: [...rows, ...buttons(turn, [MENU])] });
      },
      async handle(turn) {
        const c = turn.message.content;
        if (pickChoice(turn, [CODE])) return { to: "code" };
        if (c.type !== "button" || !c.payload.startsWith("tip:")) return undefined;
        const tip = await tipsFollowedBy(turn.tx, turn.contact.id, c.payload.slice(4));
        if (!tip) return undefined;
        return { set: { tipId: tip.id }, to: "open" };
      },
    },
    code: {
      prompt: (turn) => say(turn, "followUp.codePrompt", {}, { buttons: buttons(turn, [MENU]) }),
      async handle(turn) {
        const text = textOf(turn);
        if (!text) return undefined;
        const reference = parseReference(text);
        if (!reference) return { say: [say(turn, "followUp.codeUnknown")], stay: true };
        // Unknown codes go on to the secret question too, so codes cannot be probed one by one.
        return { set: { reference, tipId: undefined }, to: "secret" };
      },
    },
    secret: {
      prompt: (turn) => say(turn, "followUp.secretPrompt", {}, { buttons: buttons(turn, [MENU]) }),
      async handle(turn, session) {
        const text = textOf(turn);
        if (!text) return undefined;
        const reference = data(session).reference;
        if (!reference) return { to: "code" };
        const result = await checkCodes(turn, reference, text);
        if (result.kind === "opened") return { say: codesOpenedSay(turn, result), set: { tipId: result.tipId }, to: "open" };
        if (result.kind === "wrong") return { say: [result.say], stay: true };
        return { say: [result.say], to: { flow: "menu", step: "main" } };
      },
    },
    open: {
      prompt: (turn, session) => openedMessage(turn, data(session).tipId!),
      async handle(turn, session) {
        const tipId = data(session).tipId!;
        if (pickChoice(turn, [DONE])) return { say: [say(turn, "followUp.closed")], to: { flow: "menu", step: "main" } };
        const c = turn.message.content;
        if (c.type === "media" && turn.media) {
          if (turn.media.status !== "stored") {
            const key = turn.media.reason === "too_large" ? "report.fileTooLarge" : rejectionKey(turn.media.reason);
            return { say: [say(turn, key, { size: "", limit: "" })], stay: true };
          }
          await turn.tx.attachment.update({ where: { id: turn.media.attachmentId }, data: { tipId } });
          await addToThread(turn, tipId, c.caption ? normalizeText(c.caption) : "", turn.media.attachmentId);
          return { say: [say(turn, "followUp.added", {}, { buttons: buttons(turn, [DONE]) })], stay: true };
        }
        const text = textOf(turn);
        if (!text) return undefined;
        await addToThread(turn, tipId, normalizeText(text));
        return { say: [say(turn, "followUp.added", {}, { buttons: buttons(turn, [DONE]) })], stay: true };
      },
    },
  },
});

function lockedMessage(turn: Turn, retryAt: Date | undefined) {
  // The menu that follows offers "my reports": the reporter's own chat still opens the tip from there.
  return say(turn, "followUp.locked", { minutes: minutesUntil(retryAt, turn.now) });
}

async function addToThread(turn: Turn, tipId: string, body: string, attachmentId?: string): Promise<void> {
  await turn.tx.tipMessage.create({ data: { tipId, direction: "in", body, attachmentId, sourceKey: turn.eventKey, createdAt: turn.now } });
  const tip = await turn.tx.tip.findUniqueOrThrow({ where: { id: tipId }, select: { threadFolded: true } });
  await turn.tx.tip.update({
    where: { id: tipId },
    data: { reporterActivityAt: turn.now, ...(body ? { threadFolded: appendFolded(tip.threadFolded, body) } : {}) },
  });
  turn.touched.push(tipId);
  await turn.tx.tipEvent.create({ data: { tipId, type: "reporter_message", actor: "resident", data: JSON.stringify({ attachment: Boolean(attachmentId) }) } });
}
