/**
 * What works at every step, before the step itself sees the message, in this order: platform
 * events that are not messages, /start, danger-now words (113 first, in any state, before a
 * language is chosen too), a tip's two codes typed in one message, "Trả lời" under an officer's
 * message, the first contact, and cancel / menu / back. An interceptor either answers the turn
 * or lets it go on (the emergency one adds its message and lets the step run).
 */
import { linkTestChat, TEST_LINK_CODE } from "../outreach/campaigns/test-send.ts";
import { BUTTON_PAYLOADS, TAP_PAYLOAD } from "../outreach/campaigns/compose.ts";
import type { OutboundMessage } from "../channels/types.ts";
import type { Session, Turn } from "./types.ts";
import { buttons, isGreeting, say } from "./prompt.ts";
import { fold } from "../text/normalize.ts";
import { blank, enter, finish, run, startFlow, type TurnOutcome } from "./run-flow.ts";
import { detectEmergency } from "../tips/detect-emergency.ts";
import { emergencyMessage } from "./flows/emergency.ts";
import { findCodes } from "../tips/reference-code.ts";
import { checkCodes, codesOpenedSay, countGuess } from "./flows/follow-up.ts";
import { REPLY_PAYLOAD_PREFIX } from "../tips/message-reporter.ts";
import { tipsFollowedBy } from "./session-store.ts";
import { STOP_PAYLOAD } from "./flows/subscribe.ts";
import { activeSubscription, unsubscribe } from "../outreach/consent.ts";
import { enterQuiz, pausedMessage, QUIZ_START_CODE, QUIZ_START_PAYLOAD, saysQuiz } from "./flows/quiz.ts";

export interface Interceptor {
  name: string;
  /** Answers the turn, or returns undefined to let the next interceptor (and then the step) have it; may add replies. */
  intercept(turn: Turn, current: Session | null, replies: OutboundMessage[]): Promise<TurnOutcome | undefined> | TurnOutcome | undefined;
}

/** Emergency numbers are given again only after this long in the same conversation. */
const EMERGENCY_REPEAT_MS = 30 * 60_000;

type Nav = "cancel" | "menu" | "back";

function navOf(turn: Turn): Nav | undefined {
  const c = turn.message.content;
  if (c.type === "command") {
    if (c.command === "cancel" || c.command === "huy") return "cancel";
    if (c.command === "menu") return "menu";
    return undefined;
  }
  if (c.type === "button" && c.payload.startsWith("nav:")) {
    const nav = c.payload.slice(4);
    return nav === "cancel" || nav === "menu" || nav === "back" ? nav : undefined;
  }
  if (c.type !== "text") return undefined;
  // Typed with marks, compare with marks ("đúng" is yes, not "dừng"); typed without, compare folded.
  const typed = c.text.normalize("NFC").toLowerCase().replace(/[^\p{L}\p{N} ]/gu, "").replace(/\s+/g, " ").trim();
  const plain = fold(typed) === typed;
  const key = (w: string) => (plain ? fold(w) : w.normalize("NFC").toLowerCase());
  for (const nav of ["cancel", "menu", "back"] as const) {
    const words = new Set([turn.t(`nav.words.${nav}`), turn.i18n.t("vi", `nav.words.${nav}`)].flatMap((w) => w.split("|").map(key)));
    if (words.has(typed)) return nav;
  }
  return undefined;
}

const typedText = (turn: Turn): string | undefined => {
  const c = turn.message.content;
  return c.type === "text" ? c.text : c.type === "media" ? c.caption : undefined;
};

/**
 * Delivery receipts and unfollows are not messages; a follow is a greeting the first time only. An
 * unfollow (the resident blocked or left the account) stops every message to them, outreach too.
 */
const notMessages: Interceptor = {
  name: "not-messages",
  async intercept(turn, current) {
    const kind = turn.message.content.type;
    if (kind === "unfollow") {
      await turn.tx.contact.update({ where: { id: turn.contact.id }, data: { stoppedAt: turn.now } });
      await unsubscribe(turn.tx, turn.contact.id, "blocked", { source: turn.message.channel }, turn.now);
      return { replies: [], session: current };
    }
    if (kind === "delivery" || (kind === "follow" && (current || turn.contact.language))) return { replies: [], session: current };
    return undefined;
  },
};

const start: Interceptor = {
  name: "start",
  async intercept(turn, _current, replies) {
    const c = turn.message.content;
    if (c.type !== "command" || c.command !== "start") return undefined;
    replies.push(say(turn, "welcome.greeting"));
    const code = c.args.trim();
    // A poster's link to the 19/8 quiz: t.me/<bot>?start=quiz.
    if (code === QUIZ_START_CODE) {
      const menu = blank("menu", "main");
      return finish(turn, replies, menu, await enterQuiz(turn, menu));
    }
    // A poster's QR code: t.me/<bot>?start=<code> names the campaign or commune it came from.
    if (/^[A-Za-z0-9_-]{1,64}$/.test(code)) {
      return enter(turn, replies, startFlow(null, { flow: "subscribe", step: "topics", with: { source: "link", sourceCode: code } }));
    }
    return enter(turn, replies, turn.contact.language ? blank("menu", "main") : blank("language", "choose"));
  },
};

/**
 * Stopping outreach messages, at any time: "hủy đăng ký", "dừng nhận tin", "ngừng nhận tin" in any
 * state; a bare "dừng" / "STOP" only where it cannot mean "stop this report" (then it cancels, as
 * before). Takes effect in this turn's transaction, before any next message.
 */
const optOut: Interceptor = {
  name: "opt-out",
  async intercept(turn, current, replies) {
    const c = turn.message.content;
    const pressed = c.type === "button" && c.payload === STOP_PAYLOAD;
    const written = c.type === "text" ? c.text.normalize("NFC").toLowerCase().replace(/[^\p{L}\p{N} ]/gu, "").replace(/\s+/g, " ").trim() : undefined;
    const typed = written === undefined ? undefined : fold(written);
    const words = (key: string) => [turn.t(key), turn.i18n.t("vi", key)].flatMap((w) => w.split("|"));
    const busy = current && current.flow !== "menu" && current.flow !== "subscribe";
    const phrase = typed !== undefined && words("outreach.stopWords").map(fold).includes(typed);
    // A single word is taken with its marks: "dung" typed plain may be "đúng" (yes), never "dừng".
    const single = written !== undefined && !busy && words("outreach.stopWordsIdle").some((w) => (fold(w) === w ? fold(written) === w : w.normalize("NFC").toLowerCase() === written));
    if (!pressed && !phrase && !single) return undefined;
    if (!(await activeSubscription(turn.tx, turn.contact.id))) {
      if (!phrase) return undefined;
      replies.push(say(turn, "outreach.notSubscribed"));
      return enter(turn, replies, blank("menu", "main", current));
    }
    await unsubscribe(turn.tx, turn.contact.id, "unsubscribed", { source: pressed ? "button" : "word" }, turn.now);
    replies.push(say(turn, "outreach.stopped"));
    return enter(turn, replies, blank("menu", "main", current));
  },
};

/**
 * Danger now ("co nguoi dang danh nhau co dao"): 113 / 114 / 115 first, whatever the step, and
 * then the message goes on to the step (a story becomes an urgent report). Not repeated within
 * half an hour of the same conversation.
 */
const emergency: Interceptor = {
  name: "emergency",
  intercept(turn, current, replies) {
    const text = typedText(turn);
    if (!text) return undefined;
    const signal = detectEmergency(text);
    if (!signal.urgent) return undefined;
    turn.emergency = signal;
    const last = typeof current?.data._emergencyAt === "string" ? Date.parse(current.data._emergencyAt) : NaN;
    if (turn.now.getTime() - last < EMERGENCY_REPEAT_MS) return undefined;
    replies.push(emergencyMessage(turn, signal.child));
    turn.emergencyShownAt = turn.now.toISOString();
    return undefined;
  },
};

/** "QN-4N3JC 41233910" (any case, spacing, punctuation) in one message, at any step: the tip opens here. */
const codes: Interceptor = {
  name: "codes",
  async intercept(turn, current, replies) {
    const text = typedText(turn);
    const found = text ? findCodes(text) : undefined;
    if (!found) return undefined;
    const result = await checkCodes(turn, found.reference, found.secret);
    if (result.kind === "opened") {
      replies.push(...codesOpenedSay(turn, result));
      return enter(turn, replies, startFlow(current, { flow: "followUp", step: "open", with: { tipId: result.tipId } }));
    }
    replies.push(result.say);
    if (result.kind === "wrong") return { replies, session: startFlow(current, { flow: "followUp", step: "secret", with: { reference: found.reference } }) };
    return enter(turn, replies, blank("menu", "main", current));
  },
};

/**
 * "Trả lời" under an officer's message, pressed at any step: the resident's next words go to that
 * tip's thread. Only the tip's reporter, or a chat that opened it with its codes, can open it this
 * way; anyone else gets the usual help.
 */
const replyToOfficer: Interceptor = {
  name: "reply-to-officer",
  async intercept(turn, current) {
    const c = turn.message.content;
    if (c.type !== "button" || !c.payload.startsWith(REPLY_PAYLOAD_PREFIX)) return undefined;
    const tipId = c.payload.slice(REPLY_PAYLOAD_PREFIX.length);
    const followed = await tipsFollowedBy(turn.tx, turn.contact.id, tipId);
    if (!followed) return undefined;
    const done = buttons(turn, [{ payload: "nav:done", labelKey: "nav.done" }]);
    const session = startFlow(current, { flow: "followUp", step: "open", with: { tipId: followed.id } });
    return { replies: [say(turn, "followUp.replyPrompt", { reference: followed.reference }, { buttons: done })], session };
  },
};

/**
 * The 19/8 quiz: the "Làm bài thi" button of a campaign message works from any state (it starts or
 * resumes the quiz); the words ("thi", "làm bài thi", "cuộc thi", "19/8") only when nothing else is
 * going on, so they never cut into a report.
 */
const quiz: Interceptor = {
  name: "quiz",
  async intercept(turn, current, replies) {
    const c = turn.message.content;
    const pressed = c.type === "button" && c.payload === QUIZ_START_PAYLOAD;
    const idle = !current || current.flow === "menu";
    if (!pressed && !(idle && c.type === "text" && saysQuiz(turn, c.text))) return undefined;
    const menu = blank("menu", "main", current);
    return finish(turn, replies, menu, await enterQuiz(turn, menu));
  },
};

/** The very first message: a greeting and the language choice, or — when it already tells something — straight to it. */
const firstContact: Interceptor = {
  name: "first-contact",
  async intercept(turn, current, replies) {
    if (current || turn.contact.language) return undefined;
    if (!turn.emergency) replies.push(say(turn, "welcome.greeting"));
    const c = turn.message.content;
    // A first message that already tells a story (or a question) is taken as such, not asked to wait.
    if (!isGreeting(turn) && (c.type === "text" || c.type === "media")) {
      const session = blank("menu", "main");
      return finish(turn, replies, session, await run(turn, session));
    }
    // A language button pressed first (an old page, a shared link) is simply taken.
    const choose = blank("language", "choose");
    const picked = await run(turn, choose);
    return picked ? finish(turn, replies, choose, picked) : enter(turn, replies, choose);
  },
};

const navigation: Interceptor = {
  name: "navigation",
  async intercept(turn, current, replies) {
    const nav = navOf(turn);
    // Leaving a running quiz keeps it: the resident is told where they stopped and how to go on.
    const paused = (nav === "cancel" || nav === "menu") && current ? await pausedMessage(turn, current) : undefined;
    if (paused) replies.push(paused);
    if (nav === "cancel") {
      if (current?.flow === "report") replies.push(say(turn, "report.cancelled"));
      return enter(turn, replies, blank("menu", "main", current));
    }
    if (nav === "menu") return enter(turn, replies, blank("menu", "main", current));
    // No conversation open (a flow ended): the message is read at the main menu (a story, a question).
    if (!current) {
      const menu = blank("menu", "main");
      return finish(turn, replies, menu, await run(turn, menu));
    }
    if (nav === "back") {
      const previous = current.history.at(-1);
      if (!previous) return enter(turn, replies, blank("menu", "main", current));
      return enter(turn, replies, { ...current, step: previous, history: current.history.slice(0, -1) });
    }
    return undefined;
  },
};

/**
 * A tap on a campaign message's "Báo tin" or "Làm bài thi" ("cmp:<delivery>:report") is counted for the campaign
 * (only the delivery sent to this resident: a forged id counts nothing), then handled as the plain button.
 */
const campaignTap: Interceptor = {
  name: "campaign-tap",
  async intercept(turn) {
    const c = turn.message.content;
    const m = c.type === "button" ? TAP_PAYLOAD.exec(c.payload) : null;
    if (!m || c.type !== "button") return undefined;
    const field = m[2] === "report" ? "reportTappedAt" : "quizTappedAt";
    await turn.tx.campaignDelivery.updateMany({ where: { id: Number(m[1]), contactId: turn.contact.id, [field]: null }, data: { [field]: turn.now } });
    turn.message = { ...turn.message, content: { ...c, payload: BUTTON_PAYLOADS[m[2] as "report" | "quiz"] } };
    return undefined;
  },
};

/**
 * An officer linking this chat for campaign test sends: the one-time code from the console ("kt123456"), typed or
 * as /start kt123456. Answered here; the conversation itself is left as it was.
 */
const officerTestLink: Interceptor = {
  name: "officer-test-link",
  async intercept(turn, current, replies) {
    const c = turn.message.content;
    const typed = c.type === "text" ? c.text : c.type === "command" && c.command === "start" ? c.args : undefined;
    if (typed === undefined || !TEST_LINK_CODE.test(typed.trim())) return undefined;
    // A guess like any other code's: six digits are few, so strangers get the follow-up secrets' budget per address.
    const locked = await countGuess(turn);
    if (locked) return { replies: [...replies, locked], session: current };
    const name = await linkTestChat(turn.tx, turn.app.vault, typed, turn.contact.id, turn.now);
    replies.push(say(turn, name ? "outreach.testLink.linked" : "outreach.testLink.wrong", name ? { name } : {}));
    return { replies, session: current };
  },
};

export const INTERCEPTORS: readonly Interceptor[] = [campaignTap, officerTestLink, notMessages, start, emergency, codes, optOut, quiz, replyToOfficer, firstContact, navigation];
