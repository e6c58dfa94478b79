/**
 * The knowledge base's shapes. An entry is what residents ask (several phrasings) and one answer
 * per language; Vietnamese is required, Hre and Co stay `null` until a native speaker provides them.
 */

/** Answer text per language code (`vi`, `hre`, `cua`, … the list of languages is data). */
export type FaqAnswer = { vi: string } & { [language: string]: string | null };

export interface FaqLink {
  label: string;
  url: string;
}

export interface FaqEntry {
  /** Stable kebab-case id, e.g. `mat-can-cuoc`. */
  id: string;
  /** Bumped whenever the answer changes, so a reply can say which text it sent. */
  version: number;
  tags: string[];
  /** How residents ask it: with and without diacritics, short, teen-code. */
  questions: string[];
  answer: FaqAnswer;
  links?: FaqLink[];
  /**
   * Entries whose questions this entry's answer answers as well: a general entry over specific
   * ones ("số khẩn cấp" lists 113, 114, 115 and 111), or two entries that say the same. When the
   * best candidates are all answered by one entry, the bot answers with it instead of asking.
   */
  alsoAnswers?: string[];
  /** Who checked the answer for accuracy. */
  reviewedBy: string;
  /** ISO date of that check. */
  reviewedAt: string;
}

/** One group of short forms: each of `typed` is read as `means`. */
export interface Abbreviation {
  typed: string[];
  means: string;
  /** Also keep the typed word: it is an ordinary word too when typed without diacritics. */
  keepTyped?: boolean;
  note?: string;
}

export interface MatcherLimits {
  /** Only this many characters of a message are matched (the rest cannot change a FAQ match). */
  maxChars: number;
  /** Only this many words are matched. */
  maxWords: number;
}

export interface MatcherWeights {
  /** BM25 term-frequency saturation and length normalisation. */
  k1: number;
  b: number;
  /** How much a word counts by where it appears in an entry. */
  fieldQuestions: number;
  fieldTags: number;
  fieldAnswer: number;
  /** Extra weight of a two-word term (e.g. "căn cước") over a single word. */
  bigram: number;
  /** Confidence = coverage·w + pairs·w + trigram·w + bm25Saturated·w + accent bonus. */
  coverage: number;
  pairs: number;
  trigram: number;
  bm25: number;
  /** BM25 score at which its share of the confidence is half-way. */
  bm25Half: number;
  /** Added when words typed with diacritics match the entry's spelling, taken away when they contradict it. */
  accent: number;

  /** Weight of an unknown word in the "how much of the message is explained" share, relative to the rarest known word. */
  unknownWord: number;
  /** Weight of a word pair the knowledge base never uses, relative to the rarest known pair. */
  unknownPair: number;
}

export interface FuzzySettings {
  /** Weight of a word matched through a spelling key (tr/ch, s/x, gi/d/r, final n/ng, teen-code letters). */
  spelling: number;
  /** Weight of a word matched at edit distance 1 / 2. */
  edit1: number;
  edit2: number;
  /** Shortest word length for edit distance 1 / 2. */
  minLengthEdit1: number;
  minLengthEdit2: number;
  /** Weight of each half of a run-together word ("cancuoc" → "can" + "cuoc"). */
  split: number;
}

export interface DecisionThresholds {
  /** Answer directly at or above this confidence… */
  answer: number;
  /** …when the runner-up is at least this far behind. */
  margin: number;
  /** Also answer at or above this lower confidence… */
  answerWhenAhead: number;
  /** …when the runner-up is at least this far behind (the best is clearly ahead). */
  aheadMargin: number;
  /** Offer candidates as buttons at or above this confidence; below, hand off to an officer. */
  clarify: number;
  /** At most this many buttons. */
  maxCandidates: number;
  /** A candidate is offered only within this distance of the best one. */
  candidateSpread: number;
}

export interface MatcherSettings {
  version: number;
  limits: MatcherLimits;
  weights: MatcherWeights;
  fuzzy: FuzzySettings;
  thresholds: DecisionThresholds;
  /** Folded function words that say nothing about the topic ("toi", "a", "nhe"). */
  stopwords: string[];
}

/** One ranked entry. `score` is the entry's BM25 (ties); `confidence` (0..1) orders and is what thresholds compare. */
export interface FaqCandidate {
  entryId: string;
  score: number;
  confidence: number;
  /** What the confidence is made of (only when asked for: `rankFaqQuery(…, { explain: true })`). */
  parts?: ConfidenceParts;
}

/** Each 0..1 (accent −1..1), weighted by `MatcherWeights`. */
export interface ConfidenceParts {
  /** Share of the message's words the entry explains. */
  coverage: number;
  /** Share of the message's adjacent word pairs ("can cuoc", "lam lai") found in the entry. */
  pairs: number;
  /** Trigram similarity to the closest phrasing. */
  trigram: number;
  /** Saturated BM25. */
  bm25: number;
  /** Agreement of the words typed with diacritics. */
  accent: number;
}

export type FaqDecisionKind = "answer" | "clarify" | "handoff";

/**
 * Why the decision was taken:
 * - `confident`: one entry clearly fits (answer);
 * - `ambiguous`: several fit about as well, or the best is not sure enough (clarify with buttons);
 * - `low-confidence`: nothing fits well enough (hand off to an officer);
 * - `no-words`: nothing to match (empty, emoji, punctuation, greetings only): ask to rephrase.
 */
export type FaqDecisionReason = "confident" | "ambiguous" | "low-confidence" | "no-words";

export interface FaqDecision {
  kind: FaqDecisionKind;
  reason: FaqDecisionReason;
  /** answer: the entry to send; clarify: the buttons to offer (may be empty: ask to rephrase); handoff: best guesses for the officer. */
  candidates: FaqCandidate[];
}

/** What a free-text message looks like when it arrives outside a flow step. */
export type FreeTextKind = "tip" | "question" | "unclear";
