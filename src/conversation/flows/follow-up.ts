/**
 * Following up a tip: from the same chat ("my reports"), or from any channel with the reference
 * code and secret. An open tip takes more text or evidence into its thread.
 */
import type { Flow, Session, Turn } from "../types.ts";
import { buttons, pickChoice, say, textOf, type Choice } from "../prompt.ts";
import { parseReference, normalizeSecret } from "../../tips/reference-code.ts";
import { secretHash } from "../../tips/create-tip.ts";
import { normalizeText } from "../../text/normalize.ts";
import { appendFolded } from "../../tips/message-reporter.ts";
import { rejectionKey } from "./media-rejection.ts";

const MAX_SECRET_TRIES = 5;
const LOCK_MINUTES = 15;
const DONE: Choice = { payload: "nav:done", labelKey: "nav.done" };
const MENU: Choice = { payload: "nav:menu", labelKey: "nav.menu" };
const CODE: Choice = { payload: "menu:code", labelKey: "menu.followUp" };

/** Keys starting with "_" outlive the flow (the engine keeps them), so leaving does not reset the lock. */
interface FollowData {
  reference?: string;
  tipId?: string;
  _secretFailures?: number;
  _lockedUntil?: string;
}
const data = (s: Session) => s.data as FollowData;

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

export const followUpFlow: Flow = {
  id: "followUp",
  start: "list",
  steps: {
    list: {
      async prompt(turn) {
        const tips = await turn.tx.tip.findMany({
          where: { contactId: turn.contact.id },
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
        const tip = await turn.tx.tip.findFirst({ where: { id: c.payload.slice(4), contactId: turn.contact.id }, select: { id: true } });
        if (!tip) return undefined;
        return { set: { tipId: tip.id }, to: "open" };
      },
    },
    code: {
      prompt: (turn) => say(turn, "followUp.codePrompt", {}, { buttons: buttons(turn, [MENU]) }),
      async handle(turn, session) {
        const text = textOf(turn);
        if (!text) return undefined;
        const locked = lockedMinutes(turn, session);
        if (locked) return { say: [say(turn, "followUp.locked", { minutes: locked })], to: { flow: "menu", step: "main" } };
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
        const d = data(session);
        const locked = lockedMinutes(turn, session);
        if (locked) return { say: [say(turn, "followUp.locked", { minutes: locked })], to: { flow: "menu", step: "main" } };
        const tip = d.reference ? await turn.tx.tip.findUnique({ where: { reference: d.reference }, select: { id: true, secretHash: true } }) : null;
        const ok = tip && tip.secretHash === secretHash(turn.app.vault, d.reference!, normalizeSecret(text));
        if (ok) {
          await turn.tx.tipEvent.create({ data: { tipId: tip.id, type: "reporter_reopened", actor: "resident", data: JSON.stringify({ channel: turn.message.channel }) } });
          return { set: { tipId: tip.id, _secretFailures: 0 }, to: "open" };
        }
        const failures = (d._secretFailures ?? 0) + 1;
        if (failures >= MAX_SECRET_TRIES) {
          const lockedUntil = new Date(turn.now.getTime() + LOCK_MINUTES * 60_000).toISOString();
          return { set: { _secretFailures: 0, _lockedUntil: lockedUntil }, say: [say(turn, "followUp.locked", { minutes: LOCK_MINUTES })], to: { flow: "menu", step: "main" } };
        }
        return { set: { _secretFailures: failures }, say: [say(turn, "followUp.secretWrong", { count: MAX_SECRET_TRIES - failures })], stay: true };
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
};

function lockedMinutes(turn: Turn, session: Session): number | undefined {
  const until = data(session)._lockedUntil;
  if (!until) return undefined;
  const ms = new Date(until).getTime() - turn.now.getTime();
  return ms > 0 ? Math.ceil(ms / 60_000) : undefined;
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
