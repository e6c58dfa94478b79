// The 19/8 Festival law quiz: the question bank with its approval (admin and outreach lead approve),
// and the results per commune for a period. Residents are asked approved questions only; results
// never name a resident.

import { api, qs } from './api.js';
import { h, clear, field, fmtDateTime, errorBox, announce } from './dom.js';
import { dateField } from './date-input.js';

const TOPICS = { 'bao-tin': 'Báo tin', 'lua-dao': 'Lừa đảo', 'ma-tuy': 'Ma túy', 'an-toan': 'An toàn', 'ngay-hoi': 'Ngày hội 19/8' };
const number = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

export function mount(main, app, { query }) {
  const canApprove = app.can('canApproveQuiz');
  const state = { questions: [], disposed: false };
  document.title = 'Cuộc thi 19/8 – Tin Báo';
  const errors = errorBox();
  const count = h('span', { class: 'count muted' });
  const list = h('ul', { class: 'cards quiz-list' });
  const fromField = dateField('Từ ngày', { id: 'qz-from', value: query.get('from') ?? '' });
  const toField = dateField('Đến ngày', { id: 'qz-to', value: query.get('to') ?? '' });
  const from = fromField.input;
  const to = toField.input;
  /** The period as YYYY-MM-DD, or null when a date is not a date (its field says why). */
  const period = () => {
    const [f, t] = [from.isoDate(), to.isoDate()];
    return f === null || t === null ? null : Object.fromEntries([['from', f], ['to', t]].filter(([, v]) => v));
  };
  const tbody = h('tbody');
  const tfoot = h('tfoot');
  const noResults = h('p', { class: 'empty', hidden: true }, 'Chưa có ai dự thi trong khoảng thời gian này.');
  const filter = h('form', { class: 'filters', role: 'search', 'aria-label': 'Lọc kết quả theo ngày', novalidate: true },
    fromField, toField,
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Xem kết quả')));

  clear(main).append(h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Cuộc thi 19/8'), count),
    h('p', { class: 'muted' }, 'Cuộc thi tìm hiểu pháp luật trong khung chat. Người dân chỉ được hỏi những câu đã duyệt. ' +
      (canApprove ? 'Trước khi duyệt, kiểm tra từng ý và từng điều luật được dẫn.' : 'Chỉ quản trị và trưởng nhóm tuyên truyền được duyệt.')),
    errors,
    h('h2', {}, 'Kết quả theo xã, phường'),
    h('p', { class: 'small muted' }, 'Không có tên người dự thi. Số câu đúng trung bình tính trên các bài đã làm xong.'),
    filter,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid quiz-results' },
      h('thead', {}, h('tr', {}, ['Xã, phường', 'Người dự thi', 'Đã làm xong', 'Số câu đúng trung bình'].map((t) => h('th', { scope: 'col' }, t)))),
      tbody, tfoot)),
    noResults,
    h('h2', {}, 'Câu hỏi'),
    list));

  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = period();
    if (!chosen) return;
    history.replaceState(null, '', `/console/quiz${qs(chosen)}`);
    loadResults();
  });

  async function loadQuestions() {
    try {
      const { questions } = await api('/quiz/questions');
      if (state.disposed) return;
      state.questions = questions;
      renderQuestions();
    } catch (err) {
      errors.show(err);
    }
  }

  function renderQuestions() {
    const approved = state.questions.filter((q) => q.approved).length;
    count.textContent = `${approved}/${state.questions.length} câu đã duyệt`;
    clear(list);
    if (!state.questions.length) list.append(h('li', { class: 'empty' }, 'Chưa có câu hỏi nào.'));
    state.questions.forEach((q, i) => list.append(card(q, i + 1)));
  }

  function card(q, n) {
    return h('li', { class: 'card', dataset: { question: q.id } },
      h('div', { class: 'card-head' },
        h('h3', { class: 'h3' }, `Câu ${n}. ${q.question.vi}`),
        h('span', { class: `badge${q.approved ? ' approved' : ' confirm'}` }, q.approved ? 'Đã duyệt' : 'Chưa duyệt')),
      h('ol', { class: 'choices' }, q.choices.map((c, i) => h('li', {}, c.vi, i === q.correct ? h('strong', {}, ' — đáp án đúng') : null))),
      h('p', { class: 'answer-text' }, q.explanation.vi),
      q.source ? h('p', { class: 'small' }, `Nguồn: ${q.source}`) : null,
      h('p', { class: 'small muted' },
        `Chủ đề: ${TOPICS[q.topic] ?? 'khác'}`,
        q.approved ? ` · duyệt bởi ${q.approvedBy ?? 'cán bộ'} lúc ${fmtDateTime(q.approvedAt)}` : ` · ${q.reviewedBy}`,
        q.choices.some((c) => c.hre) || q.question.hre ? ' · có tiếng Hrê' : '', q.choices.some((c) => c.cua) || q.question.cua ? ' · có tiếng Co' : ''),
      canApprove && !q.approved ? h('div', { class: 'row-actions' }, h('button', { type: 'button', class: 'btn small primary', onclick: (e) => approve(q, e.currentTarget) }, 'Duyệt')) : null);
  }

  async function approve(q, button) {
    errors.hide();
    button.disabled = true;
    try {
      const updated = await api(`/quiz/questions/${encodeURIComponent(q.id)}/approve`, { method: 'POST' });
      state.questions = state.questions.map((x) => (x.id === updated.id ? updated : x));
      renderQuestions();
      announce('Đã duyệt câu hỏi.');
    } catch (err) {
      button.disabled = false;
      errors.show(err);
    }
  }

  async function loadResults() {
    try {
      const chosen = period();
      if (!chosen) return;
      const { communes, totals } = await api('/quiz/results', { query: chosen });
      if (state.disposed) return;
      clear(tbody);
      clear(tfoot);
      for (const c of communes) tbody.append(h('tr', {}, h('th', { scope: 'row' }, c.communeName), h('td', {}, number.format(c.participants)), h('td', {}, number.format(c.finished)), h('td', {}, number.format(c.averageScore))));
      if (communes.length) tfoot.append(h('tr', {}, h('th', { scope: 'row' }, 'Tổng'), h('td', {}, number.format(totals.participants)), h('td', {}, number.format(totals.finished)), h('td', {}, number.format(totals.averageScore))));
      noResults.hidden = communes.length > 0;
    } catch (err) {
      errors.show(err);
    }
  }

  loadQuestions();
  loadResults();
  return { unmount() { state.disposed = true; } };
}
