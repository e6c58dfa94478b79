// Residents' questions the knowledge base could not answer: read, answer, save as an entry.

import { api } from './api.js';
import { h, clear, select, field, fmtDateTime, errorBox, busy, announce, listScreen } from './dom.js';

const STATUS = [
  { value: 'open', label: 'Chưa trả lời' },
  { value: 'answered', label: 'Đã trả lời' },
  { value: 'closed', label: 'Đã đóng' },
];

export function mount(main, app, { query }) {
  const state = { status: query.get('status') || 'open', q: query.get('q') || '', disposed: false };
  document.title = 'Câu hỏi của người dân – Tin Báo';
  const errors = errorBox();
  const status = select({ id: 'qs-status' }, STATUS, { value: state.status });
  const search = h('input', { id: 'q', type: 'search', value: state.q, placeholder: 'Tìm trong câu hỏi', autocomplete: 'off' });
  const list = h('ul', { class: 'cards' });
  const empty = h('p', { class: 'empty', hidden: true });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Lọc câu hỏi', novalidate: true },
    field('Tình trạng', status), h('div', { class: 'field grow' }, h('label', { for: 'q' }, 'Tìm kiếm'), search),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Lọc')));
  clear(main).append(h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Câu hỏi của người dân')),
    h('p', { class: 'muted' }, 'Những câu hỏi phần hỏi đáp tự động chưa trả lời được. Câu trả lời được gửi cho người hỏi qua kênh họ đã dùng. Đây không phải tin báo.'),
    form, errors, list, empty));

  const apply = () => {
    state.status = status.value;
    state.q = search.value.trim();
    const p = new URLSearchParams();
    if (state.status !== 'open') p.set('status', state.status);
    if (state.q) p.set('q', state.q);
    history.replaceState(null, '', `/console/questions${p.toString() ? `?${p}` : ''}`);
    load();
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  status.addEventListener('change', apply);
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 400);
  });

  async function load() {
    errors.hide();
    try {
      const { items } = await api('/questions', { query: { status: state.status, q: state.q, limit: 100 } });
      if (state.disposed) return;
      clear(list);
      for (const item of items) list.append(card(item));
      empty.hidden = items.length > 0;
      empty.textContent = state.q ? 'Không có câu hỏi nào khớp.' : state.status === 'open' ? 'Không có câu hỏi nào đang chờ trả lời.' : 'Chưa có câu hỏi nào.';
    } catch (err) {
      errors.show(err);
    }
  }

  function card(item) {
    const li = h('li', { class: 'card' },
      h('div', { class: 'small muted' }, `${fmtDateTime(item.createdAt)} · ${app.label('channels', item.channel)} · ${app.label('languages', item.language)}`),
      h('p', { class: 'question' }, item.text));
    if (item.answer) {
      li.append(h('div', { class: 'answer' }, h('div', { class: 'small muted' }, `Trả lời${item.answeredBy ? ` bởi ${item.answeredBy}` : ''}${item.answeredAt ? ` · ${fmtDateTime(item.answeredAt)}` : ''}`), h('p', {}, item.answer)));
    }
    if (item.status === 'open' && app.can('canAnswerQuestions')) li.append(answerForm(item));
    return li;
  }

  function answerForm(item) {
    const errs = errorBox();
    const answer = h('textarea', { id: `answer-${item.id}`, rows: 3, maxlength: 4000 });
    const save = h('input', { type: 'checkbox', id: `save-${item.id}` });
    const phrasings = h('textarea', { id: `phr-${item.id}`, rows: 2 });
    phrasings.value = item.text;
    const phrasingsField = field('Các cách hỏi (mỗi dòng một câu)', phrasings);
    phrasingsField.hidden = true;
    save.addEventListener('change', () => (phrasingsField.hidden = !save.checked));
    const form = h('form', { class: 'stack', novalidate: true, 'aria-label': 'Trả lời câu hỏi' }, errs,
      field('Câu trả lời gửi cho người hỏi', answer),
      app.can('canEditFaq') ? [h('div', { class: 'field check' }, save, h('label', { for: save.id }, 'Lưu thành mục hỏi đáp mới')), phrasingsField] : null,
      h('button', { type: 'submit', class: 'btn primary' }, 'Gửi câu trả lời'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errs.hide();
      const text = answer.value.trim();
      if (!text) return errs.show({ message: 'Nhập câu trả lời.' });
      const body = { answer: text };
      if (save.checked) {
        const questions = phrasings.value.split('\n').map((s) => s.trim()).filter(Boolean);
        if (!questions.length) return errs.show({ message: 'Ghi ít nhất một cách hỏi.' });
        body.saveAsEntry = { questions };
      }
      try {
        await busy(form, () => api(`/questions/${encodeURIComponent(item.id)}/answer`, { method: 'POST', body }));
        announce('Đã gửi câu trả lời.');
        await load();
      } catch (err) {
        errs.show(err);
      }
    });
    return form;
  }

  load();
  return listScreen(state, search, () => clearTimeout(timer));
}
