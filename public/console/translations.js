// @ts-check
// The translators' workbench (issue 14): every resident-facing string with its Vietnamese source, its context and
// its state in Hre or Co; filters by state and area and a search, all kept in the address; progress per language.
// Opening a string shows its editor (translation-editor.js). The API is /api/translations; nothing here decides a
// permission, the API does. Written for speakers of Hre and Co with little computer training: plain Vietnamese.

import { api, qs } from './api.js';
import { h, clear, fold, listScreen, select } from './dom.js';
import { translationEditor } from './translation-editor.js';
import { translationFiles } from './translation-files.js';
import { STATES, put, stateBadge, variableChips } from './translation-parts.js';
import { fmtClock } from './voice-recorder.js';

/** Roles that see the screen. */
export const ROLES = ['admin', 'translator'];
const BASE = '/console/translations';
/** Cards drawn at once; the rest behind "Xem thêm" (a language has a few hundred strings). */
const PAGE = 60;

let cssAdded = false;
function addCss() {
  if (cssAdded || document.querySelector('link[href$="/translations.css"]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/console/static/translations.css' }));
  cssAdded = true;
}

const num = (n) => Number(n ?? 0).toLocaleString('vi-VN');

export function mount(main, app, { query }) {
  addCss();
  const languages = (app.meta?.languages ?? []).filter((l) => l.value !== 'vi');
  const langOf = (code) => languages.find((l) => l.value === code);
  const state = {
    lang: langOf(query.get('lang')) ? query.get('lang') : languages[0]?.value ?? 'hre',
    filter: { state: STATES.some((s) => s.value === query.get('state')) ? query.get('state') : '', area: query.get('area') ?? '', q: query.get('q') ?? '' },
    open: query.get('key') ?? '',
    /** @type {Record<string, { progress: any, entries: any[] } | { error: any }>} */
    data: {},
    shown: PAGE,
    disposed: false,
    /** @type {Map<string, { dispose(): void, focus(): void, el: HTMLElement, idPrefix: string }>} */
    editors: new Map(),
  };
  document.title = 'Dịch tiếng dân tộc – Tin Báo';
  const langLabel = () => langOf(state.lang)?.label ?? state.lang;

  const progressBox = h('div', { class: 'tr-progress', 'aria-label': 'Tiến độ dịch' });
  const count = h('span', { class: 'count muted', role: 'status' });
  const langPick = select({ id: 'tr-lang' }, languages, { value: state.lang });
  const statePick = select({ id: 'tr-state' }, STATES, { empty: 'Tất cả', value: state.filter.state });
  const areaPick = select({ id: 'tr-area' }, [], { empty: 'Tất cả' });
  const search = h('input', { id: 'tr-q', type: 'search', value: state.filter.q, placeholder: 'Chữ trong câu tiếng Việt hoặc bản dịch', autocomplete: 'off' });
  const list = h('ul', { class: 'cards tr-list' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => { state.shown += PAGE; renderList(); } }, 'Xem thêm');
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Lọc các câu cần dịch', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'tr-lang' }, 'Tiếng'), langPick),
    h('div', { class: 'field' }, h('label', { for: 'tr-state' }, 'Tình trạng'), statePick),
    h('div', { class: 'field' }, h('label', { for: 'tr-area' }, 'Phần'), areaPick),
    h('div', { class: 'field grow' }, h('label', { for: 'tr-q' }, 'Tìm kiếm'), search));
  filters.addEventListener('submit', (e) => e.preventDefault());

  const files = translationFiles({
    lang: () => state.lang,
    langLabel,
    sourceOf: (key) => (entries() ?? []).find((e) => e.key === key)?.source,
    onImported: () => loadLanguage(state.lang),
  });

  clear(main).append(h('section', { class: 'tr-page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Dịch tiếng dân tộc'), count),
    h('p', { class: 'muted' }, 'Các câu bot gửi cho người dân. Gõ bản dịch hoặc ghi âm bằng tiếng của bạn; không dùng máy dịch. ',
      'Bản dịch chỉ đến với người dân sau khi một người khác biết tiếng đó duyệt. Mỗi thay đổi đều được ghi lại.'),
    progressBox, files.el, filters, list, more));

  const onFilter = () => {
    state.filter = { state: statePick.value, area: areaPick.value, q: search.value };
    state.shown = PAGE;
    keepInAddress();
    renderList();
  };
  statePick.addEventListener('change', onFilter);
  areaPick.addEventListener('change', onFilter);
  search.addEventListener('input', onFilter);
  langPick.addEventListener('change', () => {
    state.lang = langPick.value;
    files.update();
    closeAll();
    state.shown = PAGE;
    keepInAddress();
    renderAreas();
    renderList();
    void loadLanguage(state.lang);
  });

  function keepInAddress() {
    const q = state.filter.q.trim();
    history.replaceState(null, '', `${BASE}${qs({ lang: state.lang, state: state.filter.state, area: state.filter.area, q, key: state.open })}`);
  }

  // ---------- data ----------

  async function loadLanguage(lang) {
    try {
      const data = await api('/translations', { query: { lang } });
      if (state.disposed) return;
      state.data[lang] = { progress: data.progress, entries: data.entries };
    } catch (err) {
      if (state.disposed) return;
      state.data[lang] = { error: err };
    }
    renderProgress();
    if (lang === state.lang) {
      renderAreas();
      renderList();
    }
  }

  /** The entries of the language shown, or null while loading / after an error (shown in the list). */
  function entries() {
    const d = state.data[state.lang];
    return d && 'entries' in d ? d.entries : null;
  }

  /** Reads one entry again (after a stale form) and the progress with it. */
  async function reload(key) {
    const lang = state.lang;
    const data = await api('/translations', { query: { lang } });
    state.data[lang] = { progress: data.progress, entries: data.entries };
    renderProgress();
    return data.entries.find((e) => e.key === key) ?? null;
  }

  /** A save or review answered: keep the new entry, redraw its card's summary and refresh the figures. */
  function changed(lang, entry) {
    const d = state.data[lang];
    if (d && 'entries' in d) {
      const at = d.entries.findIndex((e) => e.key === entry.key);
      if (at >= 0) d.entries[at] = entry;
    }
    const card = list.querySelector(`li[data-key="${CSS.escape(entry.key)}"]`);
    if (card) fillSummary(card.querySelector('.tr-summary'), entry);
    void refreshProgress(lang);
  }

  async function refreshProgress(lang) {
    try {
      const data = await api('/translations', { query: { lang } });
      if (state.disposed) return;
      const d = state.data[lang];
      state.data[lang] = { progress: data.progress, entries: d && 'entries' in d ? d.entries : data.entries };
      renderProgress();
    } catch {
      /* the figures stay as they were; the next load corrects them */
    }
  }

  // ---------- progress per language ----------

  function renderProgress() {
    put(progressBox, h('h2', { class: 'sr-only' }, 'Tiến độ'), h('ul', { class: 'tr-langs' }, languages.map((l) => {
      const d = state.data[l.value];
      if (!d) return h('li', { class: 'tr-lang-progress' }, h('strong', {}, l.label), h('span', { class: 'muted' }, ' Đang tải…'));
      if ('error' in d) return h('li', { class: 'tr-lang-progress' }, h('strong', {}, l.label), h('span', { class: 'muted' }, ` ${d.error.message}`));
      const p = d.progress;
      const pct = (n) => (p.total ? (100 * n) / p.total : 0);
      const reviewedBar = h('span', { class: 'bar-reviewed' });
      const draftBar = h('span', { class: 'bar-draft' });
      // Widths through the CSSOM: allowed by the console's CSP (no inline style attributes).
      reviewedBar.style.width = `${pct(p.reviewed)}%`;
      draftBar.style.width = `${pct(p.draft)}%`;
      const words = `${num(p.reviewed)}/${num(p.total)} câu đã duyệt`;
      return h('li', { class: 'tr-lang-progress', dataset: { lang: l.value } },
        h('div', { class: 'tr-lang-head' }, h('strong', {}, l.label), h('span', { class: 'tr-figure' }, words)),
        h('div', { class: 'tr-bar', role: 'img', 'aria-label': `${l.label}: ${words}, ${num(p.draft)} bản nháp, ${num(p.missing)} chưa dịch` }, reviewedBar, draftBar),
        h('p', { class: 'small muted tr-figures' },
          `Đã duyệt ${num(p.reviewed)} · Bản nháp ${num(p.draft)} · Chưa dịch ${num(p.missing)} · Có ghi âm ${num(p.audio)}`));
    })));
  }

  // ---------- filters ----------

  function renderAreas() {
    const all = entries() ?? [];
    const seen = new Map();
    for (const e of all) if (!seen.has(e.area)) seen.set(e.area, e.areaLabel || 'Khác');
    const keep = state.filter.area;
    put(areaPick, h('option', { value: '' }, 'Tất cả'), [...seen].map(([value, label]) => h('option', { value }, label)));
    areaPick.value = seen.has(keep) || !all.length ? keep : '';
    if (all.length && !seen.has(keep) && keep) onFilter();
  }

  function matches(e, words) {
    if (state.filter.state && e.state !== state.filter.state) return false;
    if (state.filter.area && e.area !== state.filter.area) return false;
    if (!words.length) return true;
    const hay = fold([e.source, e.text ?? '', e.areaLabel, e.context?.where ?? ''].join(' '));
    return words.every((w) => hay.includes(w));
  }

  // ---------- the list ----------

  function renderList() {
    // Open editors move to the redrawn cards (typed text and a recording in progress survive a filter change).
    const kept = new Map(state.editors);
    state.editors.clear();
    clear(list);
    const d = state.data[state.lang];
    const shown = d && 'entries' in d ? d.entries.filter((e) => matches(e, fold(state.filter.q).split(' ').filter(Boolean)) || e.key === state.open) : [];
    if (!d) {
      count.textContent = '';
      list.append(h('li', { class: 'loading' }, 'Đang tải…'));
    } else if ('error' in d) {
      count.textContent = '';
      list.append(h('li', { class: 'error', role: 'alert' }, d.error.message));
    } else {
      count.textContent = `${num(shown.length)}/${num(d.entries.length)} câu`;
      if (!shown.length) list.append(h('li', { class: 'empty' }, 'Không có câu nào khớp bộ lọc.'));
    }
    // The string opened from the address is drawn even when it lies beyond the first page.
    const page = shown.slice(0, state.shown);
    const opened = shown.find((e) => e.key === state.open);
    if (opened && !page.includes(opened)) page.push(opened);
    for (const e of page) {
      const editor = kept.get(e.key);
      kept.delete(e.key);
      const li = card(e, editor?.idPrefix);
      list.append(li);
      if (editor) attach(li, e.key, editor);
    }
    for (const editor of kept.values()) editor.dispose();
    more.hidden = shown.length <= state.shown;
    more.textContent = `Xem thêm (còn ${num(shown.length - state.shown)} câu)`;
    if (opened && !state.editors.has(opened.key)) openEditor(opened.key, { focus: false });
  }

  let cardSeq = 0;
  function card(e, id = `tr-${++cardSeq}`) {
    // Every card has the same button words: the Vietnamese text tells a screen reader which string it opens.
    const toggle = h('button', { type: 'button', class: 'btn small tr-toggle', 'aria-expanded': 'false', 'aria-controls': `${id}-editor`, 'aria-describedby': `${id}-source` });
    const li = h('li', { class: 'card tr-entry', dataset: { key: e.key, card: id } },
      h('div', { class: 'tr-summary' }),
      h('div', { class: 'row-actions' }, toggle));
    fillSummary(li.querySelector('.tr-summary'), e, id);
    toggle.textContent = e.state === 'missing' ? 'Dịch câu này' : 'Mở';
    toggle.addEventListener('click', () => {
      if (state.editors.has(e.key)) closeEditor(e.key, true);
      else openEditor(e.key, { focus: true });
    });
    return li;
  }

  function fillSummary(box, e, id = box?.closest('li')?.dataset.card) {
    if (!box) return;
    put(box,
      h('div', { class: 'card-head' }, stateBadge(e.state), h('span', { class: 'tr-area small muted' }, e.areaLabel),
        e.audio ? h('span', { class: 'badge tr-has-audio' }, `Ghi âm ${fmtClock(e.audio.durationMs)}`) : null,
        e.sourceChanged ? h('span', { class: 'badge confirm' }, 'Câu tiếng Việt đã đổi') : null),
      h('div', { class: 'tr-pair' },
        h('div', {}, h('p', { class: 'tr-label small muted' }, 'Tiếng Việt'), h('p', { class: 'answer-text tr-source', lang: 'vi', id: `${id}-source` }, e.source)),
        h('div', {}, h('p', { class: 'tr-label small muted' }, langLabel()),
          e.text ? h('p', { class: 'answer-text tr-text', lang: state.lang }, e.text) : h('p', { class: 'answer-text muted tr-text' }, e.audio ? '(chỉ có ghi âm)' : '(chưa dịch)'))),
      variableChips(e.variables ?? []));
  }

  /** The label of a button in the language shown: its translation when there is one, else the Vietnamese. */
  function buttonLabel(key) {
    const e = (entries() ?? []).find((x) => x.key === key);
    return e?.text || e?.source || '';
  }

  function openEditor(key, { focus }) {
    const li = list.querySelector(`li[data-key="${CSS.escape(key)}"]`);
    const e = (entries() ?? []).find((x) => x.key === key);
    if (!li || !e || state.editors.has(key)) return;
    const lang = state.lang;
    const editor = translationEditor({
      entry: e,
      lang,
      langLabel: langLabel(),
      officer: app.officer,
      buttonLabel,
      onChanged: (next) => changed(lang, next),
      reload,
      idPrefix: li.dataset.card,
    });
    attach(li, key, editor);
    state.open = key;
    keepInAddress();
    if (focus) editor.focus();
  }

  /** Puts an editor under its card and turns the card's button into "Đóng". */
  function attach(li, key, editor) {
    state.editors.set(key, editor);
    li.classList.add('open');
    li.append(editor.el);
    const toggle = li.querySelector('.tr-toggle');
    toggle.setAttribute('aria-expanded', 'true');
    toggle.textContent = 'Đóng';
  }

  function closeEditor(key, focusToggle = false) {
    const editor = state.editors.get(key);
    if (!editor) return;
    editor.dispose();
    editor.el.remove();
    state.editors.delete(key);
    const li = list.querySelector(`li[data-key="${CSS.escape(key)}"]`);
    li?.classList.remove('open');
    const toggle = li?.querySelector('.tr-toggle');
    if (toggle) {
      toggle.setAttribute('aria-expanded', 'false');
      const e = (entries() ?? []).find((x) => x.key === key);
      toggle.textContent = e?.state === 'missing' ? 'Dịch câu này' : 'Mở';
      if (focusToggle) toggle.focus();
    }
    if (state.open === key) {
      state.open = '';
      keepInAddress();
    }
  }

  function closeAll() {
    for (const [, editor] of state.editors) {
      editor.dispose();
      editor.el.remove();
    }
    state.editors.clear();
  }

  renderProgress();
  renderList();
  const others = languages.map((l) => l.value).filter((v) => v !== state.lang);
  void loadLanguage(state.lang).then(() => Promise.all(others.map(loadLanguage)));
  const screen = listScreen(state, search, closeAll);
  return {
    ...screen,
    onKey(e) {
      // Esc (outside a text field) closes the string opened last and goes back to its button.
      if (e.key === 'Escape' && state.open && state.editors.has(state.open)) {
        closeEditor(state.open, true);
        return true;
      }
      return screen.onKey(e);
    },
  };
}
