/**
 * Where the strings a translator works on come from (issue 14). A source lists resident-facing strings with their
 * Vietnamese text and enough context for someone who never saw the bot: where the string appears, the buttons shown
 * under it, and how long it may be on each channel. The bot's own prompts come from locales/vi/*.json (built here);
 * database content (FAQ answers, quiz questions, campaign texts) registers its own sources in `translationSources`.
 *
 * @example const entries = (await Promise.all(translationSources.map((s) => s.entries(ctx.db)))).flat()
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Tx } from "../db/client.ts";
import { DEFAULT_LOCALES_DIR, namespacesIn, SOURCE_LANGUAGE } from "../i18n/index.ts";
import { telegramCapabilities } from "../channels/telegram/capabilities.ts";
import { zaloCapabilities } from "../channels/zalo/capabilities.ts";

/** Longest text per channel, in characters; longer messages are split by the sender, longer labels refused. */
export interface ChannelLimits {
  telegram?: number;
  zalo?: number;
  webchat?: number;
}

export interface EntryContext {
  /** Where the resident meets this string, in plain Vietnamese. */
  where: string;
  /** The Vietnamese labels of the buttons shown under this message (for the chat bubble preview). */
  buttons?: string[];
  /** The keys of those buttons, so a preview can show them in the language being translated. */
  buttonKeys?: string[];
  limits?: ChannelLimits;
}

export interface SourceEntry {
  /** "report.descriptionPrompt" (namespace "bot" implied), "faq:<id>", "quiz:<id>.question", "campaign:<id>". */
  key: string;
  /** The Vietnamese text. */
  source: string;
  /** Area for the workbench filter: "menu", "report"… or "faq", "quiz", "campaign". */
  area: string;
  context: EntryContext;
}

export interface TranslationSource {
  /** Short id of the source ("bot", "faq"…). */
  area: string;
  /** Its name in the console, in Vietnamese. */
  label: string;
  /** Labels of the finer areas its entries carry, when they differ from `area` (the bot's prompts: menu, report…). */
  areas?: Record<string, string>;
  entries(db: Tx): Promise<SourceEntry[]>;
  /** One entry by key, when the source can find it cheaper than listing every entry; undefined if not its key. */
  find?(db: Tx, key: string): Promise<SourceEntry | undefined>;
  /**
   * Content write-through, called in the approving (text) or sending-back/re-drafting (null) transaction, so the
   * content row residents read carries only reviewed text.
   */
  applyReviewed?(tx: Tx, lang: string, key: string, text: string | null): Promise<void>;
}

// ── limits ───────────────────────────────────────────────────────────────────────────────────

/** A message: Telegram and Zalo split what is longer; the web chat shows up to its own limit. */
export const MESSAGE_LIMITS: Readonly<ChannelLimits> = Object.freeze({
  telegram: telegramCapabilities.textMaxChars,
  zalo: zaloCapabilities.textMaxChars,
  webchat: 10_000,
});

/**
 * A button label. Telegram accepts 64 characters but a phone shows about 30 in a button when two share a row (the
 * rest is cut off with "…"); Zalo takes 100 (its limit on a button title); the web chat wraps up to 80.
 */
export const BUTTON_LIMITS: Readonly<ChannelLimits> = Object.freeze({
  telegram: 30,
  zalo: zaloCapabilities.buttonLabelMaxChars,
  webchat: 80,
});

/** A label longer than this is refused whatever the channel: Telegram would refuse to send it. */
export const BUTTON_HARD_LIMIT = telegramCapabilities.buttonLabelMaxChars;

/** The longest translation taken for any string (a message is split by the sender, but an essay is a mistake). */
export const TEXT_HARD_LIMIT = 10_000;

// ── the bot's prompts (locales/vi/*.json) ───────────────────────────────────────────────────

/** The area of a bot key is its first segment; its label says which part of the conversation it belongs to. */
export const BOT_AREAS: Record<string, string> = {
  welcome: "Lời chào",
  language: "Chọn ngôn ngữ",
  menu: "Menu chính",
  nav: "Nút chung (hủy, quay lại, xong…)",
  help: "Khi bot chưa hiểu",
  freeText: "Khi người dân gõ tự do",
  report: "Báo tin",
  emergency: "Khẩn cấp",
  followUp: "Theo dõi tin đã báo",
  question: "Hỏi đáp",
  outreach: "Nhận tin cảnh báo",
  quiz: "Cuộc thi 19/8",
};
const OTHER_AREA = "Lời bot khác";

/** Keys shown as a button label (the flows' `labelKey`s and the emergency call buttons). */
const BUTTON_KEYS = [
  /^menu\.(report|myReports|followUp|language|question|news)$/,
  /^nav\.(cancel|back|menu|skip|done|yes|no|sendLocation|sendPhone)$/,
  /^freeText\.(report|question)$/,
  /^report\.(categories|when)\./,
  /^report\.(anonymous|named|send)$/,
  /^report\.facts\.(yes|no|fixCategory|fixPlace|fixTime|fixAll|elsewhere)$/,
  /^emergency\.call\d+$/,
  /^followUp\.replyButton$/,
  /^question\.(yes|askPolice|notThese)$/,
  /^outreach\.topics\./,
  /^outreach\.(all|stopButton|changeCommune)$/,
  /^outreach\.campaign\./,
  /^quiz\.(stop|startButton)$/,
];

/** Keys that are lists of words a resident may type (separated by "|"), not text the bot sends. */
const WORD_LIST_KEYS = [/\.words(\.|$)/, /Words(Idle)?$/, /^quiz\.words$/];

export function isButtonKey(key: string): boolean {
  return BUTTON_KEYS.some((re) => re.test(key));
}

export function isWordListKey(key: string): boolean {
  return WORD_LIST_KEYS.some((re) => re.test(key));
}

/** The buttons under the main prompts (keys), for the preview of the chat bubble. */
const BUTTONS_UNDER: Record<string, string[]> = {
  "menu.prompt": ["menu.report", "menu.myReports", "menu.followUp", "menu.question", "menu.news", "menu.language"],
  "freeText.which": ["freeText.report", "freeText.question", "nav.menu"],
  "report.categoryPrompt": [
    ...["drugs", "gambling", "theft", "fraud", "violence", "school_violence", "weapons", "traffic", "forest", "other"].map((c) => `report.categories.${c}`),
    "nav.cancel",
  ],
  "report.evidencePrompt": ["nav.skip", "nav.cancel"],
  "report.evidenceSaved": ["nav.done"],
  "report.evidenceAddedText": ["nav.done"],
  "report.locationPrompt": ["nav.sendLocation", "nav.back", "nav.cancel"],
  "report.communeConfirm": ["nav.yes", "nav.no"],
  "report.placeConfirm": ["nav.yes", "nav.no"],
  "report.oldNameConfirm": ["nav.yes", "nav.no"],
  "report.whenPrompt": ["report.when.now", "report.when.today", "report.when.yesterday", "report.when.earlier", "nav.skip"],
  "report.identityPrompt": ["report.anonymous", "report.named", "nav.back"],
  "report.phonePrompt": ["nav.sendPhone", "nav.back"],
  "report.confirmPrompt": ["report.send", "nav.back", "nav.cancel"],
  "report.facts.prompt": ["report.facts.yes", "report.facts.no"],
  "report.facts.whichWrong": ["report.facts.fixCategory", "report.facts.fixPlace", "report.facts.fixTime", "report.facts.fixAll"],
  "report.facts.promptChoose": ["report.facts.elsewhere"],
  "emergency.message": ["emergency.call113", "emergency.call114", "emergency.call115"],
  "followUp.none": ["menu.followUp", "nav.menu"],
  "followUp.officerMessage": ["followUp.replyButton"],
  "question.helpful": ["question.yes", "question.askPolice"],
  "question.pick": ["question.notThese"],
  "outreach.topicsPrompt": ["outreach.topics.scam", "outreach.topics.drugs", "outreach.topics.traffic", "outreach.topics.wanted", "outreach.topics.festival", "outreach.all", "nav.done"],
  "outreach.subscribed": ["outreach.stopButton", "nav.menu"],
  "outreach.communeCurrent": ["outreach.changeCommune", "nav.done"],
  "outreach.askCommune": ["nav.skip"],
  "quiz.intro": ["quiz.startButton", "nav.menu"],
  "quiz.question": ["quiz.stop"],
};

/** What a few prompts are, where the area alone says too little. */
const WHERE: Record<string, string> = {
  "welcome.greeting": "Tin nhắn đầu tiên khi người dân mở kênh chat lần đầu.",
  "welcome.chooseLanguage": "Câu hỏi chọn tiếng, ngay sau lời chào; các nút là tên các tiếng.",
  "menu.prompt": "Câu hỏi của menu chính, với các nút chức năng bên dưới.",
  "report.categoryPrompt": "Bước đầu của báo tin: người dân chọn loại việc.",
  "report.descriptionPrompt": "Báo tin: người dân kể lại sự việc (gõ chữ hoặc gửi tin nhắn thoại).",
  "report.locationPrompt": "Báo tin: hỏi nơi xảy ra, có nút gửi vị trí (Telegram, web chat).",
  "report.locationPromptTyped": "Báo tin: hỏi nơi xảy ra, ở kênh không có nút gửi vị trí (Zalo).",
  "report.phonePrompt": "Báo tin: hỏi số điện thoại, có nút gửi số (Telegram).",
  "report.phonePromptTyped": "Báo tin: hỏi số điện thoại, ở kênh không có nút gửi số (Zalo, web chat).",
  "report.confirmPrompt": "Báo tin: bot nhắc lại tin báo ({{summary}} là các dòng tóm tắt) trước khi gửi.",
  "report.receipt": "Biên nhận sau khi gửi tin báo, có mã tin báo và mã bí mật: người dân cần ghi lại.",
  "report.receiptUrgent": "Biên nhận của tin báo khẩn cấp, có mã tin báo và mã bí mật.",
  "emergency.message": "Tin nhắn khẩn cấp khi người dân kể việc đang nguy hiểm, với các nút gọi điện.",
  "followUp.officerMessage": "Khi cán bộ công an nhắn cho người báo tin; {{message}} là lời cán bộ (tiếng Việt).",
  "question.officerAnswer": "Khi cán bộ trả lời câu hỏi; {{answer}} là lời cán bộ (tiếng Việt).",
  "language.notReady": "Khi người dân chọn một tiếng chưa có đủ bản dịch.",
};

function whereOf(key: string, area: string): string {
  const label = BOT_AREAS[area] ?? OTHER_AREA;
  const specific = WHERE[key];
  if (specific) return specific;
  if (isWordListKey(key)) {
    return `Những cách nói người dân có thể gõ (phần «${label}»), không phải lời bot gửi. Các cách nói cách nhau bằng dấu |; thêm cách nói bằng tiếng của bạn, bot vẫn hiểu cả tiếng Việt.`;
  }
  if (isButtonKey(key)) return `Chữ trên một nút bấm, phần «${label}». Nút hẹp: nên ngắn gọn.`;
  if (/^report\.summary\./.test(key)) return `Một dòng trong bản tóm tắt tin báo, trước khi người dân gửi (phần «${label}»).`;
  if (/^followUp\.status\./.test(key)) return "Tình trạng của tin báo, bot báo cho người báo tin khi cán bộ đổi tình trạng.";
  return `Tin nhắn bot gửi cho người dân, phần «${label}».`;
}

type Json = { [k: string]: Json | string | null };

function flatten(tree: Json, prefix = "", out = new Map<string, string>()): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object") flatten(v, key, out);
    else if (typeof v === "string") out.set(key, v);
  }
  return out;
}

/** The i18n key of a file string as the store keeps it: "a.b" in the default namespace, "ns:a.b" in another. */
const DEFAULT_NS = "bot";

/** Every Vietnamese string of the locale files, with its context. Read once per locales folder. */
export function fileEntries(dir = DEFAULT_LOCALES_DIR): SourceEntry[] {
  const entries: SourceEntry[] = [];
  for (const ns of namespacesIn(dir, SOURCE_LANGUAGE)) {
    const texts = flatten(JSON.parse(readFileSync(path.join(dir, SOURCE_LANGUAGE, `${ns}.json`), "utf8")) as Json);
    for (const [key, source] of texts) {
      const area = key.split(".")[0]!;
      const buttonKeys = BUTTONS_UNDER[key];
      entries.push({
        key: ns === DEFAULT_NS ? key : `${ns}:${key}`,
        source,
        area: BOT_AREAS[area] ? area : "other",
        context: {
          where: whereOf(key, area),
          ...(buttonKeys ? { buttons: buttonKeys.map((k) => texts.get(k) ?? k), buttonKeys } : {}),
          ...(isWordListKey(key) ? {} : { limits: { ...(isButtonKey(key) ? BUTTON_LIMITS : MESSAGE_LIMITS) } }),
        },
      });
    }
  }
  return entries;
}

/** The bot's prompts and buttons from the Vietnamese locale files; the live overlay serves their reviewed text. */
export function createFileSource(dir = DEFAULT_LOCALES_DIR): TranslationSource {
  let cached: { entries: SourceEntry[]; byKey: Map<string, SourceEntry> } | undefined;
  const load = () => {
    if (!cached) {
      const entries = fileEntries(dir);
      cached = { entries, byKey: new Map(entries.map((e) => [e.key, e])) };
    }
    return cached;
  };
  return {
    area: "bot",
    label: "Lời bot",
    areas: { ...BOT_AREAS, other: OTHER_AREA },
    entries: async () => load().entries,
    find: async (_db, key) => load().byKey.get(key),
  };
}

/**
 * Every source the workbench lists, in order. Content sources register themselves with registerTranslationSource
 * (the same `area` registered again replaces the earlier one).
 */
export const translationSources: TranslationSource[] = [createFileSource()];

export function registerTranslationSource(source: TranslationSource): void {
  const at = translationSources.findIndex((s) => s.area === source.area);
  if (at >= 0) translationSources[at] = source;
  else translationSources.push(source);
}

/** The Vietnamese name of an entry's area ("Báo tin", "Hỏi đáp"…). */
export function areaLabel(area: string, sources: readonly TranslationSource[] = translationSources): string {
  for (const s of sources) {
    if (s.areas?.[area]) return s.areas[area];
    if (s.area === area) return s.label;
  }
  return OTHER_AREA;
}

/** The source entry for a key, and the source that owns it. */
export async function findSourceEntry(db: Tx, key: string, sources: readonly TranslationSource[] = translationSources): Promise<{ source: TranslationSource; entry: SourceEntry } | undefined> {
  for (const source of sources) {
    const entry = source.find ? await source.find(db, key) : (await source.entries(db)).find((e) => e.key === key);
    if (entry) return { source, entry };
  }
  return undefined;
}

/** `{{code}}`, `{{ value, number }}` → ["code"], ["value"]: the variables a translation must keep. */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(/{{\s*([^,}\s]+)[^}]*}}/g)].map((m) => m[1]!))].sort();
}
