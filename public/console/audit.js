// The audit log (admin): who did what, when, as one Vietnamese sentence per row; the stored codes
// only behind "Chi tiết". Filters in the URL, paging, CSV export.

import { api, qs } from './api.js';
import { h, clear, select, field, errorBox } from './dom.js';
import { dateField } from './date-input.js';

const KEYS = ['officerId', 'action', 'targetType', 'targetId', 'from', 'to'];
const ACTIONS = [
  { value: 'tip.', label: 'Mọi thao tác với tin báo' },
  { value: 'tip.read', label: 'Xem tin báo' },
  { value: 'tip.identity_reveal', label: 'Xem danh tính người báo tin' },
  { value: 'tip.identity_file', label: 'Nghe, xem tệp danh tính người báo tin' },
  { value: 'tip.print', label: 'In hồ sơ tin báo' },
  { value: 'tip.export', label: 'Tải danh sách tin báo (Excel, CSV)' },
  { value: 'report.export', label: 'Tải, in báo cáo định kỳ' },
  { value: 'attachment.read', label: 'Mở tệp đính kèm' },
  { value: 'officer.', label: 'Quản lý cán bộ' },
  { value: 'faq.', label: 'Sửa hỏi đáp' },
  { value: 'quiz.approve', label: 'Duyệt câu hỏi cuộc thi' },
  { value: 'question.answer', label: 'Trả lời câu hỏi của người dân' },
  { value: 'auth.', label: 'Đăng nhập, đăng xuất, đổi mật khẩu' },
  { value: 'unit.', label: 'Quản lý đơn vị' },
  { value: 'campaign.', label: 'Tuyên truyền' },
  { value: 'audit.', label: 'Xem, xuất nhật ký' },
];
const TARGETS = [
  { value: 'tip', label: 'Tin báo' },
  { value: 'officer', label: 'Cán bộ' },
  { value: 'unit', label: 'Đơn vị' },
  { value: 'faq', label: 'Hỏi đáp' },
  { value: 'quiz_question', label: 'Câu hỏi cuộc thi' },
  { value: 'question', label: 'Câu hỏi' },
  { value: 'campaign', label: 'Chiến dịch tuyên truyền' },
  { value: 'login', label: 'Tên đăng nhập' },
];

export function mount(main, app, { query }) {
  const filters = Object.fromEntries(KEYS.map((k) => [k, query.get(k) ?? '']));
  const state = { items: [], nextCursor: null, disposed: false };
  document.title = 'Nhật ký – Tin Báo';
  const errors = errorBox();
  const officer = select({ id: 'a-officer' }, [], { empty: 'Mọi cán bộ' });
  const known = ACTIONS.some((a) => a.value === filters.action);
  const action = select({ id: 'a-action' }, known || !filters.action ? ACTIONS : [...ACTIONS, { value: filters.action, label: 'Thao tác khác (từ đường dẫn)' }], { empty: 'Mọi việc', value: filters.action });
  const targetType = select({ id: 'a-targetType' }, TARGETS, { empty: 'Mọi đối tượng', value: filters.targetType });
  const targetId = h('input', { id: 'a-targetId', value: filters.targetId, spellcheck: 'false' });
  const fromField = dateField('Từ ngày', { id: 'a-from', value: filters.from });
  const toField = dateField('Đến ngày', { id: 'a-to', value: filters.to });
  const from = fromField.input;
  const to = toField.input;
  const exportLink = h('a', { class: 'btn', download: true }, 'Tải CSV');
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => load(true) }, 'Xem thêm');
  const empty = h('p', { class: 'empty', hidden: true }, 'Không có dòng nhật ký nào khớp.');
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Lọc nhật ký', novalidate: true },
    field('Cán bộ', officer), field('Việc đã làm', action), field('Đối tượng', targetType),
    fromField, toField,
    h('details', { class: 'advanced', open: filters.targetId ? true : null }, h('summary', {}, 'Lọc theo mã (quản trị)'), field('Mã đối tượng', targetId)),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Lọc'), exportLink));
  clear(main).append(h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Nhật ký thao tác')),
    h('p', { class: 'muted' }, 'Mọi thao tác của cán bộ, kể cả việc xem tin báo và xem danh tính người báo tin. Giờ Việt Nam.'),
    form, errors,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Việc đã làm', 'Chi tiết'].map((t) => h('th', { scope: 'col' }, t)))), tbody)),
    empty, h('div', { class: 'more' }, more)));

  api('/officers').then(({ items }) => {
    for (const o of items) officer.append(h('option', { value: o.id }, `${o.displayName} (${o.username})`));
    officer.value = filters.officerId;
  }).catch(() => {});

  const current = () => Object.fromEntries(KEYS.map((k) => [k, filters[k]]).filter(([, v]) => v));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const [fromDay, toDay] = [from.isoDate(), to.isoDate()];
    if (fromDay === null || toDay === null) return;
    Object.assign(filters, { officerId: officer.value, action: action.value, targetType: targetType.value, targetId: targetId.value.trim(), from: fromDay, to: toDay });
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
    const ref = e.targetType === 'tip' ? e.data?.reference : null;
    const sentence = ref && e.sentence.includes(ref)
      ? [e.sentence.slice(0, e.sentence.indexOf(ref)), h('a', { href: `/console/tips/${encodeURIComponent(e.targetId)}` }, ref), e.sentence.slice(e.sentence.indexOf(ref) + ref.length)]
      : e.sentence;
    const raw = [
      ['Mã thao tác', e.action],
      ['Đối tượng', [e.targetType, e.targetId].filter(Boolean).join(' ')],
      ['Dữ liệu', Object.keys(e.data ?? {}).length ? JSON.stringify(e.data) : ''],
      ['Địa chỉ IP', e.ip ?? ''],
      ['Số dòng', String(e.id)],
    ].filter(([, v]) => v);
    return h('tr', {},
      h('td', { class: 'sentence' }, sentence),
      h('td', { class: 'small details' }, h('details', {}, h('summary', {}, 'Chi tiết'),
        h('dl', { class: 'raw' }, raw.map(([k, v]) => [h('dt', {}, k), h('dd', {}, h('code', {}, v))])))));
  }

  load();
  return {
    unmount() {
      state.disposed = true;
    },
  };
}
