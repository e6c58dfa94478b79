// @ts-check
// A language as a file, for translators who work offline or in their own tool: download as i18next JSON or
// XLIFF 2.0 (reviewed strings, or with the drafts), and import such a file back. An import only ever makes drafts;
// a second speaker still approves each string here. The API is /api/translations/:lang/export.* and /import.

import { api } from './api.js';
import { h, busy, errorBox, announce } from './dom.js';
import { put } from './translation-parts.js';

/** Content types the import takes as they are; a file without one (.xlf often) goes as plain bytes. */
const IMPORT_TYPES = ['application/json', 'application/xliff+xml', 'application/xml', 'text/xml', 'text/plain'];
const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
/** Refused strings listed under the result; the rest are counted. */
const SHOWN_REFUSALS = 10;

/**
 * The toolbar. `lang()` and `langLabel()` read the language shown; `sourceOf(key)` the Vietnamese text of a string
 * (a refused line names it by its text as well as by the code the file carries); `onImported()` reloads the list.
 * Returns the element and `update()` (call it when the language changes).
 *
 * @param {{ lang: () => string, langLabel: () => string, sourceOf: (key: string) => string | undefined, onImported: () => Promise<void> | void }} options
 */
export function translationFiles({ lang, langLabel, sourceOf, onImported }) {
  const errors = errorBox();
  const result = h('div', { class: 'notice tr-import-result', role: 'status', hidden: true });
  const withDrafts = /** @type {HTMLInputElement} */ (h('input', { id: 'tr-with-drafts', type: 'checkbox' }));
  const jsonLink = h('a', { class: 'btn', download: '' }, 'Tải tệp JSON');
  const xlfLink = h('a', { class: 'btn', download: '' }, 'Tải tệp XLIFF');
  const input = /** @type {HTMLInputElement} */ (h('input', { id: 'tr-import', type: 'file', class: 'file', accept: '.json,.xlf,.xliff,.xml,application/json,application/xliff+xml' }));
  const importLabel = h('label', { for: 'tr-import', class: 'btn' }, 'Nhập tệp bản dịch…');
  const el = h('details', { class: 'tr-files' },
    h('summary', {}, 'Làm việc ngoài trang: tải về, nhập tệp'),
    h('p', { class: 'small muted' }, 'Tải các câu về để dịch bằng công cụ quen dùng (JSON i18next hoặc XLIFF 2.0), rồi nhập lại tệp đó. ',
      'Câu nhập vào thành bản nháp của bạn; người khác biết tiếng vẫn phải duyệt từng câu ở đây.'),
    h('div', { class: 'toolbar' },
      jsonLink, xlfLink,
      h('div', { class: 'field check' }, withDrafts, h('label', { for: 'tr-with-drafts' }, 'Kèm bản nháp')),
      h('span', { class: 'file-pick' }, input, importLabel)),
    errors, result);

  function update() {
    const query = withDrafts.checked ? '?state=all' : '';
    const base = `/api/translations/${encodeURIComponent(lang())}`;
    jsonLink.setAttribute('href', `${base}/export.json${query}`);
    xlfLink.setAttribute('href', `${base}/export.xlf${query}`);
    importLabel.textContent = `Nhập tệp bản dịch ${langLabel().replace(/^Tiếng/, 'tiếng')}…`;
  }
  withDrafts.addEventListener('change', update);

  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    errors.hide();
    result.hidden = true;
    if (file.size > IMPORT_MAX_BYTES) return errors.show({ message: 'Tệp lớn hơn 2 MB. Hãy chia thành nhiều tệp nhỏ hơn.' });
    const body = new Blob([file], { type: IMPORT_TYPES.includes(file.type) ? file.type : 'application/octet-stream' });
    try {
      const r = await busy(el, () => api(`/translations/${encodeURIComponent(lang())}/import`, { method: 'POST', body }));
      const refused = Array.isArray(r.refused) ? r.refused : [];
      put(result,
        h('p', {}, r.message),
        refused.length ? h('ul', {}, refused.slice(0, SHOWN_REFUSALS).map((x) => h('li', {}, refusedLine(x)))) : null,
        r.refusedCount > SHOWN_REFUSALS ? h('p', { class: 'small' }, `… và ${(r.refusedCount - SHOWN_REFUSALS).toLocaleString('vi-VN')} câu khác không nhận.`) : null);
      result.hidden = false;
      announce(r.message);
      await onImported();
    } catch (err) {
      errors.show(err);
    }
  });

  /** «Bạn cần gì? Bấm một…» (menu.prompt): the reason. The code is what the translator's file and tool show. */
  function refusedLine(x) {
    const source = sourceOf(x.key);
    const short = source && source.length > 60 ? `${source.slice(0, 57)}…` : source;
    return `${short ? `«${short}» ` : ''}(${x.key}): ${x.message}`;
  }

  update();
  return { el, update };
}
