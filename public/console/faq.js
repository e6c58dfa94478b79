// The knowledge base: everyone reads; admin and outreach editors add, edit, disable, import, export.

import { api } from './api.js';
import { h, clear, field, fmtDate, fmtDateTime, fold, errorBox, busy, announce, banner, listScreen } from './dom.js';
import { dateField } from './date-input.js';

// Hre and Co answers are written and approved by a second speaker on the translators' workbench (Bàn dịch), which
// writes them into the entry; this editor only shows them.
const LANGS = [
  { code: 'hre', label: 'Câu trả lời tiếng Hrê' },
  { code: 'cua', label: 'Câu trả lời tiếng Co' },
];

function todayVn() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

/** "Mất căn cước thì làm gì?" → "mat-can-cuoc-thi-lam-gi": an entry's code, made for the editor. */
function slugOf(question) {
  return fold(question).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '') || `muc-${Date.now()}`;
}

export function mount(main, app, { query }) {
  const canEdit = app.can('canEditFaq');
  const state = { entries: [], q: query.get('q') || '', disposed: false };
  document.title = 'Hỏi đáp – Tin Báo';
  const errors = errorBox();
  const search = h('input', { id: 'q', type: 'search', value: state.q, placeholder: 'Tìm câu hỏi, câu trả lời (có dấu hay không đều được)', autocomplete: 'off' });
  const list = h('ul', { class: 'cards faq-list' });
  const count = h('span', { class: 'count muted' });
  const editorSlot = h('div');
  const tools = canEdit ? h('div', { class: 'toolbar' },
    h('button', { type: 'button', class: 'btn primary', onclick: () => openEditor(null) }, 'Thêm mục hỏi đáp'),
    h('a', { class: 'btn', href: '/api/faq/export', download: 'hoi-dap.json' }, 'Xuất tệp'),
    importControl()) : h('div', { class: 'toolbar' }, h('a', { class: 'btn', href: '/api/faq/export', download: 'hoi-dap.json' }, 'Xuất tệp'));
  clear(main).append(h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Hỏi đáp'), count),
    h('p', { class: 'muted' }, canEdit ? 'Câu trả lời tự động cho người dân. Mỗi lần sửa đều được ghi lại.' : 'Câu trả lời tự động cho người dân. Chỉ quản trị và biên tập tuyên truyền được sửa.'),
    tools, errors, editorSlot,
    h('div', { class: 'filters' }, h('div', { class: 'field grow' }, h('label', { for: 'q' }, 'Tìm kiếm'), search)),
    list));

  search.addEventListener('input', () => {
    state.q = search.value;
    history.replaceState(null, '', `/console/faq${state.q.trim() ? `?q=${encodeURIComponent(state.q.trim())}` : ''}`);
    renderList();
  });

  async function load() {
    errors.hide();
    try {
      const { entries } = await api('/faq');
      if (state.disposed) return;
      state.entries = entries;
      renderList();
    } catch (err) {
      errors.show(err);
    }
  }

  function renderList() {
    const words = fold(state.q).split(' ').filter(Boolean);
    const shown = state.entries.filter((e) => {
      if (!words.length) return true;
      const hay = fold([e.id, ...e.tags, ...e.questions, ...Object.values(e.answer ?? {})].join(' '));
      return words.every((w) => hay.includes(w));
    });
    count.textContent = `${shown.length}/${state.entries.length} mục`;
    clear(list);
    if (!shown.length) list.append(h('li', { class: 'empty' }, state.entries.length ? 'Không có mục nào khớp.' : 'Chưa có mục hỏi đáp nào.'));
    for (const e of shown) list.append(card(e));
  }

  function card(e) {
    return h('li', { class: `card${e.disabled ? ' disabled' : ''}` },
      h('div', { class: 'card-head' },
        h('h2', { class: 'h3' }, e.questions[0] ?? e.id),
        e.disabled ? h('span', { class: 'badge' }, 'Đã tắt') : null),
      e.questions.length > 1 ? h('p', { class: 'small muted' }, `Cách hỏi khác: ${e.questions.slice(1, 4).join(' · ')}${e.questions.length > 4 ? ` · (+${e.questions.length - 4})` : ''}`) : null,
      h('p', { class: 'answer-text' }, e.answer?.vi ?? ''),
      h('p', { class: 'small muted' },
        `Duyệt: ${e.reviewedBy} (${fmtDate(e.reviewedAt)})`,
        e.answer?.hre ? ' · có tiếng Hrê' : '', e.answer?.cua ? ' · có tiếng Co' : '',
        e.updatedAt ? ` · sửa lần cuối ${fmtDateTime(e.updatedAt)}` : ''),
      canEdit ? h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn small', onclick: () => openEditor(e) }, 'Sửa'),
        h('button', { type: 'button', class: 'btn small', onclick: () => toggle(e) }, e.disabled ? 'Bật lại' : 'Tắt')) : null);
  }

  async function toggle(e) {
    try {
      await api(`/faq/${encodeURIComponent(e.id)}`, { method: 'PATCH', body: { disabled: !e.disabled } });
      announce(e.disabled ? 'Đã bật lại mục hỏi đáp.' : 'Đã tắt mục hỏi đáp.');
      await load();
    } catch (err) {
      errors.show(err);
    }
  }

  function openEditor(entry) {
    const errs = errorBox();
    const isNew = !entry;
    const id = h('input', { id: 'faq-id', value: entry?.id ?? '', required: true, pattern: '[a-z0-9]+(-[a-z0-9]+)*', disabled: !isNew, spellcheck: 'false' });
    const questions = h('textarea', { id: 'faq-questions', rows: 4 });
    questions.value = (entry?.questions ?? []).join('\n');
    const vi = h('textarea', { id: 'faq-vi', rows: 5 });
    vi.value = entry?.answer?.vi ?? '';
    const others = LANGS.map((l) => {
      const text = entry?.answer?.[l.code];
      return h('div', { class: 'field', id: `faq-${l.code}` },
        h('strong', {}, l.label),
        text ? h('p', { class: 'answer-text native' }, text) : null,
        h('small', { class: 'hint' }, text
          ? 'Bản dịch đã được người thứ hai biết tiếng duyệt trên Bàn dịch. Muốn sửa, người dịch sửa trên Bàn dịch.'
          : 'Chưa có bản dịch đã duyệt: người dân nhận câu trả lời tiếng Việt. Người dịch biết tiếng viết trên Bàn dịch, một người khác biết tiếng duyệt.'));
    });
    const tags = h('input', { id: 'faq-tags', value: (entry?.tags ?? []).join(', '), spellcheck: 'false' });
    const links = h('textarea', { id: 'faq-links', rows: 2 });
    links.value = (entry?.links ?? []).map((l) => `${l.label} | ${l.url}`).join('\n');
    const reviewedBy = h('input', { id: 'faq-reviewedBy', value: entry?.reviewedBy ?? app.officer.displayName });
    const reviewedAtField = dateField('Ngày duyệt', { id: 'faq-reviewedAt', value: entry?.reviewedAt?.slice(0, 10) ?? todayVn() });
    const reviewedAt = reviewedAtField.input;
    const form = h('form', { class: 'panel stack editor', novalidate: true, 'aria-labelledby': 'faq-editor-title' },
      h('h2', { id: 'faq-editor-title' }, isNew ? 'Thêm mục hỏi đáp' : `Sửa mục «${entry.questions[0] ?? ''}»`), errs,
      field('Các cách hỏi (mỗi dòng một câu)', questions),
      field('Câu trả lời tiếng Việt (bắt buộc)', vi),
      others,
      field('Đường dẫn tham khảo (mỗi dòng: Tên | https://…)', links),
      h('div', { class: 'two' }, field('Người duyệt nội dung', reviewedBy), reviewedAtField),
      // Codes the matching uses: made from the first question, changed only by someone who knows them.
      h('details', { class: 'advanced' }, h('summary', {}, 'Mục dành cho quản trị (mã mục, nhãn)'),
        field('Mã mục', id, 'Tự tạo từ câu hỏi đầu tiên. Chữ thường không dấu, nối bằng gạch ngang.'),
        field('Nhãn (cách nhau bằng dấu phẩy)', tags)),
      h('div', { class: 'row-actions' },
        h('button', { type: 'submit', class: 'btn primary' }, isNew ? 'Thêm mục' : 'Lưu thay đổi'),
        h('button', { type: 'button', class: 'btn', onclick: () => clear(editorSlot) }, 'Hủy')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      errs.hide();
      const qs = questions.value.split('\n').map((s) => s.trim()).filter(Boolean);
      if (!qs.length) return errs.show({ message: 'Ghi ít nhất một cách hỏi.' });
      if (!vi.value.trim()) return errs.show({ message: 'Câu trả lời tiếng Việt là bắt buộc.' });
      const parsedLinks = [];
      for (const line of links.value.split('\n').map((s) => s.trim()).filter(Boolean)) {
        const [label, url] = line.split('|').map((s) => s.trim());
        if (!label || !url) return errs.show({ message: `Đường dẫn chưa đúng dạng «Tên | https://…»: ${line}` });
        parsedLinks.push({ label, url });
      }
      const reviewedDay = reviewedAt.isoDate();
      if (!reviewedDay) return errs.show({ message: reviewedDay === null ? 'Ngày duyệt chưa đúng: xem dòng báo dưới ô ngày.' : 'Nhập ngày duyệt.' });
      if (isNew && !id.value.trim()) id.value = slugOf(qs[0]);
      const answer = { vi: vi.value.trim() };
      const body = {
        tags: tags.value.split(',').map((s) => s.trim()).filter(Boolean),
        questions: qs,
        answer,
        links: parsedLinks,
        reviewedBy: reviewedBy.value.trim(),
        reviewedAt: reviewedDay,
      };
      try {
        await busy(form, () => (isNew
          ? api('/faq', { method: 'POST', body: { id: id.value.trim(), ...body } })
          : api(`/faq/${encodeURIComponent(entry.id)}`, { method: 'PATCH', body })));
        clear(editorSlot);
        banner(isNew ? 'Đã thêm mục hỏi đáp.' : 'Đã lưu mục hỏi đáp.', 'ok');
        await load();
      } catch (err) {
        errs.show(err);
        // A code already taken (or malformed): show the hidden field where it can be changed.
        if (isNew && (err.code === 'conflict' || (err.details ?? []).some((d) => d.path === 'id'))) {
          id.closest('details').open = true;
          id.focus();
        }
      }
    });
    clear(editorSlot).append(form);
    questions.focus();
    form.scrollIntoView({ block: 'start' });
  }

  function importControl() {
    const input = h('input', { id: 'faq-import', type: 'file', accept: '.json,application/json', class: 'file' });
    input.addEventListener('change', async () => {
      const file = input.files?.[0];
      if (!file) return;
      errors.hide();
      let data;
      try {
        data = JSON.parse(await file.text());
      } catch {
        input.value = '';
        return errors.show({ message: 'Tệp không phải JSON hợp lệ. Hãy dùng tệp xuất ra từ đây (định dạng tin-bao-faq).' });
      }
      try {
        const r = await api('/faq/import', { method: 'POST', body: data });
        banner(`Đã nhập tệp: thêm ${r.created}, sửa ${r.updated}, giữ nguyên ${r.unchanged} mục.`, 'ok');
        await load();
      } catch (err) {
        errors.show(err);
      } finally {
        input.value = '';
      }
    });
    return h('span', { class: 'file-pick' }, input, h('label', { for: 'faq-import', class: 'btn' }, 'Nhập tệp…'));
  }

  load();
  return listScreen(state, search);
}
