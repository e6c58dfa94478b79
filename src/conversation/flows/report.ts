/**
 * Reporting a tip: category → what happened → evidence → where → when → anonymous or named →
 * confirm → receipt. Each step is a small declaration; the engine does the rest.
 */
import type { OutboundMessage } from "../../channels/types.ts";
import type { Flow, Session, Step, Transition, Turn } from "../types.ts";
import { rejectionKey } from "./media-rejection.ts";
import { buttons, pickChoice, say, textOf, type Choice } from "../prompt.ts";
import { emergencyMessage } from "./emergency.ts";
import { detectEmergency } from "../../tips/detect-emergency.ts";
import { createTip, TIP_CATEGORIES } from "../../tips/create-tip.ts";
import { findCommunes, locatePin, type CommuneCandidate } from "../../units/find-communes.ts";
import { inSentence } from "../../units/names.ts";
import { fold, normalizeText, codePointLength } from "../../text/normalize.ts";
import { acceptsFile, expectsEvidence } from "../expects-evidence.ts";

export const DESCRIPTION_MAX = 4000;
const NAV: Choice[] = [
  { payload: "nav:back", labelKey: "nav.back" },
  { payload: "nav:cancel", labelKey: "nav.cancel" },
];
const CATEGORY_CHOICES: Choice[] = TIP_CATEGORIES.map((c) => ({ payload: `cat:${c}`, labelKey: `report.categories.${c}` }));
const WHEN_CHOICES: Choice[] = ["now", "today", "yesterday", "earlier"].map((w) => ({ payload: `when:${w}`, labelKey: `report.when.${w}` }));
const IDENTITY_CHOICES: Choice[] = [
  { payload: "id:anon", labelKey: "report.anonymous" },
  { payload: "id:named", labelKey: "report.named" },
];
const DONE: Choice = { payload: "nav:done", labelKey: "nav.done" };
const SKIP: Choice = { payload: "nav:skip", labelKey: "nav.skip" };
const SEND: Choice = { payload: "report:send", labelKey: "report.send" };

interface ReportData {
  category?: string;
  description?: string;
  voice?: boolean;
  attachmentIds?: string[];
  /** Files refused (too large, unreadable): kept on the tip so officers know they were sent. */
  refusedIds?: string[];
  latitude?: number;
  longitude?: number;
  communeCode?: string;
  communeSource?: "pin" | "typed";
  adminDataVersion?: string;
  placeText?: string;
  candidates?: Candidate[];
  candidateSource?: "pin" | "typed";
  typedPlace?: string;
  /** A shared pin waiting for the resident to confirm its commune. */
  pin?: { latitude: number; longitude: number };
  /** The resident said the pin's commune was wrong: ask them to type the place. */
  retypePlace?: boolean;
  rejectedCodes?: string[];
  when?: string;
  occurredText?: string;
  anonymous?: boolean;
  name?: string;
  phone?: string;
  urgent?: boolean;
  urgentReason?: string;
  emergencyShown?: boolean;
  carry?: { description?: string };
}

const data = (s: Session) => s.data as ReportData;

/** Whether the resident's channel shows a "send my location/phone" button (Zalo does not): the prompt must not mention one. */
function canAsk(turn: Turn, what: "requestsLocation" | "requestsContact"): boolean {
  return turn.app.channels.get(turn.message.channel)?.capabilities[what] ?? false;
}
const withNav = (turn: Turn, choices: Choice[], perRow = 2) => [...buttons(turn, choices, perRow), ...buttons(turn, NAV)];

/** Checks text for danger-now words; the first time, the emergency numbers are given at once. */
function watchForDanger(turn: Turn, session: Session, text: string): { say: OutboundMessage[]; set: Partial<ReportData> } {
  const signal = detectEmergency(text);
  if (!signal.urgent) return { say: [], set: {} };
  const d = data(session);
  const reason = [d.urgentReason, signal.reason].filter(Boolean).join(", ");
  return {
    say: d.emergencyShown ? [] : [emergencyMessage(turn, signal.child)],
    set: { urgent: true, urgentReason: reason, emergencyShown: true },
  };
}

function mediaReply(turn: Turn, session: Session): { say: OutboundMessage[]; stored?: string; set?: Partial<ReportData> } {
  const m = turn.media;
  if (!m) return { say: [] };
  if (m.status === "stored") return { say: [], stored: m.attachmentId };
  const set = { refusedIds: [...(data(session).refusedIds ?? []), m.attachmentId] };
  const mb = (n: number) => `${turn.i18n.number(turn.lng, Math.round((n / 1024 / 1024) * 10) / 10)} MB`;
  if (m.reason === "too_large") {
    return { set, say: [say(turn, "report.fileTooLarge", { size: m.size ? mb(m.size) : "?", limit: mb(m.limit) })] };
  }
  return { set, say: [say(turn, rejectionKey(m.reason))] };
}

const category: Step = {
  prompt: (turn) => say(turn, "report.categoryPrompt", {}, { buttons: [...buttons(turn, CATEGORY_CHOICES), ...buttons(turn, [NAV[1]!])] }),
  handle(turn, session) {
    const choice = pickChoice(turn, CATEGORY_CHOICES);
    if (!choice) return undefined;
    const carried = data(session).carry?.description;
    const set: Partial<ReportData> = { category: choice.payload.slice(4), carry: undefined };
    if (!carried) return { set, to: "description" };
    const danger = watchForDanger(turn, session, carried);
    return { set: { ...set, ...danger.set, description: carried }, say: danger.say, to: "evidence" };
  },
};

const description: Step = {
  prompt: (turn) => say(turn, "report.descriptionPrompt", {}, { buttons: buttons(turn, NAV) }),
  handle(turn, session) {
    const c = turn.message.content;
    if (c.type === "media" && acceptsFile(expectsEvidence(session), c.media.kind)) {
      const media = mediaReply(turn, session);
      if (!media.stored) return { set: media.set, say: media.say, stay: true };
      const ids = [...(data(session).attachmentIds ?? []), media.stored];
      return { set: { voice: true, attachmentIds: ids }, say: [say(turn, "report.voiceReceived")], to: "evidence" };
    }
    const text = textOf(turn);
    if (text === undefined) return undefined;
    const clean = normalizeText(text);
    if (codePointLength(clean) < 5) return { say: [say(turn, "report.descriptionTooShort")], stay: true };
    if (codePointLength(clean) > DESCRIPTION_MAX) return { say: [say(turn, "report.descriptionTooLong", { max: DESCRIPTION_MAX })], stay: true };
    const danger = watchForDanger(turn, session, clean);
    return { set: { description: clean, ...danger.set }, say: danger.say, to: "evidence" };
  },
};

const evidence: Step = {
  prompt: (turn) => say(turn, "report.evidencePrompt", {}, { buttons: withNav(turn, [SKIP]) }),
  handle(turn, session) {
    const d = data(session);
    if (turn.message.content.type === "media") {
      const media = mediaReply(turn, session);
      if (!media.stored) return { set: media.set, say: media.say, stay: true };
      const more: Partial<ReportData> = { attachmentIds: [...(d.attachmentIds ?? []), media.stored] };
      const caption = textOf(turn);
      if (caption) more.description = [d.description, normalizeText(caption)].filter(Boolean).join("\n");
      return { set: more, say: [say(turn, "report.evidenceSaved", {}, { buttons: withNav(turn, [DONE]) })], stay: true };
    }
    const choice = pickChoice(turn, [DONE, SKIP]);
    if (choice) return { to: "location" };
    const text = textOf(turn);
    if (text) {
      // A second message typed quickly belongs to the story, not to this step's buttons.
      const danger = watchForDanger(turn, session, text);
      const joined = [d.description, normalizeText(text)].filter(Boolean).join("\n").slice(0, DESCRIPTION_MAX);
      return {
        set: { description: joined, ...danger.set },
        say: [...danger.say, say(turn, "report.evidenceAddedText", {}, { buttons: withNav(turn, [DONE]) })],
        stay: true,
      };
    }
    return undefined;
  },
};

/** A commune offered to the resident to confirm (from a pin or a typed name). */
interface Candidate {
  code: string;
  name: string;
  province: string;
  oldName?: string;
}
/** Everything the location step decides, cleared when the resident gives the place again. */
const NO_PLACE: Partial<ReportData> = {
  candidates: undefined,
  candidateSource: undefined,
  typedPlace: undefined,
  pin: undefined,
  retypePlace: undefined,
  communeCode: undefined,
  communeSource: undefined,
  adminDataVersion: undefined,
  placeText: undefined,
  latitude: undefined,
  longitude: undefined,
};

const candidateOf = (c: CommuneCandidate): Candidate => ({ code: c.code, name: c.name, province: c.province, ...(c.oldName ? { oldName: c.oldName } : {}) });

/** A typed place: communes it may name are offered to confirm; otherwise it is kept as the resident wrote it. */
async function typedPlace(turn: Turn, text: string): Promise<Transition> {
  const place = normalizeText(text).slice(0, 500);
  const offer = await offerCommunes(turn, place);
  return offer ?? { set: { ...NO_PLACE, placeText: place }, say: [say(turn, "report.placeSaved", { place })], to: "when" };
}

/** Moves to the confirmation of the communes the typed place may name, if it names any. */
async function offerCommunes(turn: Turn, place: string): Promise<Transition | undefined> {
  const found = await findCommunes(turn.tx, place, 4);
  if (found.length === 0) return undefined;
  return { set: { ...NO_PLACE, candidates: found.map(candidateOf), candidateSource: "typed", typedPlace: place, adminDataVersion: found[0]!.version }, to: "commune" };
}

const location: Step = {
  prompt: (turn, session) =>
    say(turn, data(session).retypePlace ? "report.locationRetype" : canAsk(turn, "requestsLocation") ? "report.locationPrompt" : "report.locationPromptTyped", {}, { requestLocation: true, buttons: withNav(turn, [SKIP]) }),
  async handle(turn) {
    const c = turn.message.content;
    if (c.type === "location") {
      const pin = { latitude: c.latitude, longitude: c.longitude };
      const place = await locatePin(turn.tx, c.latitude, c.longitude);
      if (place.status === "commune") {
        return { set: { ...NO_PLACE, pin, candidates: [candidateOf(place.commune)], candidateSource: "pin", adminDataVersion: place.commune.version }, to: "commune" };
      }
      // Outside the province, or no boundaries loaded: the pin is kept and the duty desk looks at it.
      return { set: { ...NO_PLACE, ...pin }, say: [say(turn, place.status === "outside" ? "report.pinOutside" : "report.locationPin")], to: "when" };
    }
    if (pickChoice(turn, [SKIP])) return { set: NO_PLACE, to: "when" };
    const text = textOf(turn);
    if (!text) return undefined;
    return typedPlace(turn, text);
  },
};

/** Confirms the commune back in words: "Xã Ba Tơ, tỉnh Quảng Ngãi — đúng không?" (or a choice of several). */
const commune: Step = {
  prompt(turn, session) {
    const list = data(session).candidates ?? [];
    // Back here after the place was settled without a commune: ask for the place again.
    if (list.length === 0) return location.prompt(turn, session);
    const only = list.length === 1 ? list[0] : undefined;
    if (only) {
      const key = only.oldName ? "report.oldNameConfirm" : "report.placeConfirm";
      const choices = [{ payload: `commune:${only.code}`, labelKey: "nav.yes" }, { payload: "commune:none", labelKey: "nav.no" }];
      return say(turn, key, { commune: only.name, province: inSentence(only.province), old: only.oldName }, { buttons: buttons(turn, choices) });
    }
    const rows = list.map((c) => [{ label: c.oldName ? turn.t("report.communeFormerly", { commune: c.name, old: c.oldName }) : c.name, payload: `commune:${c.code}` }]);
    return say(turn, "report.communeChoose", {}, { buttons: [...rows, ...buttons(turn, [{ payload: "commune:none", labelKey: "nav.no" }])] });
  },
  async handle(turn, session) {
    const d = data(session);
    const list = d.candidates ?? [];
    if (list.length === 0) return location.handle(turn, session);
    const picked = pickCandidate(turn, list);
    if (picked === "none") {
      const rejectedCodes = [...new Set([...(d.rejectedCodes ?? []), ...list.map((c) => c.code)])];
      if (d.candidateSource === "pin") return { set: { ...NO_PLACE, rejectedCodes, retypePlace: true }, to: "location" };
      return { set: { ...NO_PLACE, placeText: d.typedPlace, rejectedCodes }, say: [say(turn, "report.placeSaved", { place: d.typedPlace })], to: "when" };
    }
    if (picked) {
      const fromPin = d.candidateSource === "pin";
      const placeText = !fromPin && d.typedPlace && d.typedPlace !== picked.name ? `${picked.name} (${d.typedPlace})` : picked.name;
      return {
        set: {
          communeCode: picked.code,
          communeSource: fromPin ? "pin" : "typed",
          placeText,
          ...(fromPin && d.pin ? { latitude: d.pin.latitude, longitude: d.pin.longitude } : {}),
        },
        say: [say(turn, "report.placeSaved", { place: placeText })],
        to: "when",
      };
    }
    // Another pin, or another commune typed instead of an answer: offer that one. Anything else
    // ("đúng" among several, a number out of range) asks again; "Không phải" keeps the typed text.
    if (turn.message.content.type === "location") return location.handle(turn, session);
    const text = turn.message.content.type === "text" ? normalizeText(turn.message.content.text).slice(0, 500) : undefined;
    return text && !saysYes(turn) ? offerCommunes(turn, text) : undefined;
  },
};

/** The typed text is one of the words of these keys ("Đúng", "có|phải…"), in the resident's language or Vietnamese. */
function saysWord(turn: Turn, ...keys: string[]): boolean {
  const c = turn.message.content;
  if (c.type !== "text") return false;
  const typed = fold(c.text).replace(/[^\p{L}\p{N} ]/gu, "").trim();
  return keys.some((key) => [turn.t(key), turn.i18n.t("vi", key)].some((words) => words.split("|").map(fold).includes(typed)));
}
const saysYes = (turn: Turn) => saysWord(turn, "nav.yes", "report.answerWords.yes");
const saysNo = (turn: Turn) => saysWord(turn, "nav.no", "report.answerWords.no");

/** The candidate the resident picked (button, "đúng" for a single one, its number or its name), "none", or undefined. */
function pickCandidate(turn: Turn, list: Candidate[]): Candidate | "none" | undefined {
  const c = turn.message.content;
  if (c.type === "button") {
    if (!c.payload.startsWith("commune:")) return undefined;
    const code = c.payload.slice(8);
    return code === "none" ? "none" : list.find((x) => x.code === code);
  }
  if (saysNo(turn)) return "none";
  if (list.length === 1 && saysYes(turn)) return list[0];
  if (c.type !== "text") return undefined;
  const typed = c.text.normalize("NFC").trim().toLowerCase();
  const number = Number.parseInt(typed, 10);
  if (String(number) === typed && number >= 1 && number <= list.length) return list[number - 1];
  const exact = list.find((x) => x.name.toLowerCase() === typed);
  if (exact) return exact;
  const folded = list.filter((x) => fold(x.name) === fold(typed));
  return folded.length === 1 ? folded[0] : undefined;
}

const when: Step = {
  prompt: (turn) => say(turn, "report.whenPrompt", {}, { buttons: withNav(turn, WHEN_CHOICES) }),
  handle(turn, session) {
    const choice = pickChoice(turn, WHEN_CHOICES);
    if (choice) {
      const value = choice.payload.slice(5);
      if (value !== "now") return { set: { when: value }, to: "identity" };
      const danger = data(session).emergencyShown ? [] : [emergencyMessage(turn, false)];
      return { set: { when: value, urgent: true, urgentReason: [data(session).urgentReason, "đang xảy ra"].filter(Boolean).join(", "), emergencyShown: true }, say: danger, to: "identity" };
    }
    const text = textOf(turn);
    if (!text) return undefined;
    return { set: { when: "text", occurredText: normalizeText(text).slice(0, 200) }, to: "identity" };
  },
};

const identity: Step = {
  prompt: (turn) => say(turn, "report.identityPrompt", {}, { buttons: withNav(turn, IDENTITY_CHOICES, 1) }),
  handle(turn) {
    const choice = pickChoice(turn, IDENTITY_CHOICES);
    if (!choice) return undefined;
    return choice.payload === "id:anon" ? { set: { anonymous: true, name: undefined, phone: undefined }, to: "confirm" } : { set: { anonymous: false }, to: "name" };
  },
};

const name: Step = {
  prompt: (turn) => say(turn, "report.namePrompt", {}, { buttons: buttons(turn, NAV) }),
  handle(turn) {
    const text = textOf(turn);
    if (!text || normalizeText(text).length < 2) return undefined;
    return { set: { name: normalizeText(text).slice(0, 100) }, to: "phone" };
  },
};

/** Vietnamese numbers: 0xxxxxxxxx (10 digits) or +84…; spaces, dots and dashes allowed. */
export function parsePhone(input: string): string | undefined {
  const digits = input.replace(/[\s.\-()]/g, "").replace(/^\+?84/, "0");
  return /^0\d{9,10}$/.test(digits) ? digits : undefined;
}

const phone: Step = {
  prompt: (turn) => say(turn, canAsk(turn, "requestsContact") ? "report.phonePrompt" : "report.phonePromptTyped", {}, { requestContact: true, buttons: buttons(turn, NAV) }),
  handle(turn, session) {
    const c = turn.message.content;
    const raw = c.type === "contact" ? c.phone : textOf(turn);
    if (raw === undefined) return undefined;
    const number = parsePhone(raw);
    if (!number) return { say: [say(turn, "report.phoneInvalid")], stay: true };
    return { set: { phone: number, name: data(session).name ?? (c.type === "contact" ? c.name : undefined) }, to: "confirm" };
  },
};

function summary(turn: Turn, d: ReportData): string {
  const unknown = turn.t("report.summary.unknown");
  const whenText = d.when === "text" ? d.occurredText : d.when ? turn.t(`report.when.${d.when}`) : unknown;
  const lines = [
    turn.t("report.summary.category", { value: d.category ? turn.t(`report.categories.${d.category}`) : unknown }),
    turn.t("report.summary.description", { value: d.description ?? (d.voice ? turn.t("report.summary.voice") : unknown) }),
  ];
  if (d.attachmentIds?.length) lines.push(turn.t("report.summary.evidence", { count: d.attachmentIds.length }));
  lines.push(turn.t("report.summary.place", { value: d.placeText ?? (d.latitude !== undefined ? `${d.latitude.toFixed(5)}, ${d.longitude?.toFixed(5)}` : unknown) }));
  lines.push(turn.t("report.summary.when", { value: whenText }));
  lines.push(d.anonymous === false ? turn.t("report.summary.named", { name: d.name, phone: d.phone }) : turn.t("report.summary.anonymous"));
  return lines.join("\n");
}

const confirm: Step = {
  prompt: (turn, session) => say(turn, "report.confirmPrompt", { summary: summary(turn, data(session)) }, { buttons: withNav(turn, [SEND], 1) }),
  async handle(turn, session): Promise<Transition | undefined> {
    if (!pickChoice(turn, [SEND])) return undefined;
    const d = data(session);
    const { tip, secret } = await createTip(turn, {
      category: d.category ?? "other",
      description: d.description ?? "",
      voice: d.voice ?? false,
      attachmentIds: [...(d.attachmentIds ?? []), ...(d.refusedIds ?? [])],
      latitude: d.latitude,
      longitude: d.longitude,
      communeCode: d.communeCode,
      communeSource: d.communeSource,
      adminDataVersion: d.adminDataVersion,
      rejectedCodes: d.rejectedCodes,
      placeText: d.placeText,
      when: d.when,
      occurredText: d.occurredText,
      anonymous: d.anonymous !== false,
      name: d.name,
      phone: d.phone,
      urgent: d.urgent ?? false,
      urgentReason: d.urgentReason,
    });
    const receipt = say(turn, "report.receipt", { reference: tip.reference, secret, hours: turn.app.config.deadlines.ackHours }, { protect: true, receipt: { reference: tip.reference, secret } });
    return { say: [receipt], to: { flow: "menu", step: "main" } };
  },
};

export const reportFlow: Flow = {
  id: "report",
  start: "category",
  steps: { category, description, evidence, location, commune, when, identity, name, phone, confirm },
};
