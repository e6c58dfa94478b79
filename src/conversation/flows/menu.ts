/** First contact, language choice and the main menu. */
import { z } from "zod";
import type { FlowTarget, Session, Transition, Turn } from "../types.ts";
import { defineFlow, flowData } from "../define-flow.ts";
import { buttons, isGreeting, pickChoice, say, textOf, type Choice } from "../prompt.ts";
import { SOURCE_LANGUAGE } from "../../i18n/index.ts";
import { fold } from "../../text/normalize.ts";
import { readCategory } from "../../tips/read-category.ts";
import { reportFrom } from "./report.ts";
import { classifyFreeText } from "../../faq/index.ts";
import { respondToQuestion } from "./question.ts";

/** Only features that exist are offered (quiz and news come with their issues). */
export const MENU_CHOICES: Choice[] = [
  { payload: "menu:report", labelKey: "menu.report" },
  { payload: "menu:question", labelKey: "menu.question" },
  { payload: "menu:mine", labelKey: "menu.myReports" },
  { payload: "menu:code", labelKey: "menu.followUp" },
  { payload: "menu:lang", labelKey: "menu.language" },
  { payload: "menu:news", labelKey: "menu.news" },
];

const MENU_TARGETS: Record<string, FlowTarget> = {
  "menu:report": { flow: "report", step: "category" },
  "menu:question": { flow: "question", step: "ask" },
  "menu:mine": { flow: "followUp", step: "list" },
  "menu:code": { flow: "followUp", step: "code" },
  "menu:lang": { flow: "language", step: "choose" },
  "menu:news": { flow: "subscribe", step: "topics", with: { source: "menu" } },
};

const KIND_CHOICES: Choice[] = [
  { payload: "kind:report", labelKey: "freeText.report" },
  { payload: "kind:question", labelKey: "freeText.question" },
];

/**
 * A free-text message is never dropped: a story (or danger now) starts a report with what it
 * already says, a question is answered, and only when it is not clear which is the resident asked.
 */
const STORY_MIN_WORDS = 6;

/**
 * "đăng ký nhận tin", or the words and a poster's code ("nhận tin BT01"): where a platform has no deep link with a
 * parameter (Zalo's OA links carry none), a poster prints the keyword and its code. The code has a digit, so
 * "nhận tin cảnh báo" stays words.
 */
function saysSubscribe(turn: Turn, text: string): { code?: string } | null {
  const words = [turn.t("outreach.subscribeWords"), turn.i18n.t("vi", "outreach.subscribeWords")].flatMap((w) => w.split("|")).map(fold);
  const plain = (s: string) => fold(s).replace(/[^\p{L}\p{N} ]/gu, "").replace(/\s+/g, " ").trim();
  if (words.includes(plain(text))) return {};
  const m = /^(.*\S)\s+([A-Za-z0-9_-]{2,32})$/.exec(text.normalize("NFC").trim());
  if (m && /\d/.test(m[2]!) && words.includes(plain(m[1]!))) return { code: m[2]! };
  return null;
}

async function handleMain(turn: Turn, session: Session): Promise<Transition<"menu"> | undefined> {
  const choice = pickChoice(turn, MENU_CHOICES);
  if (choice) return { to: MENU_TARGETS[choice.payload] };
  const c = turn.message.content;
  // A voice message first (the way Hre and Co speakers are invited to report): the story is the recording.
  if (c.type === "media") {
    if (turn.media?.status !== "stored" || (c.media.kind !== "voice" && c.media.kind !== "audio")) return undefined;
    const attachmentId = turn.media.attachmentId;
    const started = await reportFrom(turn, c.caption ?? "", { voice: true, attachmentIds: [attachmentId], voiceAnswers: [{ step: "description", attachmentId }] });
    return { ...started, say: [say(turn, "report.voiceReceived")] };
  }
  const text = textOf(turn);
  // A greeting at the menu is answered with the menu.
  if (isGreeting(turn)) return { to: "main" };
  if (!text) return undefined;
  if (turn.emergency?.urgent) return reportFrom(turn, text);
  // "đăng ký nhận tin", "nhận tin cảnh báo": the keyword way to subscribe.
  const keyword = saysSubscribe(turn, text);
  if (keyword) return { to: { flow: "subscribe", step: "topics", with: { source: "keyword", ...(keyword.code ? { sourceCode: keyword.code } : {}) } } };
  const kind = classifyFreeText(text);
  if (kind === "question") return respondToQuestion(turn, session, text);
  // A story that names a crime is a report; a few words ("lừa đảo qua mạng") may as well be a question.
  if (kind === "tip" || (readCategory(text).category && text.trim().split(/\s+/).length >= STORY_MIN_WORDS)) return reportFrom(turn, text);
  return { set: { draftDescription: text }, to: "kind" };
}

const MenuData = flowData({
  /** A free-text message waiting for "report or question?" */
  draftDescription: z.string().optional(),
});

export const menuFlow = defineFlow({
  id: "menu",
  start: "main",
  data: MenuData,
  steps: {
    main: {
      prompt: (turn) => say(turn, "menu.prompt", {}, { buttons: buttons(turn, MENU_CHOICES) }),
      handle: handleMain,
    },
    kind: {
      prompt: (turn) => say(turn, "freeText.which", {}, { buttons: buttons(turn, KIND_CHOICES) }),
      handle(turn, session) {
        const choice = pickChoice(turn, KIND_CHOICES);
        const draft = typeof session.data.draftDescription === "string" ? session.data.draftDescription : "";
        if (choice?.payload === "kind:report") return reportFrom(turn, draft);
        if (choice?.payload === "kind:question") return respondToQuestion(turn, session, draft);
        return handleMain(turn, session);
      },
    },
  },
});

export function languageChoices(turn: Turn): Choice[] {
  return turn.i18n.languages.map((l) => ({ payload: `lang:${l.code}`, labelKey: `__label:${l.code}` }));
}

export const languageFlow = defineFlow({
  id: "language",
  start: "choose",
  data: flowData({}),
  steps: {
    choose: {
      prompt(turn) {
        // Language names are shown in Vietnamese (see notes): everyone can read them.
        const rows = turn.i18n.languages.map((l) => [{ label: l.label, payload: `lang:${l.code}` }]);
        return say(turn, "welcome.chooseLanguage", {}, { buttons: rows });
      },
      async handle(turn, session) {
        const c = turn.message.content;
        const typed = c.type === "text" ? c.text.trim().toLowerCase() : undefined;
        const picked = turn.i18n.languages.find(
          (l) => (c.type === "button" && c.payload === `lang:${l.code}`) || typed === l.label.toLowerCase() || typed === l.code,
        );
        if (!picked) return undefined;
        await turn.tx.contact.update({ where: { id: turn.contact.id }, data: { language: picked.code } });
        turn.lng = picked.code;
        turn.t = turn.i18n.fixedT(picked.code) as Turn["t"];
        const saved = say(turn, "language.saved", { label: picked.label });
        // Until native speakers have written it, the resident is told so once, in Vietnamese (and by a
        // recorded clip when one exists): write in Vietnamese, or speak their language in a voice message.
        if (!turn.i18n.has(picked.code, "language.saved") && picked.code !== SOURCE_LANGUAGE && session.data._languageNoted !== picked.code) {
          return { say: [saved, say(turn, "language.notReady", { label: picked.label })], set: { _languageNoted: picked.code }, to: { flow: "menu", step: "main" } };
        }
        return { say: [saved], to: { flow: "menu", step: "main" } };
      },
    },
  },
});
