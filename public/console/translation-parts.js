// @ts-check
// Small pieces of the translators' workbench shared by the list and the editor: state names, variables, length
// counters per channel, the chat bubble preview and the saved clip's player. Data goes in as text only.

import { h, clear } from './dom.js';
import { fmtClock } from './voice-recorder.js';

/** Empties `el` and puts `kids` in it (nested lists flattened, null and false left out). */
export function put(el, ...kids) {
  clear(el).append(...kids.flat(Infinity).filter((k) => k != null && k !== false));
  return el;
}

export const STATES = [
  { value: 'missing', label: 'Chưa dịch' },
  { value: 'draft', label: 'Bản nháp' },
  { value: 'reviewed', label: 'Đã duyệt' },
];
export const stateLabel = (state) => STATES.find((s) => s.value === state)?.label ?? 'Chưa dịch';

/** The channels a limit can name, as the console calls them. */
const CHANNELS = [
  { value: 'telegram', label: 'Telegram' },
  { value: 'zalo', label: 'Zalo' },
  { value: 'webchat', label: 'Trang web' },
];

/** `{{code}}`, `{{ value, number }}` → ["code"], ["value"] (the server's rule: src/translations/translation-sources.ts). */
export function variablesOf(text) {
  return [...new Set([...String(text ?? '').matchAll(/{{\s*([^,}\s]+)[^}]*}}/g)].map((m) => m[1]))].sort();
}

/** The variables of the source that `text` lost. */
export function missingVariables(entry, text) {
  const kept = new Set(variablesOf(text));
  return (entry.variables ?? variablesOf(entry.source)).filter((v) => !kept.has(v));
}

/** Characters as a person counts them (an emoji or a letter with marks is one). */
export const charCount = (text) => [...String(text ?? '').normalize('NFC')].length;

export function stateBadge(state) {
  return h('span', { class: `badge tr-state st-${state}` }, stateLabel(state));
}

/** `{{code}}` chips; with `onPick`, each is a button that puts the variable back in the text. */
export function variableChips(names, onPick) {
  if (!names.length) return null;
  return h('ul', { class: 'tr-vars', 'aria-label': 'Phần phải giữ nguyên' },
    names.map((v) => h('li', {}, onPick
      ? h('button', { type: 'button', class: 'tr-var', title: `Chèn {{${v}}} vào chỗ con trỏ`, onclick: () => onPick(v) }, `{{${v}}}`)
      : h('code', { class: 'tr-var' }, `{{${v}}}`))));
}

/**
 * One line per channel: "Telegram: 45/4096 ký tự". Returns the element and `update(text)`. Over a message limit
 * the sender splits the text; over a button's, a phone cuts the label: both are shown, neither blocks saving
 * (the server refuses what no channel can take).
 */
export function lengthCounter(limits, { button = false } = {}) {
  const shown = CHANNELS.filter((c) => limits?.[c.value]);
  const items = shown.map((c) => ({ c, el: h('li', {}) }));
  const el = h('ul', { class: 'tr-counter', 'aria-label': 'Độ dài theo từng kênh' }, items.map((i) => i.el));
  function update(text) {
    const n = charCount(text);
    for (const { c, el: li } of items) {
      const max = limits[c.value];
      const over = n > max;
      li.className = over ? 'late' : '';
      li.textContent = `${c.label}: ${n.toLocaleString('vi-VN')}/${max.toLocaleString('vi-VN')} ký tự${over ? (button ? ' — quá dài, nút sẽ bị cắt bớt' : ` — sẽ tách thành ${Math.ceil(n / max)} tin`) : ''}`;
    }
  }
  return { el: shown.length ? el : null, update };
}

/** The saved clip for console playback: the OGG/Opus copy, and the AAC copy for browsers without Opus. */
export function savedClip(audio, label) {
  const sources = [h('source', { src: audio.url, type: 'audio/ogg' })];
  if (/\.ogg$/.test(audio.url)) sources.push(h('source', { src: audio.url.replace(/\.ogg$/, '.m4a'), type: 'audio/mp4' }));
  return h('div', { class: 'tr-clip' },
    h('audio', { controls: true, preload: 'none', 'aria-label': `Đoạn ghi âm ${label} đã lưu` }, sources),
    h('span', { class: 'tr-duration' }, `Thời lượng ${fmtClock(audio.durationMs)}`));
}

/**
 * What the resident sees: the voice note (when a clip exists), the message, and the buttons under it in the same
 * language (their translation when one exists, else the Vietnamese the resident gets today). Returns the element
 * and `update(text, audio)`.
 */
export function chatPreview(entry, buttonLabel, langLabel) {
  const bubble = h('div', { class: 'tr-bubble' });
  const voice = h('div', { class: 'tr-bubble tr-voice-note' });
  const fallback = entry.context?.buttons ?? [];
  const keys = entry.context?.buttonKeys ?? [];
  const shownButtons = keys.length ? keys.map((k, i) => buttonLabel(k) || fallback[i] || '') : fallback;
  const note = h('p', { class: 'small muted' });
  const el = h('figure', { class: 'tr-preview' },
    h('figcaption', { class: 'small muted' }, `Người dân chọn ${langLabel} sẽ thấy`),
    h('div', { class: 'tr-chat' }, voice,
      h('div', { class: 'tr-msg' }, bubble,
        shownButtons.length ? h('div', { class: 'tr-buttons' }, shownButtons.map((b) => h('span', { class: 'tr-btn' }, b))) : null)),
    note);
  function update(text, audio) {
    const own = String(text ?? '').trim();
    bubble.textContent = own || entry.source;
    bubble.classList.toggle('fallback', !own);
    voice.hidden = !audio;
    voice.textContent = audio ? `▶ Tin nhắn thoại ${fmtClock(audio.durationMs)}` : '';
    note.textContent = own ? 'Xem trước. Người dân chỉ thấy bản dịch sau khi một người khác duyệt.' : 'Chưa có bản dịch: người dân đang thấy câu tiếng Việt này.';
  }
  return { el, update };
}

/** The `{{variables}}` of `text` that the source does not have (the server refuses those too). */
export function extraVariables(entry, text) {
  const want = new Set(entry.variables ?? variablesOf(entry.source));
  return variablesOf(text).filter((v) => !want.has(v));
}
