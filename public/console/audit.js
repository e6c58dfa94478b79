// The audit log (admin): who did what, when; filters in the URL, paging, CSV export.

import { api, qs } from './api.js';
import { h, clear, select, field, fmtDateTime, errorBox } from './dom.js';

const KEYS = ['officerId', 'action', 'targetType', 'targetId', 'from', 'to'];
const ACTIONS = [
  { value: 'tip.', label: 'Mọi thao tác với tin báo' },
  { value: 'tip.read', label: 'Xem tin báo' },
  { value: 'tip.identity', label: 'Xem danh tính người báo tin' },
  { value: 'attachment.read', label: 'Mở tệp đính kèm' },
  { value: 'officer.', label: 'Quản lý cán bộ' },
  { value: 'faq.', label: 'Sửa hỏi đáp' },
  { value: 'quiz.approve', label: 'Duyệt câu hỏi cuộc thi' },
  { value: 'login', label: 'Đăng nhập' },
  { value: 'audit.', label: 'Xem, xuất nhật ký' },
];
const TARGETS = [
  { value: 'tip', label: 'Tin báo' },
  { value: 'officer', label: 'Cán bộ' },
  { value: 'unit', label: 'Đơn vị' },
  { value: 'faq', label: 'Hỏi đáp' },
  { value: 'quiz_question', label: 'Câu hỏi cuộc thi' },
  { value: 'question', label: 'Câu hỏi' },
];

export function mount(main, app, { query }) {
  const filters = Object.fromEntries(KEYS.map((k) => [k, query.get(k) ?? '']));
  const state = { items: [], nextCursor: null, disposed: false };
  document.title = 'Nhật ký – Tin Báo';
  const errors = errorBox();
  const officer = select({ id: 'a-officer' }, [], { empty: 'Mọi cán bộ' });
  const action = h('input', { id: 'a-action', list: 'a-actions', value: filters.action, placeholder: 'ví dụ tip.read hoặc tip.', spellcheck: 'false' });
  const actions = h('datalist', { id: 'a-actions' }, ACTIONS.map((a) => h('option', { value: a.value }, a.label)));
  const targetType = select({ id: 'a-targetType' }, TARGETS, { empty: 'Mọi đối tượng', value: filters.targetType });
  const targetId = h('input', { id: 'a-targetId', value: filters.targetId, spellcheck: 'false' });
  const from = h('input', { id: 'a-from', type: 'date', value: filters.from });
  const to = h('input', { id: 'a-to', type: 'date', value: filters.to });
  const exportLink = h('a', { class: 'btn', download: true }, 'Tải CSV');
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => load(true) }, 'Xem thêm');
  const empty = h('p', { class: 'empty', hidden: true }, 'Không có dòng nhật ký nào khớp.');
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Lọc nhật ký', novalidate: true },
    field('Cán bộ', officer), field('Hành động', action), actions, field('Đối tượng', targetType), field('Mã đối tượng', targetId),
    field('Từ ngày', from), field('Đến ngày', to),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Lọc'), exportLink));
  clear(main).append(h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Nhật ký thao tác')),
    h('p', { class: 'muted' }, 'Mọi thao tác của cán bộ, kể cả việc xem tin báo và xem danh tính người báo tin. Giờ Việt Nam.'),
    form, errors,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Thời điểm', 'Cán bộ', 'Hành động', 'Đối tượng', 'Chi tiết', 'IP'].map((t) => h('th', { scope: 'col' }, t)))), tbody)),
    empty, h('div', { class: 'more' }, more)));

  api('/officers').then(({ items }) => {
    for (const o of items) officer.append(h('option', { value: o.id }, `${o.displayName} (${o.username})`));
    officer.value = filters.officerId;
  }).catch(() => {});

  const current = () => Object.fromEntries(KEYS.map((k) => [k, filters[k]]).filter(([, v]) => v));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(filters, { officerId: officer.value, action: action.value.trim(), targetType: targetType.value, targetId: targetId.value.trim(), from: from.value, to: to.value });
    history.replaceState(null, '', `/console/audit${qs(current())}`);
    load();
  });

  async function load(append = false) {
    errors.hide();
    exportLink.href = `/api/audit/export${qs(current())}`;
    try {
      const page = await api('/audit', { query: { ...current(), limit: 50, cursor: append ? state.nextCursor : undefined } });
      if (state.disposed) return;
      state.items = append ? [...state.items, ...page.items] : page.items;
      state.nextCursor = page.nextCursor;
      clear(tbody);
      for (const e of state.items) tbody.append(row(e));
      more.hidden = !state.nextCursor;
      empty.hidden = state.items.length > 0;
    } catch (err) {
      errors.show(err);
    }
  }

  function row(e) {
    const target = e.targetType === 'tip' && e.targetId
      ? h('a', { href: `/console/tips/${encodeURIComponent(e.targetId)}` }, e.data?.reference ?? e.targetId)
      : [e.targetType, e.targetId].filter(Boolean).join(' ');
    const details = Object.entries(e.data ?? {}).filter(([k]) => k !== 'reference').slice(0, 6).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
    return h('tr', {},
      h('td', { class: 'nowrap' }, fmtDateTime(e.createdAt)),
      h('td', {}, e.officerName ?? h('span', { class: 'muted' }, '—')),
      h('td', {}, h('code', {}, e.action)),
      h('td', {}, target),
      h('td', { class: 'small details' }, details),
      h('td', { class: 'small' }, e.ip ?? ''));
  }

  load();
  return {
    unmount() {
      state.disposed = true;
    },
  };
}
