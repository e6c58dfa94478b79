/**
 * The 19/8 Festival law quiz in chat (issue 12): approved questions one at a time, the choices as
 * buttons, right or wrong with the explanation (and the law it comes from) after each answer, the
 * score and the commune's standing at the end. Started by the "Làm bài thi" button of a campaign
 * (`quiz:start`, from any state), a keyword at the menu ("thi", "cuộc thi", "19/8") or `/start quiz`
 * (interceptors.ts). The attempt lives in the database (src/quiz/attempts.ts), so a resident who
 * stops — "Tạm dừng", "dừng", "hủy", "menu" — resumes where they were the next time.
 */
import { z } from "zod";
import type { OutboundMessage } from "../../channels/types.ts";
import type { Session, Transition, Turn } from "../types.ts";
import { defineFlow, flowData } from "../define-flow.ts";
import { buttons, isVoiceMessage, say, textOf } from "../prompt.ts";
import { SOURCE_LANGUAGE } from "../../i18n/index.ts";
import { communePickPrompt, CommuneCandidate, folded, readCommunePick, readTypedCommune, saysOneOf } from "../commune-pick.ts";
import { approvedQuestionIds as readApprovedIds, quizQuestion as readQuestion, textIn } from "../../quiz/quiz-store.ts";
import { currentQuestionId, findAttempt as readAttempt, knownCommune, QUIZ_LENGTH, quizRound, recordAnswer as writeAnswer, startAttempt as writeStart, type Attempt } from "../../quiz/attempts.ts";
import { perTransaction } from "../../db/turn-batches.ts";
import { communeStanding } from "../../quiz/quiz-results.ts";
import type { QuizQuestion } from "../../quiz/content-schema.ts";

/** The payload of the "Làm bài thi" button campaigns carry: starts or resumes the quiz from any state. */
export const QUIZ_START_PAYLOAD = "quiz:start";
/** The button campaign messages carry (and the bot gives when a quiz is paused): "Làm bài thi". */
export const QUIZ_BUTTON = { payload: QUIZ_START_PAYLOAD, labelKey: "quiz.startButton" };
/** `/start quiz` (a poster's link to the quiz on Telegram). */
export const QUIZ_START_CODE = "quiz";
const STOP_PAYLOAD = "quiz:stop";
const ANSWER_PREFIX = "quiz:a:";
const COMMUNE_PREFIX = "quiz:commune:";

const QuizData = flowData({
  /** The round the attempt belongs to (kept so an answer on New Year's Eve still finds it). */
  round: z.string().optional(),
  /** Communes the typed place may name, for one tap. */
  candidates: z.array(CommuneCandidate).optional(),
  adminDataVersion: z.string().optional(),
});
type Data = z.output<typeof QuizData>;
const data = (s: Session) => s.data as Data;
const MENU = { flow: "menu", step: "main" } as const;

// A turn reads the question bank and its attempt more than once (the answer, then the next question): the bank is
// read once per transaction (turns batched together share it; no turn writes it), the attempt once per turn and
// kept as this turn writes it.
const approvedQuestionIds = (tx: Turn["tx"]) => perTransaction(tx, "quiz:approved", () => readApprovedIds(tx));
const quizQuestion = (tx: Turn["tx"], id: string) => perTransaction(tx, `quiz:question:${id}`, () => readQuestion(tx, id));
const attempts = new WeakMap<Turn, Map<string, Attempt | undefined>>();
function remember(turn: Turn, attempt: Attempt): Attempt {
  let mine = attempts.get(turn);
  if (!mine) attempts.set(turn, (mine = new Map()));
  mine.set(attempt.round, attempt);
  return attempt;
}
async function findAttempt(turn: Turn, round: string): Promise<Attempt | undefined> {
  const mine = attempts.get(turn);
  if (mine?.has(round)) return mine.get(round);
  const attempt = await readAttempt(turn.tx, turn.contact.id, round);
  if (attempt) remember(turn, attempt);
  return attempt;
}


/** "thi", "làm bài thi", "cuộc thi", "19/8", with or without marks. */
export function saysQuiz(turn: Turn, text: string): boolean {
  return saysOneOf(turn, "quiz.words", text);
}

function languageLabel(turn: Turn): string {
  return turn.i18n.languages.find((l) => l.code === turn.lng)?.label ?? turn.lng;
}

/** The once-per-conversation note that the resident's language is not written yet (as the language choice gives it). */
function languageNote(turn: Turn, session: Session, sample: QuizQuestion | undefined): Transition | undefined {
  if (turn.lng === SOURCE_LANGUAGE || session.data._languageNoted === turn.lng) return undefined;
  const untranslated = !turn.i18n.has(turn.lng, "quiz.intro") || (sample !== undefined && textIn(sample.question, turn.lng).fallback);
  if (!untranslated) return undefined;
  return { say: [say(turn, "language.notReady", { label: languageLabel(turn) })], set: { _languageNoted: turn.lng } };
}

async function standingMessage(turn: Turn, attempt: Attempt): Promise<OutboundMessage> {
  const standing = attempt.communeCode ? await communeStanding(turn.tx, attempt.round, attempt.communeCode) : undefined;
  if (!standing) return say(turn, "quiz.noCommune");
  return say(turn, "quiz.standing", {
    commune: standing.communeName,
    finished: standing.finished,
    average: new Intl.NumberFormat("vi", { maximumFractionDigits: 1 }).format(standing.averageScore),
    total: attempt.questionIds.length,
    rank: standing.rank,
    communes: standing.communes,
  });
}

/**
 * Where "Làm bài thi" leads: the running attempt (resumed), the result of a finished one, the
 * commune question before a first attempt when the commune is not known, or "not open yet" while
 * no question is approved. Targets are absolute: the interceptors use it from any state.
 */
export async function enterQuiz(turn: Turn, session: Session): Promise<Transition> {
  const round = quizRound(turn.now);
  const attempt = await findAttempt(turn, round);
  const firstId = attempt ? currentQuestionId(attempt) ?? attempt.questionIds[0] : (await approvedQuestionIds(turn.tx))[0];
  const note = languageNote(turn, session, firstId ? await quizQuestion(turn.tx, firstId) : undefined);
  const noted = { say: note?.say ?? [], set: note?.set ?? {} };
  if (attempt?.finishedAt) {
    const done = say(turn, "quiz.already", { score: attempt.score, total: attempt.questionIds.length });
    return { say: [...noted.say, done, await standingMessage(turn, attempt)], set: noted.set, to: MENU };
  }
  if (attempt) {
    const resumed = say(turn, "quiz.resumed", { n: attempt.answers.length + 1, total: attempt.questionIds.length });
    return { say: [...noted.say, resumed], set: noted.set, to: { flow: "quiz", step: "question", with: { round } } };
  }
  const approved = await approvedQuestionIds(turn.tx);
  if (!approved.length) return { say: [...noted.say, say(turn, "quiz.notOpen")], set: noted.set, to: MENU };
  const intro = say(turn, "quiz.intro", { count: Math.min(approved.length, QUIZ_LENGTH) });
  const known = await knownCommune(turn.tx, turn.contact.id);
  if (!known) return { say: [...noted.say, intro], set: noted.set, to: { flow: "quiz", step: "commune", with: { round } } };
  await begin(turn, round, known.code, known.version);
  return { say: [...noted.say, intro], set: noted.set, to: { flow: "quiz", step: "question", with: { round } } };
}

/** Starts the attempt (once per round: a second start finds the first). */
async function begin(turn: Turn, round: string, communeCode: string | null, adminDataVersion: string | null): Promise<Attempt | undefined> {
  const existing = await findAttempt(turn, round);
  if (existing) return existing;
  const questionIds = (await approvedQuestionIds(turn.tx)).slice(0, QUIZ_LENGTH);
  if (!questionIds.length) return undefined;
  return remember(turn, await writeStart(turn.tx, { contactId: turn.contact.id, round, questionIds, communeCode, adminDataVersion, now: turn.now }));
}

async function attemptOf(turn: Turn, session: Session): Promise<Attempt | undefined> {
  return findAttempt(turn, data(session).round ?? quizRound(turn.now));
}

/** "Đã lưu bài làm…": said whenever the resident leaves a running quiz (also by "hủy" or "menu"). */
export async function pausedMessage(turn: Turn, session: Session): Promise<OutboundMessage | undefined> {
  if (session.flow !== "quiz") return undefined;
  const attempt = await attemptOf(turn, session);
  if (!attempt || attempt.finishedAt) return undefined;
  return say(turn, "quiz.paused", { answered: attempt.answers.length, total: attempt.questionIds.length }, { buttons: buttons(turn, [QUIZ_BUTTON]) });
}

const stopButton = (turn: Turn) => buttons(turn, [{ payload: STOP_PAYLOAD, labelKey: "quiz.stop" }]);

async function questionPrompt(turn: Turn, session: Session): Promise<OutboundMessage> {
  const attempt = await attemptOf(turn, session);
  const id = attempt && currentQuestionId(attempt);
  const question = id ? await quizQuestion(turn.tx, id) : undefined;
  if (!attempt || !question) return say(turn, "quiz.notOpen", {}, { buttons: buttons(turn, [{ payload: "nav:menu", labelKey: "nav.menu" }]) });
  const rows = question.choices.map((choice, i) => [{ label: textIn(choice, turn.lng).text, payload: `${ANSWER_PREFIX}${question.id}:${i}` }]);
  const text = turn.t("quiz.question", { n: attempt.answers.length + 1, total: attempt.questionIds.length, question: textIn(question.question, turn.lng).text });
  // A clip recorded on the workbench ("quiz:<id>.question"), else one shipped in locales/<lng>/audio.json.
  const clip = turn.i18n.audio(turn.lng, `quiz:${question.id}.question`) ?? turn.i18n.audio(turn.lng, `quiz.bank.${question.id}`);
  return { text, buttons: [...rows, ...stopButton(turn)], ...(clip ? { audio: { file: clip.path, mime: clip.mime, label: text.slice(0, 60) } } : {}) };
}

/** The choice this message gives for the question: a button of this question, its number, or its text typed. */
function chosen(turn: Turn, question: QuizQuestion): number | "stale" | undefined {
  const c = turn.message.content;
  if (c.type === "button") {
    if (!c.payload.startsWith(ANSWER_PREFIX)) return undefined;
    const [id, index] = c.payload.slice(ANSWER_PREFIX.length).split(":");
    if (id !== question.id) return "stale";
    const i = Number(index);
    return Number.isInteger(i) && i >= 0 && i < question.choices.length ? i : "stale";
  }
  const text = textOf(turn);
  if (!text) return undefined;
  const typed = folded(text);
  const n = Number.parseInt(typed, 10);
  if (String(n) === typed && n >= 1 && n <= question.choices.length) return n - 1;
  const i = question.choices.findIndex((choice) => [textIn(choice, turn.lng).text, choice.vi].some((t) => folded(t) === typed));
  return i >= 0 ? i : undefined;
}

function verdict(turn: Turn, question: QuizQuestion, choice: number): OutboundMessage {
  const right = choice === question.correct;
  const lines = [
    right ? turn.t("quiz.right") : turn.t("quiz.wrong", { answer: textIn(question.choices[question.correct]!, turn.lng).text }),
    textIn(question.explanation, turn.lng).text,
    ...(question.source ? [turn.t("quiz.source", { source: question.source })] : []),
  ];
  const clip = turn.i18n.audio(turn.lng, `quiz:${question.id}.explanation`) ?? turn.i18n.audio(turn.lng, `quiz.bank.${question.id}.explanation`);
  return { text: lines.join("\n"), ...(clip ? { audio: { file: clip.path, mime: clip.mime, label: lines[0]!.slice(0, 60) } } : {}) };
}

async function answer(turn: Turn, session: Session): Promise<Transition<"quiz"> | undefined> {
  const c = turn.message.content;
  const text = textOf(turn);
  if ((c.type === "button" && c.payload === STOP_PAYLOAD) || (text !== undefined && saysOneOf(turn, "quiz.stopWords", text))) {
    const paused = await pausedMessage(turn, session);
    return { say: paused ? [paused] : [], to: MENU };
  }
  const attempt = await attemptOf(turn, session);
  const id = attempt && currentQuestionId(attempt);
  const question = id ? await quizQuestion(turn.tx, id) : undefined;
  if (!attempt || !question) return { to: MENU };
  const choice = chosen(turn, question);
  if (choice === "stale") return { say: [say(turn, "quiz.stale", { n: attempt.answers.length + 1 })], to: "question" };
  if (choice === undefined) {
    // Other buttons (an old menu) get the engine's "old button" help; typed words are told how to answer.
    if (c.type === "button") return undefined;
    return { say: [say(turn, "quiz.pickChoice", { count: question.choices.length })], to: "question" };
  }
  const after = await writeAnswer(turn.tx, attempt, { q: question.id, choice, right: choice === question.correct }, turn.now);
  remember(turn, after);
  const said = verdict(turn, question, choice);
  if (!after.finishedAt) return { say: [said], to: "question" };
  const score = say(turn, "quiz.score", { score: after.score, total: after.questionIds.length });
  return { say: [said, score, await standingMessage(turn, after)], to: MENU };
}

/** The commune's candidates for what the resident typed, or "not found" (the same reading as a report's typed place). */
async function communeTyped(turn: Turn, text: string): Promise<Transition<"quiz">> {
  const { place, communes, adminDataVersion } = await readTypedCommune(turn, text);
  if (!communes.length) return { say: [say(turn, "quiz.communeNotFound", { typed: place.slice(0, 60) })], stay: true };
  return { set: { candidates: communes, adminDataVersion }, to: "communePick" };
}

async function communeChosen(turn: Turn, session: Session, code: string | null): Promise<Transition<"quiz">> {
  const round = data(session).round ?? quizRound(turn.now);
  const started = await begin(turn, round, code, code ? data(session).adminDataVersion ?? null : null);
  if (!started) return { say: [say(turn, "quiz.notOpen")], to: MENU };
  return { set: { candidates: undefined, adminDataVersion: undefined, round }, to: "question" };
}

const SKIP = { payload: `${COMMUNE_PREFIX}skip`, labelKey: "nav.skip" };
const NONE = { payload: `${COMMUNE_PREFIX}none`, labelKey: "nav.no" };

export const quizFlow = defineFlow({
  id: "quiz",
  start: "question",
  data: QuizData,
  steps: {
    /** Asked once (the attempt keeps it, and the next round reuses it): which commune the score counts for. */
    commune: {
      prompt: (turn) => say(turn, "quiz.askCommune", {}, { buttons: buttons(turn, [SKIP, { payload: "nav:menu", labelKey: "nav.menu" }]) }),
      async handle(turn, session) {
        const c = turn.message.content;
        // A voice message (the way Hre and Co speakers answer) counts as "Bỏ qua": nobody listens to quiz answers.
        if ((c.type === "button" && c.payload === SKIP.payload) || isVoiceMessage(turn)) return communeChosen(turn, session, null);
        const text = textOf(turn)?.trim();
        if (text && saysOneOf(turn, "nav.skip", text)) return communeChosen(turn, session, null);
        if (text && saysOneOf(turn, "quiz.stopWords", text)) return { to: MENU };
        return text ? communeTyped(turn, text) : undefined;
      },
    },
    communePick: {
      prompt: (turn, session) => communePickPrompt(turn, data(session).candidates ?? [], COMMUNE_PREFIX, { confirm: "quiz.communeConfirm", choose: "quiz.communeChoose" }),
      async handle(turn, session) {
        if (isVoiceMessage(turn)) return communeChosen(turn, session, null);
        const answer = readCommunePick(turn, data(session).candidates ?? [], COMMUNE_PREFIX);
        if (!answer) return undefined;
        if ("none" in answer) return { set: { candidates: undefined }, to: "commune" };
        if ("picked" in answer) return communeChosen(turn, session, answer.picked.code);
        return communeTyped(turn, answer.typed);
      },
    },
    question: {
      prompt: questionPrompt,
      handle: answer,
    },
  },
});
