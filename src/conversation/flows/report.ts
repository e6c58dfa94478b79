/**
 * Reporting a tip: category → what happened → evidence → where → when → anonymous or named →
 * confirm → receipt. Each step is a small declaration; the engine does the rest.
 */
import type { OutboundMessage } from "../../channels/types.ts";
import type { Flow, Session, Step, Transition, Turn } from "../types.ts";
import { buttons, pickChoice, say, textOf, type Choice } from "../prompt.ts";
import { emergencyMessage } from "./emergency.ts";
import { detectEmergency } from "../../tips/detect-emergency.ts";
import { createTip, TIP_CATEGORIES } from "../../tips/create-tip.ts";
import { findCommunes } from "../../units/find-communes.ts";
import { normalizeText, codePointLength } from "../../text/normalize.ts";

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
  placeText?: string;
  candidates?: { code: string; name: string }[];
  typedPlace?: string;
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
  return { set, say: [say(turn, m.reason === "bad_type" ? "report.fileBadType" : "report.fileFailed")] };
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
    if (c.type === "media" && (c.media.kind === "voice" || c.media.kind === "audio")) {
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

const location: Step = {
  prompt: (turn) => say(turn, "report.locationPrompt", {}, { requestLocation: true, buttons: withNav(turn, [SKIP]) }),
  async handle(turn) {
    const c = turn.message.content;
    if (c.type === "location") {
      return {
        set: { latitude: c.latitude, longitude: c.longitude },
        say: [say(turn, "report.locationPin")],
        to: "when",
      };
    }
    if (pickChoice(turn, [SKIP])) return { to: "when" };
    const text = textOf(turn);
    if (!text) return undefined;
    const place = normalizeText(text).slice(0, 500);
    const candidates = await findCommunes(turn.tx, place, 4);
    if (candidates.length > 0) return { set: { candidates, typedPlace: place }, to: "commune" };
    return { set: { placeText: place }, say: [say(turn, "report.placeSaved", { place })], to: "when" };
  },
};

const commune: Step = {
  prompt(turn, session) {
    const list = data(session).candidates ?? [];
    const choices = list.map((c) => [{ label: c.name, payload: `commune:${c.code}` }]);
    const key = list.length === 1 ? "report.communeConfirm" : "report.communeChoose";
    return say(turn, key, { name: list[0]?.name }, { buttons: [...choices, ...buttons(turn, [{ payload: "commune:none", labelKey: "nav.no" }])] });
  },
  handle(turn, session) {
    const d = data(session);
    const c = turn.message.content;
    const yes = c.type === "button" ? undefined : pickChoice(turn, [{ payload: "yes", labelKey: "nav.yes" }]);
    const code = c.type === "button" && c.payload.startsWith("commune:") ? c.payload.slice(8) : yes && d.candidates?.length === 1 ? d.candidates[0]!.code : undefined;
    if (code === "none" || pickChoice(turn, [{ payload: "no", labelKey: "nav.no" }])) {
      return { set: { placeText: d.typedPlace, candidates: undefined }, say: [say(turn, "report.placeSaved", { place: d.typedPlace })], to: "when" };
    }
    const picked = d.candidates?.find((x) => x.code === code);
    if (!picked) return undefined;
    const placeText = d.typedPlace && d.typedPlace !== picked.name ? `${picked.name} (${d.typedPlace})` : picked.name;
    return { set: { communeCode: picked.code, placeText, candidates: undefined }, say: [say(turn, "report.placeSaved", { place: placeText })], to: "when" };
  },
};

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
  prompt: (turn) => say(turn, "report.phonePrompt", {}, { requestContact: true, buttons: buttons(turn, NAV) }),
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
      placeText: d.placeText,
      when: d.when,
      occurredText: d.occurredText,
      anonymous: d.anonymous !== false,
      name: d.name,
      phone: d.phone,
      urgent: d.urgent ?? false,
      urgentReason: d.urgentReason,
    });
    const receipt = say(turn, "report.receipt", { reference: tip.reference, secret, hours: turn.app.config.deadlines.ackHours }, { protect: true });
    return { say: [receipt], to: { flow: "menu", step: "main" } };
  },
};

export const reportFlow: Flow = {
  id: "report",
  start: "category",
  steps: { category, description, evidence, location, commune, when, identity, name, phone, confirm },
};
