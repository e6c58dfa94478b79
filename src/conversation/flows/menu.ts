/** First contact, language choice and the main menu. */
import type { Flow, Turn } from "../types.ts";
import { buttons, pickChoice, say, textOf, type Choice } from "../prompt.ts";
import { detectEmergency } from "../../tips/detect-emergency.ts";
import { emergencyMessage } from "./emergency.ts";
import { classifyFreeText } from "../../faq/index.ts";
import { respondToQuestion } from "./question.ts";

/** Only features that exist are offered (quiz and news come with their issues). */
export const MENU_CHOICES: Choice[] = [
  { payload: "menu:report", labelKey: "menu.report" },
  { payload: "menu:question", labelKey: "menu.question" },
  { payload: "menu:mine", labelKey: "menu.myReports" },
  { payload: "menu:code", labelKey: "menu.followUp" },
  { payload: "menu:lang", labelKey: "menu.language" },
];

const MENU_TARGETS: Record<string, { flow: string; step: string }> = {
  "menu:report": { flow: "report", step: "category" },
  "menu:question": { flow: "question", step: "ask" },
  "menu:mine": { flow: "followUp", step: "list" },
  "menu:code": { flow: "followUp", step: "code" },
  "menu:lang": { flow: "language", step: "choose" },
};

const OFFER_CHOICES: Choice[] = [
  { payload: "offer:yes", labelKey: "freeText.yes" },
  { payload: "offer:no", labelKey: "freeText.no" },
];

const KIND_CHOICES: Choice[] = [
  { payload: "kind:report", labelKey: "freeText.report" },
  { payload: "kind:question", labelKey: "freeText.question" },
];

export const menuFlow: Flow = {
  id: "menu",
  start: "main",
  steps: {
    main: {
      prompt: (turn) => say(turn, "menu.prompt", {}, { buttons: buttons(turn, MENU_CHOICES) }),
      handle(turn, session) {
        const choice = pickChoice(turn, MENU_CHOICES);
        if (choice) return { to: MENU_TARGETS[choice.payload] };
        const text = textOf(turn);
        if (text && text.length >= 3) {
          // A free-text message is never dropped: a tip is offered as the start of a report, a
          // question is answered, and when it is not clear which, the resident is asked.
          const danger = detectEmergency(text);
          if (danger.urgent) return { set: { draftDescription: text }, say: [emergencyMessage(turn, danger.child)], to: "offer" };
          const kind = classifyFreeText(text);
          if (kind === "question") return respondToQuestion(turn, session, text);
          return { set: { draftDescription: text }, to: kind === "tip" ? "offer" : "kind" };
        }
        return undefined;
      },
    },
    kind: {
      prompt: (turn) => say(turn, "freeText.which", {}, { buttons: buttons(turn, KIND_CHOICES) }),
      handle(turn, session) {
        const choice = pickChoice(turn, KIND_CHOICES);
        const draft = typeof session.data.draftDescription === "string" ? session.data.draftDescription : "";
        if (choice?.payload === "kind:report") {
          return { to: { flow: "report", step: "category" }, set: { carry: { description: draft } } };
        }
        if (choice?.payload === "kind:question") return respondToQuestion(turn, session, draft);
        return menuFlow.steps.main!.handle(turn, session);
      },
    },
    offer: {
      prompt: (turn) => say(turn, "freeText.offer", {}, { buttons: buttons(turn, OFFER_CHOICES) }),
      handle(turn, session) {
        const choice = pickChoice(turn, OFFER_CHOICES);
        if (choice?.payload === "offer:yes") {
          return { to: { flow: "report", step: "category" }, set: { carry: { description: session.data.draftDescription } } };
        }
        if (choice?.payload === "offer:no") return { to: "main" };
        return menuFlow.steps.main!.handle(turn, session);
      },
    },
  },
};

export function languageChoices(turn: Turn): Choice[] {
  return turn.i18n.languages.map((l) => ({ payload: `lang:${l.code}`, labelKey: `__label:${l.code}` }));
}

export const languageFlow: Flow = {
  id: "language",
  start: "choose",
  steps: {
    choose: {
      prompt(turn) {
        // Language names are shown in Vietnamese (see notes): everyone can read them.
        const rows = turn.i18n.languages.map((l) => [{ label: l.label, payload: `lang:${l.code}` }]);
        return say(turn, "welcome.chooseLanguage", {}, { buttons: rows });
      },
      async handle(turn) {
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
        return { say: [saved], to: { flow: "menu", step: "main" } };
      },
    },
  },
};
