/**
 * Subscribing to outreach news by consent (issue 12): the resident picks topics (tap to select or
 * unselect), confirms with "Xong", and is told how to stop. Reached from the menu ("Nhận tin cảnh
 * báo"), a poster's deep link (/start <code>) or a keyword ("đăng ký nhận tin"). Stopping works at
 * any time (interceptors.ts: "hủy đăng ký", "dừng nhận tin", "STOP"…, or the button here).
 */
import { z } from "zod";
import type { OutboundMessage } from "../../channels/types.ts";
import type { Session, Turn } from "../types.ts";
import { defineFlow, flowData } from "../define-flow.ts";
import { buttons, say } from "../prompt.ts";
import { TOPICS, isTopic, type Topic } from "../../outreach/topics.ts";
import { activeSubscription, subscribe, unsubscribe } from "../../outreach/consent.ts";

const SubscribeData = flowData({
  topics: z.array(z.enum(TOPICS)).optional(),
  source: z.string().optional(),
  sourceCode: z.string().optional(),
});
type Data = z.output<typeof SubscribeData>;
const data = (s: Session) => s.data as Data;

export const STOP_PAYLOAD = "sub:stop";

function topicsPrompt(turn: Turn, chosen: Topic[], subscribed: boolean): OutboundMessage {
  const rows = TOPICS.map((t) => [{ label: `${chosen.includes(t) ? "✓ " : ""}${turn.t(`outreach.topics.${t}`)}`, payload: `sub:topic:${t}` }]);
  const end = [
    ...buttons(turn, [{ payload: "sub:all", labelKey: "outreach.all" }, { payload: "sub:done", labelKey: "nav.done" }]),
    ...(subscribed ? buttons(turn, [{ payload: STOP_PAYLOAD, labelKey: "outreach.stopButton" }]) : []),
    ...buttons(turn, [{ payload: "nav:menu", labelKey: "nav.menu" }]),
  ];
  return say(turn, "outreach.topicsPrompt", {}, { buttons: [...rows, ...end] });
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
        return topicsPrompt(turn, chosen, Boolean(active));
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
          return { set: { topics: next }, say: [topicsPrompt(turn, next, Boolean(active))], stay: true };
        }
        if (c.payload === "sub:all") return { set: { topics: [...TOPICS] }, say: [topicsPrompt(turn, [...TOPICS], Boolean(active))], stay: true };
        if (c.payload === "sub:done") {
          if (chosen.length === 0) return { say: [say(turn, "outreach.noneChosen")], stay: true };
          const from = { source: data(session).source ?? "menu", sourceCode: data(session).sourceCode };
          await subscribe(turn.tx, turn.contact.id, chosen, from, turn.now);
          const list = TOPICS.filter((t) => chosen.includes(t)).map((t) => turn.t(`outreach.topics.${t}`)).join(", ");
          return { say: [say(turn, "outreach.subscribed", { topics: list })], to: { flow: "menu", step: "main" } };
        }
        if (c.payload === STOP_PAYLOAD) {
          await unsubscribe(turn.tx, turn.contact.id, "unsubscribed", { source: "button" }, turn.now);
          return { say: [say(turn, "outreach.stopped")], to: { flow: "menu", step: "main" } };
        }
        return undefined;
      },
    },
  },
});
