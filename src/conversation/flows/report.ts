/**
 * Reporting a tip. The resident gives what they have, whenever and however they give it: every
 * message is read for what it carries (the kind of crime, the commune, the time, a pin, a file),
 * what was understood is proposed back for one tap ("Báo về Ma túy, ở Xã Ba Tơ, đúng không?"),
 * and only what is still missing is asked, in this order: kind → what happened → evidence →
 * where → when → anonymous or named → confirm → receipt (`nextStep`).
 *
 * Voice first (issue 14): every step also takes a voice message as its answer (`answeredByVoice`), so a Hre or Co
 * speaker who does not write never has to type. The clip is kept with the tip, the step is recorded as answered by
 * voice (the summary and the officer's view say "(trả lời bằng tin nhắn thoại)") and the report moves on.
 */
import { z } from "zod";
import type { OutboundMessage } from "../../channels/types.ts";
import type { Session, Step, Transition, Turn } from "../types.ts";
import { defineFlow, flowData } from "../define-flow.ts";
import { rejectionKey } from "./media-rejection.ts";
import { buttons, pickChoice, say, textOf, voiceRecording, type Choice } from "../prompt.ts";
import { emergencyMessage } from "./emergency.ts";
import { createTip, TIP_CATEGORIES } from "../../tips/create-tip.ts";
import { locatePin, type CommuneCandidate } from "../../units/find-communes.ts";
import { inSentence } from "../../units/names.ts";
import { fold, normalizeText, codePointLength } from "../../text/normalize.ts";
import { describeTimeRange, parseTimeRange, rangeOfChoice, type WhenChoice } from "../../text/parse-time.ts";
import { readFacts, type Candidate } from "../read-facts.ts";
import { classifyFreeText, explainFreeText } from "../../faq/index.ts";
import { answerAside } from "../answer-aside.ts";
import { SOURCE_LANGUAGE } from "../../i18n/index.ts";

export const DESCRIPTION_MAX = 4000;
const REPORT_STEPS = ["category", "description", "facts", "fix", "evidence", "location", "commune", "when", "identity", "name", "phone", "confirm"] as const;
type ReportStep = (typeof REPORT_STEPS)[number];

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
const FACTS_CHOICES: Choice[] = [
  { payload: "facts:yes", labelKey: "report.facts.yes" },
  { payload: "facts:no", labelKey: "report.facts.no" },
];
const FIX_CHOICES: Choice[] = [
  { payload: "fix:category", labelKey: "report.facts.fixCategory" },
  { payload: "fix:place", labelKey: "report.facts.fixPlace" },
  { payload: "fix:time", labelKey: "report.facts.fixTime" },
  { payload: "fix:all", labelKey: "report.facts.fixAll" },
];
const DONE: Choice = { payload: "nav:done", labelKey: "nav.done" };
const SKIP: Choice = { payload: "nav:skip", labelKey: "nav.skip" };
const SEND: Choice = { payload: "report:send", labelKey: "report.send" };

const CandidateData = z.strictObject({ code: z.string(), name: z.string(), province: z.string(), oldName: z.string().optional() });
const RangeData = z.strictObject({ from: z.string(), to: z.string() });

const ReportData = flowData({
  category: z.enum(TIP_CATEGORIES).optional(),
  description: z.string().optional(),
  /** The story was told by voice (at the menu or at the "what happened" step). */
  voice: z.boolean().optional(),
  /** Steps answered by a voice message, each with its clip (among attachmentIds or identityFiles), in the order they came. */
  voiceAnswers: z.array(z.strictObject({ step: z.enum(REPORT_STEPS), attachmentId: z.string() })).optional(),
  attachmentIds: z.array(z.string()).optional(),
  /**
   * Files sent at the steps about who the reporter is (a name or a phone read aloud, a photo of a card): part of the
   * identity, never evidence. Kept with a named tip behind the audited reveal; left off an anonymous one.
   */
  identityFiles: z.array(z.strictObject({ step: z.enum(["identity", "name", "phone"]), attachmentId: z.string() })).optional(),
  /** Files refused (too large, unreadable): kept on the tip so officers know they were sent. */
  refusedIds: z.array(z.string()).optional(),
  /** The evidence step was answered (files sent, "Xong" or "Bỏ qua"). */
  evidenceDone: z.boolean().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  communeCode: z.string().optional(),
  /** Today's name of the confirmed commune, for what the resident reads back. */
  communeName: z.string().optional(),
  communeSource: z.enum(["pin", "typed"]).optional(),
  adminDataVersion: z.string().optional(),
  /** The place in the resident's words (officers see it beside the commune). */
  placeText: z.string().optional(),
  /** The place step was answered (a commune, a pin, words, or "Bỏ qua"). */
  placeDone: z.boolean().optional(),
  candidates: z.array(CandidateData).optional(),
  candidateSource: z.enum(["pin", "typed"]).optional(),
  typedPlace: z.string().optional(),
  /** A shared pin waiting for the resident to confirm its commune. */
  pin: z.strictObject({ latitude: z.number(), longitude: z.number() }).optional(),
  /** The resident said the pin's commune was wrong: ask them to type the place. */
  retypePlace: z.boolean().optional(),
  rejectedCodes: z.array(z.string()).optional(),
  when: z.enum(["now", "today", "yesterday", "earlier", "text"]).optional(),
  occurredText: z.string().optional(),
  occurred: RangeData.optional(),
  anonymous: z.boolean().optional(),
  name: z.string().optional(),
  phone: z.string().optional(),
  urgent: z.boolean().optional(),
  urgentReason: z.string().optional(),
  /** What was read from the resident's words and waits for their one-tap confirmation. */
  proposal: z
    .strictObject({
      category: z.enum(TIP_CATEGORIES).optional(),
      commune: CandidateData.optional(),
      /** Several communes fit the words equally ("ba to": Xã Ba Tơ or Xã Ba Tô): one tap picks. */
      communes: z.array(CandidateData).optional(),
      typedPlace: z.string().optional(),
      adminDataVersion: z.string().optional(),
      time: z.strictObject({ from: z.string(), to: z.string(), text: z.string() }).optional(),
    })
    .optional(),
});
type Data = z.output<typeof ReportData>;
type Proposal = NonNullable<Data["proposal"]>;

/** The steps about who the reporter is: what is sent there identifies them (see identityFiles). */
const IDENTITY_STEPS = ["identity", "name", "phone"] as const;
type IdentityStep = (typeof IDENTITY_STEPS)[number];
const isIdentityStep = (step: ReportStep): step is IdentityStep => (IDENTITY_STEPS as readonly string[]).includes(step);

const data = (s: Session) => s.data as Data;

const withNav = (turn: Turn, choices: Choice[], perRow = 2) => [...buttons(turn, choices, perRow), ...buttons(turn, NAV)];

/** The first thing still missing. */
export function nextStep(d: Data): ReportStep {
  if (d.proposal) return "facts";
  if (!d.category) return "category";
  if (!d.description && !d.voice) return "description";
  if (!d.evidenceDone) return "evidence";
  if (d.candidates?.length) return "commune";
  if (!d.placeDone) return "location";
  if (!d.when) return "when";
  if (d.anonymous === undefined) return "identity";
  if (d.anonymous === false && !d.name && !byVoice(d, "name")) return "name";
  if (d.anonymous === false && !d.phone && !byVoice(d, "phone")) return "phone";
  return "confirm";
}

/** Whether the resident answered this step by a voice message (the last answer counts: "back" and a typed answer clear it). */
export const byVoice = (d: Pick<Data, "voiceAnswers">, step: ReportStep): boolean => Boolean(d.voiceAnswers?.some((a) => a.step === step));

/** Saves `set` and moves to whatever is missing next (undefined in `set` clears a key). */
function onward(session: Session, set: Partial<Data>, say: OutboundMessage[] = []): Transition<"report"> {
  const merged: Data = { ...data(session) };
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) delete (merged as Record<string, unknown>)[k];
    else (merged as Record<string, unknown>)[k] = v;
  }
  return { set, say, to: nextStep(merged) };
}

/** Marks the report urgent when this message had danger-now words (the interceptor already gave 113). */
function urgency(turn: Turn, d: Data, reason?: string): Partial<Data> {
  const why = reason ?? (turn.emergency?.urgent ? turn.emergency.reason : undefined);
  if (!why) return {};
  return { urgent: true, urgentReason: [...new Set([...(d.urgentReason ? d.urgentReason.split(", ") : []), why])].join(", ") };
}

/**
 * Reads a message's text for facts the report does not have yet (the kind, the commune, the time)
 * and returns them as a proposal to confirm. Facts already settled are not asked again.
 */
async function absorb(turn: Turn, d: Data, text: string): Promise<Partial<Data>> {
  const facts = await readFacts(turn.tx, text, turn.now);
  const proposal: Proposal = { ...(d.proposal ?? {}) };
  if (facts.category && !d.category) proposal.category = facts.category;
  const placeOpen = !d.placeDone && !d.candidates?.length && !d.pin;
  if (facts.communes.length > 0 && placeOpen) {
    delete proposal.commune;
    delete proposal.communes;
    if (facts.communes.length === 1) proposal.commune = facts.communes[0]!;
    else proposal.communes = facts.communes.slice(0, 3);
    proposal.typedPlace = facts.placeWords;
    proposal.adminDataVersion = facts.adminDataVersion;
  }
  if (facts.time && !d.when) proposal.time = { from: facts.time.from.toISOString(), to: facts.time.to.toISOString(), text: facts.time.matched };
  return Object.keys(proposal).length ? { proposal } : {};
}

/** Adds text to the story (bounded), keeping what was there. */
const appended = (d: Data, text: string) => [d.description, normalizeText(text)].filter(Boolean).join("\n").slice(0, DESCRIPTION_MAX);

function mediaReply(turn: Turn, session: Session): { say: OutboundMessage[]; stored?: string; set?: Partial<Data> } {
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

/**
 * What every step takes besides its own answer: a file (kept as evidence), a shared pin (kept as
 * the place), whatever the step. Returns undefined when the message is the step's business.
 */
async function anyStep(turn: Turn, session: Session, step: ReportStep): Promise<Transition<"report"> | undefined> {
  const c = turn.message.content;
  const d = data(session);
  if (c.type === "location" && step !== "location" && step !== "commune") return takePin(turn, session, c.latitude, c.longitude, true);
  if (c.type === "media" && step !== "description" && step !== "evidence") {
    const media = mediaReply(turn, session);
    if (!media.stored) return { set: media.set, say: media.say, stay: true };
    // Sent while asked who they are (a photo of a card, a screenshot of a number): kept with the identity, not as evidence.
    if (isIdentityStep(step)) return { ...onward(session, { identityFiles: [...(d.identityFiles ?? []), { step, attachmentId: media.stored }], ...urgency(turn, d) }, [say(turn, "report.fileKeptAside")]), to: step };
    const caption = textOf(turn);
    const set: Partial<Data> = { attachmentIds: [...(d.attachmentIds ?? []), media.stored], ...(caption ? { description: appended(d, caption) } : {}), ...urgency(turn, d) };
    return { ...onward(session, set, [say(turn, "report.fileKeptAside")]), to: step };
  }
  return undefined;
}

/** A pin: its commune is offered to confirm; outside the province (or no boundaries) it is kept as is. */
async function takePin(turn: Turn, session: Session, latitude: number, longitude: number, aside = false): Promise<Transition<"report">> {
  const pin = { latitude, longitude };
  const place = await locatePin(turn.tx, latitude, longitude);
  const proposal = data(session).proposal ? { ...data(session).proposal, commune: undefined, typedPlace: undefined } : undefined;
  const kept = proposal && Object.values(proposal).some(Boolean) ? { proposal } : { proposal: undefined };
  if (place.status === "commune") {
    const set = { ...NO_PLACE, ...kept, pin, candidates: [candidateOf(place.commune)], candidateSource: "pin" as const, adminDataVersion: place.commune.version };
    return onward(session, set, aside ? [say(turn, "report.pinKeptAside")] : []);
  }
  // Outside the province, or no boundaries loaded: the pin is kept and the duty desk looks at it.
  const set = { ...NO_PLACE, ...kept, ...pin, placeDone: true };
  return onward(session, set, [say(turn, place.status === "outside" ? "report.pinOutside" : "report.locationPin")]);
}

/** Wraps a step: a voice message answers it; other files and pins are taken at any step before the step looks at the message. */
function step(name: ReportStep, s: Step<"report", Data>): Step<"report", Data> {
  return {
    prompt: s.prompt,
    async handle(turn, session) {
      const clip = voiceRecording(turn);
      if (clip) return answeredByVoice(turn, session, name, clip);
      const handled = (await anyStep(turn, session, name)) ?? (await s.handle(turn, session));
      // Answered again in another way (after "back"): that answer replaces the voice one (on top of what the step set).
      if (handled?.to === undefined || !byVoice(data(session), name)) return handled;
      const set = handled.set as Partial<Data> | undefined;
      const current = set && "voiceAnswers" in set ? set.voiceAnswers : data(session).voiceAnswers;
      return { ...handled, set: { ...handled.set, voiceAnswers: withoutStep({ voiceAnswers: current }, name) } };
    },
  };
}

const withoutStep = (d: Pick<Data, "voiceAnswers">, step: ReportStep) => {
  const kept = (d.voiceAnswers ?? []).filter((a) => a.step !== step);
  return kept.length ? kept : undefined;
};

/**
 * A voice message as the answer to a step: the clip goes with the tip, the step is marked as answered by voice, and
 * the report moves on to what is still missing. Where a step offers a choice, the choice that claims nothing is
 * taken, so an officer listening to the clip decides: the kind is "other", the place and the time are "in the
 * recording", a commune offered from a pin or words stays unconfirmed (the pin or the words are kept), and identity
 * stays anonymous (a name is given only by tapping "named": nobody is named by a recording we cannot read). At the
 * confirmation the clip is added and the report is sent only by the "Gửi" button.
 *
 * A clip at a step about who the reporter is (identity, name, phone) is the reporter's identity, not evidence: it goes
 * to identityFiles (heard by an officer only through the audited reveal), its caption never joins the story, and at
 * the identity step, where it makes the report anonymous, it is not kept with the tip at all.
 */
function answeredByVoice(turn: Turn, session: Session, name: ReportStep, attachmentId: string): Transition<"report"> {
  const d = data(session);
  const caption = textOf(turn);
  const voiceAnswers = [...(withoutStep(d, name) ?? []), { step: name, attachmentId }];
  const base: Partial<Data> = isIdentityStep(name)
    ? { identityFiles: [...(d.identityFiles ?? []), { step: name, attachmentId }], voiceAnswers, ...urgency(turn, d) }
    : {
        attachmentIds: [...(d.attachmentIds ?? []), attachmentId],
        voiceAnswers,
        ...(caption ? { description: appended(d, caption) } : {}),
        ...urgency(turn, d),
      };
  const received = [say(turn, "report.voiceReceived")];
  const answer: Record<ReportStep, Partial<Data>> = {
    category: { category: "other", ...(d.proposal ? { proposal: { ...d.proposal, category: undefined } } : {}) },
    description: { voice: true },
    // What was read from their words is not confirmed: it is dropped, and what is missing is asked (by voice too).
    facts: { proposal: undefined },
    fix: { proposal: undefined },
    evidence: { evidenceDone: true },
    location: { ...NO_PLACE, placeDone: true },
    commune:
      d.candidateSource === "pin" && d.pin
        ? { ...NO_PLACE, latitude: d.pin.latitude, longitude: d.pin.longitude, placeDone: true }
        : { ...NO_PLACE, placeText: d.typedPlace, placeDone: true },
    when: { when: "text", occurredText: undefined, occurred: undefined },
    identity: { ...ANONYMOUS, voiceAnswers: withoutIdentity(d) },
    name: { name: undefined },
    phone: { phone: undefined },
    confirm: {},
  };
  const set = { ...base, ...answer[name] };
  // An empty proposal is no proposal.
  if (set.proposal && !Object.values(set.proposal).some(Boolean)) set.proposal = undefined;
  return onward(session, set, received);
}

const category = step("category", {
  prompt: (turn) => say(turn, "report.categoryPrompt", {}, { buttons: [...buttons(turn, CATEGORY_CHOICES), ...buttons(turn, [NAV[1]!])] }),
  async handle(turn, session) {
    const d = data(session);
    const choice = pickChoice(turn, CATEGORY_CHOICES);
    if (choice) return onward(session, { category: choice.payload.slice(4) as Data["category"], proposal: d.proposal ? { ...d.proposal, category: undefined } : undefined });
    // Typed words instead of a button (Zalo residents often type): read them, keep them as the story.
    const text = textOf(turn);
    // A question is answered aside by the engine, and this step asked again.
    if (!text || codePointLength(normalizeText(text)) < 2 || classifyFreeText(text) === "question") return undefined;
    const set: Partial<Data> = { description: appended(d, text), ...urgency(turn, d), ...(await absorb(turn, d, text)) };
    if (set.proposal?.category) return onward(session, set);
    return { set, say: [say(turn, "report.categoryFromText")], stay: true };
  },
});

const description = step("description", {
  prompt: (turn) => say(turn, "report.descriptionPrompt", {}, { buttons: buttons(turn, NAV) }),
  async handle(turn, session) {
    const c = turn.message.content;
    const d = data(session);
    if (c.type === "media") {
      const media = mediaReply(turn, session);
      if (!media.stored) return { set: media.set, say: media.say, stay: true };
      const ids = [...(d.attachmentIds ?? []), media.stored];
      // (A voice message is the story: see answeredByVoice.) A photo first: kept as evidence, and the story is still asked for.
      const caption = textOf(turn);
      if (caption && codePointLength(normalizeText(caption)) >= 5) return onward(session, { attachmentIds: ids, description: appended(d, caption), ...(await absorb(turn, d, caption)) }, [say(turn, "report.fileKeptAside")]);
      return { set: { attachmentIds: ids }, say: [say(turn, "report.fileKeptTellStory")], stay: true };
    }
    const text = textOf(turn);
    if (text === undefined) return undefined;
    // A question instead of the story ("công an xã Ba Tơ ở đâu?"): answered when the answer is known, then the story is asked again.
    if (c.type === "text" && plainlyAQuestion(text)) {
      const aside = await answerAside(turn, d, { answersOnly: true });
      if (aside) return { say: [...aside.say, say(turn, "report.descriptionPrompt", {}, { buttons: buttons(turn, NAV) })], set: aside.set, stay: true };
    }
    const clean = normalizeText(text);
    if (codePointLength(clean) < 5) return { say: [say(turn, "report.descriptionTooShort")], stay: true };
    if (codePointLength(clean) > DESCRIPTION_MAX) return { say: [say(turn, "report.descriptionTooLong", { max: DESCRIPTION_MAX })], stay: true };
    return onward(session, { description: clean, ...urgency(turn, d), ...(await absorb(turn, d, clean)) });
  },
});

/** Asked as a question (a question word, no story signal): at the "what happened" step, anything else is the story. */
function plainlyAQuestion(text: string): boolean {
  const e = explainFreeText(text);
  return e.kind === "question" && e.tipScore === 0 && e.signals.some((s) => s.startsWith("q:") && s !== "q:contact");
}

/** "Báo về Ma túy, ở Xã Ba Tơ, tỉnh Quảng Ngãi, buổi tối 01/12/2026 (18:00–22:00), đúng không?" */
function proposalText(turn: Turn, p: Proposal): string {
  const parts: string[] = [];
  if (p.category) parts.push(turn.t("report.facts.category", { category: turn.t(`report.categories.${p.category}`) }));
  else parts.push(turn.t("report.facts.noCategory"));
  const named = (c: Candidate) => (c.oldName ? turn.t("report.communeFormerly", { commune: c.name, old: c.oldName }) : c.name);
  if (p.commune) parts.push(turn.t("report.facts.place", { place: named(p.commune), province: inSentence(p.commune.province) }));
  if (p.time) parts.push(turn.t("report.facts.time", { time: describeTimeRange({ from: new Date(p.time.from), to: new Date(p.time.to) }) }));
  if (p.communes?.length) {
    const places = turn.t("report.facts.places", { places: p.communes.map(named).join(turn.t("report.facts.or")), province: inSentence(p.communes[0]!.province) });
    return turn.t("report.facts.promptChoose", { facts: [...parts, places].join(", ") });
  }
  return turn.t("report.facts.prompt", { facts: parts.join(", ") });
}

/** The proposal accepted: each fact becomes settled, and is not asked again. */
function accepted(p: Proposal): Partial<Data> {
  return {
    proposal: undefined,
    ...(p.category ? { category: p.category } : {}),
    ...(p.commune
      ? { ...NO_PLACE, communeCode: p.commune.code, communeName: p.commune.name, communeSource: "typed" as const, placeText: p.typedPlace ?? p.commune.name, adminDataVersion: p.adminDataVersion, placeDone: true }
      : {}),
    // Still several communes: the place step offers them (nothing is asked twice).
    ...(p.communes?.length ? { candidates: p.communes, candidateSource: "typed" as const, typedPlace: p.typedPlace, adminDataVersion: p.adminDataVersion } : {}),
    ...(p.time ? { when: "text" as const, occurredText: p.time.text, occurred: { from: p.time.from, to: p.time.to } } : {}),
  };
}

/** With several communes possible, each is a button that also says yes to the rest. */
function factsChoices(p: Proposal): Choice[] {
  if (!p.communes?.length) return FACTS_CHOICES;
  return [...p.communes.map((c) => ({ payload: `facts:commune:${c.code}`, labelKey: `__label:${c.name}` })), { payload: "fix:place", labelKey: "report.facts.elsewhere" }, FACTS_CHOICES[1]!];
}

const facts = step("facts", {
  prompt(turn, session) {
    const p = data(session).proposal ?? {};
    const choices = factsChoices(p);
    const rows = [...choices.map((c) => [{ label: c.labelKey.startsWith("__label:") ? c.labelKey.slice(8) : turn.t(c.labelKey), payload: c.payload }]), ...buttons(turn, NAV)];
    return { ...say(turn, "report.facts.prompt"), text: proposalText(turn, p), buttons: p.communes?.length ? rows : withNav(turn, FACTS_CHOICES) };
  },
  async handle(turn, session) {
    const d = data(session);
    const p = d.proposal ?? {};
    const c = turn.message.content;
    if (p.communes?.length) {
      const code = c.type === "button" && c.payload.startsWith("facts:commune:") ? c.payload.slice(14) : undefined;
      const typed = c.type === "text" ? p.communes.filter((x) => fold(x.name) === fold(c.text.trim()) || fold(x.name).endsWith(` ${fold(c.text.trim())}`)) : [];
      const picked = p.communes.find((x) => x.code === code) ?? (typed.length === 1 ? typed[0] : undefined);
      if (picked) return onward(session, accepted({ ...p, communes: undefined, commune: picked }));
      if (c.type === "button" && c.payload === "fix:place") return onward(session, accepted({ ...p, communes: undefined, typedPlace: undefined }));
    }
    const choice = pickChoice(turn, FACTS_CHOICES) ?? (saysYes(turn) && !p.communes?.length ? FACTS_CHOICES[0] : saysNo(turn) ? FACTS_CHOICES[1] : undefined);
    if (choice?.payload === "facts:yes") return onward(session, accepted(p));
    if (choice?.payload === "facts:no") {
      const parts = (["category", "commune", "communes", "time"] as const).filter((k) => p[k]);
      // One fact only: it is simply asked; several: which one is wrong?
      if (parts.length <= 1) return onward(session, { proposal: undefined });
      return { to: "fix" };
    }
    const text = textOf(turn);
    if (!text || classifyFreeText(text) === "question") return undefined;
    // More words: read them too (a correction, another fact), and propose again.
    const set: Partial<Data> = { description: appended(d, text), ...urgency(turn, d) };
    const more = await absorb(turn, { ...d, proposal: undefined }, text);
    return { set: { ...set, ...more, proposal: { ...p, ...(more.proposal ?? {}) } }, to: "facts" };
  },
});

const fix = step("fix", {
  prompt(turn, session) {
    const p = data(session).proposal ?? {};
    const shown = FIX_CHOICES.filter((c) => c.payload === "fix:all" || (c.payload === "fix:category" ? p.category : c.payload === "fix:place" ? p.commune ?? p.communes : p.time));
    return say(turn, "report.facts.whichWrong", {}, { buttons: withNav(turn, shown, 1) });
  },
  handle(turn, session) {
    const p = data(session).proposal ?? {};
    const choice = pickChoice(turn, FIX_CHOICES);
    if (!choice) return undefined;
    if (choice.payload === "fix:all") return onward(session, { proposal: undefined });
    // The other facts are right: they are kept; the wrong one is asked.
    const rest: Proposal = { ...p };
    if (choice.payload === "fix:category") delete rest.category;
    if (choice.payload === "fix:place") {
      delete rest.commune;
      delete rest.communes;
      delete rest.typedPlace;
    }
    if (choice.payload === "fix:time") delete rest.time;
    return onward(session, accepted(rest));
  },
});

const evidence = step("evidence", {
  prompt: (turn) => say(turn, "report.evidencePrompt", {}, { buttons: withNav(turn, [SKIP]) }),
  async handle(turn, session) {
    const d = data(session);
    if (turn.message.content.type === "media") {
      const media = mediaReply(turn, session);
      if (!media.stored) return { set: media.set, say: media.say, stay: true };
      const more: Partial<Data> = { attachmentIds: [...(d.attachmentIds ?? []), media.stored] };
      const caption = textOf(turn);
      if (caption) more.description = appended(d, caption);
      return { set: more, say: [say(turn, "report.evidenceSaved", {}, { buttons: withNav(turn, [DONE]) })], stay: true };
    }
    if (pickChoice(turn, [DONE, SKIP])) return onward(session, { evidenceDone: true });
    const text = textOf(turn);
    if (!text || classifyFreeText(text) === "question") return undefined;
    // A second message typed quickly belongs to the story, not to this step's buttons.
    const set: Partial<Data> = { description: appended(d, text), ...urgency(turn, d), ...(await absorb(turn, d, text)) };
    if (set.proposal) return onward(session, set);
    return { set, say: [say(turn, "report.evidenceAddedText", {}, { buttons: withNav(turn, [DONE]) })], stay: true };
  },
});

const candidateOf = (c: CommuneCandidate): Candidate => ({ code: c.code, name: c.name, province: c.province, ...(c.oldName ? { oldName: c.oldName } : {}) });

/** Everything the place steps decide, cleared when the resident gives the place again. */
const NO_PLACE: Partial<Data> = {
  candidates: undefined,
  candidateSource: undefined,
  typedPlace: undefined,
  pin: undefined,
  retypePlace: undefined,
  communeCode: undefined,
  communeName: undefined,
  communeSource: undefined,
  adminDataVersion: undefined,
  placeText: undefined,
  latitude: undefined,
  longitude: undefined,
  placeDone: undefined,
};

/** A typed place: communes it may name are offered to confirm; otherwise it is kept as the resident wrote it. */
async function typedPlace(turn: Turn, session: Session, text: string): Promise<Transition<"report">> {
  const place = normalizeText(text).slice(0, 500);
  const offer = await offerCommunes(turn, session, place);
  return offer ?? onward(session, { ...NO_PLACE, placeText: place, placeDone: true }, [say(turn, "report.placeSaved", { place })]);
}

/** Moves to the confirmation of the communes the typed place may name, if it names any. */
async function offerCommunes(turn: Turn, session: Session, place: string): Promise<Transition<"report"> | undefined> {
  const { communes, adminDataVersion } = await readFacts(turn.tx, place, turn.now, { placeOnly: true });
  if (communes.length === 0) return undefined;
  return onward(session, { ...NO_PLACE, candidates: communes, candidateSource: "typed", typedPlace: place, adminDataVersion });
}

const location = step("location", {
  prompt: (turn, session) =>
    // say() words it for the channel: a channel without a location button gets the typed wording.
    say(turn, data(session).retypePlace ? "report.locationRetype" : "report.locationPrompt", {}, { requestLocation: true, buttons: withNav(turn, [SKIP]) }),
  async handle(turn, session) {
    const c = turn.message.content;
    if (c.type === "location") return takePin(turn, session, c.latitude, c.longitude);
    if (pickChoice(turn, [SKIP])) return onward(session, { ...NO_PLACE, placeDone: true });
    const text = textOf(turn);
    if (!text) return undefined;
    return typedPlace(turn, session, text);
  },
});

/** Confirms the commune back in words: "Xã Ba Tơ, tỉnh Quảng Ngãi — đúng không?" (or a choice of several). */
const commune = step("commune", {
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
      if (d.candidateSource === "pin") return onward(session, { ...NO_PLACE, rejectedCodes, retypePlace: true });
      return onward(session, { ...NO_PLACE, placeText: d.typedPlace, rejectedCodes, placeDone: true }, [say(turn, "report.placeSaved", { place: d.typedPlace })]);
    }
    if (picked) {
      const fromPin = d.candidateSource === "pin";
      return onward(
        session,
        {
          candidates: undefined,
          communeCode: picked.code,
          communeName: picked.name,
          communeSource: fromPin ? "pin" : "typed",
          // Officers see the resident's own words beside the commune; the resident reads the commune's name.
          placeText: !fromPin && d.typedPlace ? d.typedPlace : picked.name,
          placeDone: true,
          ...(fromPin && d.pin ? { latitude: d.pin.latitude, longitude: d.pin.longitude, pin: undefined } : {}),
        },
        [say(turn, "report.placeSaved", { place: `${picked.name}, ${inSentence(picked.province)}` })],
      );
    }
    // Another pin, or another commune typed instead of an answer: offer that one. Anything else
    // ("đúng" among several, a number out of range) asks again; "Không phải" keeps the typed text.
    if (turn.message.content.type === "location") return location.handle(turn, session);
    const text = turn.message.content.type === "text" ? normalizeText(turn.message.content.text).slice(0, 500) : undefined;
    return text && !saysYes(turn) ? offerCommunes(turn, session, text) : undefined;
  },
});

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

const iso = (r: { from: Date; to: Date } | null) => (r ? { from: r.from.toISOString(), to: r.to.toISOString() } : undefined);

const when = step("when", {
  prompt: (turn) => say(turn, "report.whenPrompt", {}, { buttons: withNav(turn, WHEN_CHOICES) }),
  handle(turn, session) {
    const d = data(session);
    const choice = pickChoice(turn, WHEN_CHOICES);
    if (choice) {
      const value = choice.payload.slice(5) as WhenChoice;
      const occurred = iso(rangeOfChoice(value, turn.now));
      if (value !== "now") return onward(session, { when: value, occurred });
      // Happening now: the emergency numbers first (once), and the report is urgent.
      const shown = turn.emergencyShownAt || (d._emergencyAt && turn.now.getTime() - Date.parse(d._emergencyAt) < 30 * 60_000);
      if (!shown) turn.emergencyShownAt = turn.now.toISOString();
      return onward(session, { when: value, occurred, ...urgency(turn, d, turn.t("report.urgentReasons.now")) }, shown ? [] : [emergencyMessage(turn, false)]);
    }
    const text = textOf(turn);
    if (!text) return undefined;
    const words = normalizeText(text).slice(0, 200);
    const range = parseTimeRange(words, turn.now);
    const said = range ? [say(turn, "report.timeUnderstood", { time: describeTimeRange(range) })] : [];
    return onward(session, { when: "text", occurredText: words, occurred: iso(range), ...urgency(turn, d) }, said);
  },
});

/**
 * Anonymous: nothing about who the reporter is stays in the report, whatever was given before "back" (a typed name,
 * a name or phone read aloud, a photo of a card): the name and phone steps are never asked, and no such file is filed.
 */
const ANONYMOUS: Partial<Data> = { anonymous: true, name: undefined, phone: undefined, identityFiles: undefined };
const withoutIdentity = (d: Data) => {
  const kept = (d.voiceAnswers ?? []).filter((a) => !isIdentityStep(a.step));
  return kept.length ? kept : undefined;
};

const identity = step("identity", {
  prompt: (turn) => say(turn, "report.identityPrompt", {}, { buttons: withNav(turn, IDENTITY_CHOICES, 1) }),
  handle(turn, session) {
    const choice = pickChoice(turn, IDENTITY_CHOICES);
    if (!choice) return undefined;
    return choice.payload === "id:anon" ? onward(session, { ...ANONYMOUS, voiceAnswers: withoutIdentity(data(session)) }) : onward(session, { anonymous: false });
  },
});

const name = step("name", {
  prompt: (turn) => say(turn, "report.namePrompt", {}, { buttons: buttons(turn, NAV) }),
  handle(turn, session) {
    const text = textOf(turn);
    if (!text || normalizeText(text).length < 2) return undefined;
    return onward(session, { name: normalizeText(text).slice(0, 100) });
  },
});

/** Vietnamese numbers: 0xxxxxxxxx (10 digits) or +84…; spaces, dots and dashes allowed. */
export function parsePhone(input: string): string | undefined {
  const digits = input.replace(/[\s.\-()]/g, "").replace(/^\+?84/, "0");
  return /^0\d{9,10}$/.test(digits) ? digits : undefined;
}

const phone = step("phone", {
  prompt: (turn) => say(turn, "report.phonePrompt", {}, { requestContact: true, buttons: buttons(turn, NAV) }),
  handle(turn, session) {
    const c = turn.message.content;
    const raw = c.type === "contact" ? c.phone : textOf(turn);
    if (raw === undefined) return undefined;
    const number = parsePhone(raw);
    if (!number) return { say: [say(turn, "report.phoneInvalid")], stay: true };
    return onward(session, { phone: number, name: data(session).name ?? (c.type === "contact" ? c.name : undefined) });
  },
});

function summary(turn: Turn, d: Data): string {
  const unknown = turn.t("report.summary.unknown");
  const spoken = turn.t("report.summary.voiceAnswer");
  const range = d.occurred ? describeTimeRange({ from: new Date(d.occurred.from), to: new Date(d.occurred.to) }) : undefined;
  const whenText = byVoice(d, "when")
    ? spoken
    : d.when === "text" ? (range ?? d.occurredText) : d.when === "earlier" ? turn.t("report.when.earlier") : (range ?? (d.when ? turn.t(`report.when.${d.when}`) : unknown));
  const lines = [
    turn.t("report.summary.category", { value: byVoice(d, "category") ? spoken : d.category ? turn.t(`report.categories.${d.category}`) : unknown }),
    turn.t("report.summary.description", { value: d.description || (d.voice ? turn.t("report.summary.voice") : unknown) }),
  ];
  if (d.attachmentIds?.length) lines.push(turn.t("report.summary.evidence", { count: d.attachmentIds.length }));
  const pinned = d.latitude !== undefined ? `${d.latitude.toFixed(5)}, ${d.longitude?.toFixed(5)}` : undefined;
  const place = d.communeName ?? d.placeText ?? pinned ?? (byVoice(d, "location") || byVoice(d, "commune") ? spoken : unknown);
  lines.push(turn.t("report.summary.place", { value: place }));
  lines.push(turn.t("report.summary.when", { value: whenText }));
  const named = { name: d.name ?? (byVoice(d, "name") ? spoken : unknown), phone: d.phone ?? (byVoice(d, "phone") ? spoken : unknown) };
  lines.push(d.anonymous === false ? turn.t("report.summary.named", named) : turn.t("report.summary.anonymous"));
  return lines.join("\n");
}

/**
 * What officers read for the steps answered by voice, always in Vietnamese (the console's language): the clip with
 * the tip is the answer.
 */
function spokenForOfficers(turn: Turn, d: Data): { placeText?: string; occurredText?: string; name?: string; phone?: string } {
  const spoken = turn.i18n.t(SOURCE_LANGUAGE, "report.summary.voiceAnswer");
  const placeSpoken = byVoice(d, "location") && !d.placeText && d.latitude === undefined;
  return {
    ...(placeSpoken ? { placeText: spoken } : {}),
    ...(byVoice(d, "when") ? { occurredText: spoken } : {}),
    ...(d.anonymous === false && !d.name && byVoice(d, "name") ? { name: spoken } : {}),
    ...(d.anonymous === false && !d.phone && byVoice(d, "phone") ? { phone: spoken } : {}),
  };
}

const confirm = step("confirm", {
  prompt: (turn, session) => say(turn, "report.confirmPrompt", { summary: summary(turn, data(session)) }, { buttons: withNav(turn, [SEND], 1) }),
  async handle(turn, session): Promise<Transition<"report"> | undefined> {
    if (!pickChoice(turn, [SEND])) return undefined;
    const d = data(session);
    const spoken = spokenForOfficers(turn, d);
    const named = d.anonymous === false;
    // An anonymous tip carries nothing about who the reporter is (ANONYMOUS already cleared it; this is the last guard).
    const voiceAnswers = named ? d.voiceAnswers : withoutIdentity(d);
    const { tip, secret } = await createTip(turn, {
      category: d.category ?? "other",
      description: d.description ?? "",
      // Any step answered by voice makes it a voice tip: it goes where someone speaks the language.
      voice: Boolean(d.voice || voiceAnswers?.length),
      ...(voiceAnswers?.length ? { voiceAnswers } : {}),
      attachmentIds: [...(d.attachmentIds ?? []), ...(d.refusedIds ?? [])],
      ...(named && d.identityFiles?.length ? { identityFiles: d.identityFiles } : {}),
      latitude: d.latitude,
      longitude: d.longitude,
      communeCode: d.communeCode,
      communeSource: d.communeSource,
      adminDataVersion: d.adminDataVersion,
      rejectedCodes: d.rejectedCodes,
      placeText: d.placeText ?? spoken.placeText,
      ...(spoken.placeText ? { placeSpoken: true } : {}),
      when: d.when,
      occurredText: d.occurredText ?? spoken.occurredText,
      occurredFrom: d.occurred ? new Date(d.occurred.from) : undefined,
      occurredTo: d.occurred ? new Date(d.occurred.to) : undefined,
      anonymous: d.anonymous !== false,
      name: d.name ?? spoken.name,
      phone: d.phone ?? spoken.phone,
      urgent: d.urgent ?? false,
      urgentReason: d.urgentReason,
    });
    const receipt = { reference: tip.reference, secret };
    const message = tip.urgent
      ? say(turn, "report.receiptUrgent", { ...receipt, minutes: turn.app.config.deadlines.urgentAckMinutes }, { protect: true, receipt })
      : say(turn, "report.receipt", { ...receipt, hours: turn.app.config.deadlines.ackHours }, { protect: true, receipt });
    return { say: [message], to: { flow: "menu", step: "main" } };
  },
});

/**
 * A report started from words the resident already wrote (a story as the first message, or "Báo
 * tin này"): the story is kept, its facts are proposed, and only what is missing is asked.
 */
export async function reportFrom(turn: Turn, text: string, d: Partial<Data> = {}): Promise<Transition<"menu">> {
  const base: Data = { ...d, description: normalizeText(text).slice(0, DESCRIPTION_MAX), ...urgency(turn, d) };
  const read = await absorb(turn, base, text);
  const start: Data = { ...base, ...read };
  return { to: { flow: "report", step: nextStep(start), with: start } };
}

export const reportFlow = defineFlow({
  id: "report",
  start: "category",
  data: ReportData,
  steps: { category, description, facts, fix, evidence, location, commune, when, identity, name, phone, confirm },
});
