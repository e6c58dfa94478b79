// Period reports ("Báo cáo"): choose the period (and the unit, for the province desks), then download the report
// as Excel or CSV, or open the A4 print view. The figures come from /api/reports/summary; the files are built by the
// server from the same numbers. Period and unit are kept in the URL.

import { api, qs } from './api.js';
import { dateField } from './date-input.js';
import { h, clear, select, field, errorBox } from './dom.js';

const DAY = 86_400_000;

/** Today in Vietnam, YYYY-MM-DD. */
function vietnamToday() {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function dmy(day) {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

/** Quick choices leaders report on: the first and the second half of the year, the whole year, last month. */
function presets(today) {
  const y = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const lastMonthEnd = new Date(Date.UTC(y, month - 1, 0));
  const lastMonthStart = new Date(Date.UTC(lastMonthEnd.getUTCFullYear(), lastMonthEnd.getUTCMonth(), 1));
  const iso = (d) => d.toISOString().slice(0, 10);
  return [
    { label: 'Tháng trước', from: iso(lastMonthStart), to: iso(lastMonthEnd) },
    { label: `6 tháng đầu năm ${y}`, from: `${y}-01-01`, to: `${y}-06-30` },
    { label: `6 tháng cuối năm ${y - 1}`, from: `${y - 1}-07-01`, to: `${y - 1}-12-31` },
    { label: `Năm ${y}`, from: `${y}-01-01`, to: `${y}-12-31` },
    { label: `Năm ${y - 1}`, from: `${y - 1}-01-01`, to: `${y - 1}-12-31` },
  ];
}

export function mount(main, app, { query }) {
  document.title = 'Báo cáo – Tin Báo';
  const today = vietnamToday();
  const state = { from: query.get('from') || `${today.slice(0, 4)}-01-01`, to: query.get('to') || today, unitId: query.get('unitId') || '', disposed: false };
  const province = ['admin', 'duty'].includes(app.officer.role);
  const errors = errorBox();
  const fromField = dateField('Từ ngày', { id: 'r-from', value: state.from, required: true });
  const toField = dateField('Đến ngày', { id: 'r-to', value: state.to, required: true });
  const from = fromField.input;
  const to = toField.input;
  const unit = select({ id: 'r-unit' }, [], { empty: 'Toàn tỉnh' });
  const quick = h('div', { class: 'presets', role: 'group', 'aria-label': 'Chọn nhanh kỳ báo cáo' },
    presets(today).map((p) => h('button', { type: 'button', class: 'btn small', onclick: () => { from.setIsoDate(p.from); to.setIsoDate(p.to); apply(); } }, p.label)));
  const xlsx = h('a', { class: 'btn primary', id: 'report-xlsx', download: '' }, 'Tải Excel');
  const csv = h('a', { class: 'btn', id: 'report-csv', download: '' }, 'Tải CSV');
  const print = h('a', { class: 'btn', id: 'report-print', target: '_blank', rel: 'noopener' }, 'In báo cáo');
  const links = h('div', { class: 'report-links' }, xlsx, csv, print);
  const status = h('p', { class: 'report-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'filters', 'aria-label': 'Kỳ báo cáo', novalidate: true },
    fromField, toField, province ? field('Đơn vị', unit) : null,
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn' }, 'Xem số liệu')));
  clear(main).append(h('section', { class: 'reports' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Báo cáo')),
    h('p', { class: 'muted' }, 'Báo cáo tiếp nhận, xử lý tin báo theo kỳ: theo lĩnh vực, xã, kênh, kết quả, thời gian giải quyết; câu hỏi; tuyên truyền và cuộc thi; so với kỳ trước và cùng kỳ năm trước. Ngày tính theo giờ Việt Nam, tối đa 366 ngày.'),
    quick, form, errors, status, links));

  if (province) {
    api('/units').then(({ items }) => {
      for (const u of items.filter((x) => !x.disabled)) unit.append(h('option', { value: u.id }, u.name));
      unit.value = state.unitId;
    }).catch(() => {});
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  form.addEventListener('change', () => apply());

  function setLinks(enabled) {
    const params = qs({ from: state.from, to: state.to, unitId: state.unitId });
    for (const [a, path] of [[xlsx, 'period.xlsx'], [csv, 'period.csv'], [print, 'period.html']]) {
      if (enabled) a.href = `/api/reports/${path}${params}`;
      else a.removeAttribute('href');
      a.setAttribute('aria-disabled', String(!enabled));
    }
  }

  function problem() {
    if (!state.from || !state.to) return 'Hãy chọn đủ ngày bắt đầu và ngày kết thúc.';
    if (state.from > state.to) return 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.';
    if ((Date.parse(state.to) - Date.parse(state.from)) / DAY + 1 > 366) return 'Một báo cáo dài tối đa 366 ngày. Hãy chia thành từng năm (hoặc 6 tháng).';
    return null;
  }

  async function apply() {
    Object.assign(state, { from: from.isoDate() ?? '', to: to.isoDate() ?? '', unitId: province ? unit.value : '' });
    history.replaceState(null, '', `/console/reports${qs({ from: state.from, to: state.to, unitId: state.unitId })}`);
    errors.hide();
    const wrong = problem();
    setLinks(!wrong);
    if (wrong) {
      status.textContent = '';
      errors.show(new Error(wrong));
      return;
    }
    status.textContent = 'Đang tính số liệu…';
    try {
      const s = await api('/reports/summary', { query: { from: state.from, to: state.to, unitId: state.unitId } });
      if (state.disposed) return;
      status.textContent = `${s.scopeName}, từ ${dmy(s.period.from)} đến ${dmy(s.period.to)}: ${s.tips.total.toLocaleString('vi-VN')} tin báo, ${s.tips.funnel.settled.toLocaleString('vi-VN')} đã giải quyết xong.`;
    } catch (err) {
      if (state.disposed) return;
      status.textContent = '';
      setLinks(false);
      errors.show(err);
    }
  }

  apply();
  return {
    unmount() {
      state.disposed = true;
    },
  };
}
