/**
 * Subscribing to outreach news by consent (issue 12): the resident picks topics (tap to select or
 * unselect), confirms with "Xong", and is told how to stop. Then, when their commune is not known
 * (the subscription's, else their latest quiz attempt's), they are asked once for it, read like a
 * report's typed place (read-facts.ts), so campaigns to a commune's residents reach them; "Bỏ qua"
 * skips. Changing topics keeps it; "Đổi xã" on the topics screen changes it. Reached from the menu ("Nhận tin cảnh
 * báo"), a poster's deep link (/start <code>) or a keyword ("đăng ký nhận tin"). Stopping works at
 * any time (interceptors.ts: "hủy đăng ký", "dừng nhận tin", "STOP"…, or the button here).
 */
import { z } from "zod";
import type { OutboundMessage } from "../../channels/types.ts";
import type { Session, Transition, Turn } from "../types.ts";
import { defineFlow, flowData } from "../define-flow.ts";
import { buttons, isVoiceMessage, say, textOf } from "../prompt.ts";
import { communePickPrompt, CommuneCandidate, readCommunePick, readTypedCommune, saysOneOf } from "../commune-pick.ts";
import { knownCommune } from "../../quiz/attempts.ts";
import { communeNamesByCode } from "../../quiz/quiz-results.ts";
import { TOPICS, isTopic, type Topic } from "../../outreach/topics.ts";
import { activeSubscription, subscribe, unsubscribe } from "../../outreach/consent.ts";

const SubscribeData = flowData({
  topics: z.array(z.enum(TOPICS)).optional(),
  /** Communes the typed place may name, for one tap. */
  candidates: z.array(CommuneCandidate).optional(),
  source: z.string().optional(),
  sourceCode: z.string().optional(),
});
type Data = z.output<typeof SubscribeData>;
const data = (s: Session) => s.data as Data;

export const STOP_PAYLOAD = "sub:stop";
const COMMUNE_PREFIX = "sub:commune:";
const CHANGE_COMMUNE = { payload: "sub:changeCommune", labelKey: "outreach.changeCommune" };
const SKIP = { payload: `${COMMUNE_PREFIX}skip`, labelKey: "nav.skip" };
const NONE = { payload: `${COMMUNE_PREFIX}none`, labelKey: "nav.no" };
const MENU = { flow: "menu", step: "main" } as const;


async function communeName(turn: Turn, code: string): Promise<string> {
  return (await communeNamesByCode(turn.tx, [code])).get(code) ?? code;
}

/** After "Xong": the commune already known is kept (or taken from the latest quiz); otherwise it is asked. */
async function afterSubscribed(turn: Turn, done: OutboundMessage): Promise<Transition<"subscribe">> {
  const known = await knownCommune(turn.tx, turn.contact.id);
  if (!known) return { say: [done], to: "commune" };
  await turn.tx.subscription.update({ where: { contactId: turn.contact.id }, data: { communeCode: known.code } });
  return { say: [done, say(turn, "outreach.communeKnown", { commune: await communeName(turn, known.code) })], to: MENU };
}

/** The commune's candidates for what the resident typed, or "not found" (the same reading as a report's typed place). */
async function communeTyped(turn: Turn, text: string): Promise<Transition<"subscribe">> {
  const { place, communes } = await readTypedCommune(turn, text);
  if (!communes.length) return { say: [say(turn, "outreach.communeNotFound", { typed: place.slice(0, 60) })], stay: true };
  return { set: { candidates: communes }, to: "communePick" };
}

async function communeChosen(turn: Turn, code: string | null): Promise<Transition<"subscribe">> {
  if (!code) {
    // "Bỏ qua" after "Đổi xã" keeps the commune they had.
    const kept = (await activeSubscription(turn.tx, turn.contact.id))?.communeCode;
    const said = kept ? say(turn, "outreach.communeKnown", { commune: await communeName(turn, kept) }) : say(turn, "outreach.communeSkipped");
    return { set: { candidates: undefined }, say: [said], to: MENU };
  }
  await turn.tx.subscription.updateMany({ where: { contactId: turn.contact.id, stoppedAt: null }, data: { communeCode: code } });
  return { set: { candidates: undefined }, say: [say(turn, "outreach.communeSaved", { commune: await communeName(turn, code) })], to: MENU };
}

function topicsPrompt(turn: Turn, chosen: Topic[], subscribed: boolean, commune?: string): OutboundMessage {
  const rows = TOPICS.map((t) => [{ label: `${chosen.includes(t) ? "✓ " : ""}${turn.t(`outreach.topics.${t}`)}`, payload: `sub:topic:${t}` }]);
  const end = [
    ...buttons(turn, [{ payload: "sub:all", labelKey: "outreach.all" }, { payload: "sub:done", labelKey: "nav.done" }]),
    ...(commune ? buttons(turn, [CHANGE_COMMUNE]) : []),
    ...(subscribed ? buttons(turn, [{ payload: STOP_PAYLOAD, labelKey: "outreach.stopButton" }]) : []),
    ...buttons(turn, [{ payload: "nav:menu", labelKey: "nav.menu" }]),
  ];
  const text = [turn.t("outreach.topicsPrompt"), ...(commune ? [turn.t("outreach.communeCurrent", { commune })] : [])].join("\n\n");
  return { ...say(turn, "outreach.topicsPrompt", {}, { buttons: [...rows, ...end] }), text };
}

/** The topics screen: what is chosen, and the commune of an active subscription with "Đổi xã". */
async function topicsScreen(turn: Turn, chosen: Topic[], active: { communeCode: string | null } | null): Promise<OutboundMessage> {
  const commune = active?.communeCode ? await communeName(turn, active.communeCode) : undefined;
  return topicsPrompt(turn, chosen, Boolean(active), commune);
}

export const subscribeFlow = defineFlow({
  id: "subscribe",
  start: "topics",
  data: SubscribeData,
  steps: {
    topics: {
      async prompt(turn, session) {
        const active = await activeSubscription(turn.tx, turn.contact.id);
        const chosen = data(session).topics ?? (active ? active.topics.split(",").filter(isTopic) : []);
        return topicsScreen(turn, chosen, active);
      },
      async handle(turn, session) {
        const c = turn.message.content;
        if (c.type !== "button") return undefined;
        const active = await activeSubscription(turn.tx, turn.contact.id);
        const chosen = data(session).topics ?? (active ? active.topics.split(",").filter(isTopic) : []);
        if (c.payload.startsWith("sub:topic:")) {
          const topic = c.payload.slice(10);
          if (!isTopic(topic)) return undefined;
          const next = chosen.includes(topic) ? chosen.filter((t) => t !== topic) : [...chosen, topic];
          return { set: { topics: next }, say: [await topicsScreen(turn, next, active)], stay: true };
        }
        if (c.payload === "sub:all") return { set: { topics: [...TOPICS] }, say: [await topicsScreen(turn, [...TOPICS], active)], stay: true };
        if (c.payload === CHANGE_COMMUNE.payload && active) return { to: "commune" };
        if (c.payload === "sub:done") {
          if (chosen.length === 0) return { say: [say(turn, "outreach.noneChosen")], stay: true };
          const from = { source: data(session).source ?? "menu", sourceCode: data(session).sourceCode };
          await subscribe(turn.tx, turn.contact.id, chosen, from, turn.now);
          const list = TOPICS.filter((t) => chosen.includes(t)).map((t) => turn.t(`outreach.topics.${t}`)).join(", ");
          return afterSubscribed(turn, say(turn, "outreach.subscribed", { topics: list }));
        }
        if (c.payload === STOP_PAYLOAD) {
          await unsubscribe(turn.tx, turn.contact.id, "unsubscribed", { source: "button" }, turn.now);
          return { say: [say(turn, "outreach.stopped")], to: { flow: "menu", step: "main" } };
        }
        return undefined;
      },
    },
    /** Asked once after "Xong" when the commune is not known, or after "Đổi xã". */
    commune: {
      prompt: (turn) => say(turn, "outreach.askCommune", {}, { buttons: buttons(turn, [SKIP]) }),
      async handle(turn) {
        const c = turn.message.content;
        // A voice message (the way Hre and Co speakers answer) counts as "Bỏ qua": nobody listens to it here.
        if ((c.type === "button" && c.payload === SKIP.payload) || isVoiceMessage(turn)) return communeChosen(turn, null);
        const text = textOf(turn)?.trim();
        if (text && saysOneOf(turn, "nav.skip", text)) return communeChosen(turn, null);
        return text ? communeTyped(turn, text) : undefined;
      },
    },
    communePick: {
      prompt: (turn, session) => communePickPrompt(turn, data(session).candidates ?? [], COMMUNE_PREFIX, { confirm: "outreach.communeConfirm", choose: "outreach.communeChoose" }),
      async handle(turn, session) {
        if (isVoiceMessage(turn)) return communeChosen(turn, null);
        const answer = readCommunePick(turn, data(session).candidates ?? [], COMMUNE_PREFIX);
        if (!answer) return undefined;
        if ("none" in answer) return { set: { candidates: undefined }, to: "commune" };
        if ("picked" in answer) return communeChosen(turn, answer.picked.code);
        if (saysOneOf(turn, "nav.skip", answer.typed)) return communeChosen(turn, null);
        return communeTyped(turn, answer.typed);
      },
    },
  },
});
