// "Tiến độ đợt cao điểm 19/8": the peak period's figures (1/8–30/9) at the days the province reports on,
// the 15th and the last day of August and September, each counted from 1/8 to the end of that day.

import { api, qs } from './api.js';
import { h, clear, field, errorBox } from './dom.js';

const number = new Intl.NumberFormat('vi-VN');

const ROWS = [
  ['subscribers', 'Người đang đăng ký nhận tin (cuối ngày)'],
  ['newSubscriptions', 'Người đăng ký mới từ 01/08'],
  ['campaignsSent', 'Chiến dịch đã gửi'],
  ['messagesSent', 'Tin đã gửi'],
  ['reach', 'Người đã nhận tin'],
  ['optOuts', 'Người hủy đăng ký'],
  ['quizParticipants', 'Người dự thi 19/8'],
  ['quizFinished', 'Bài thi đã làm xong'],
  ['tips', 'Tin báo của người dân (mọi kênh)'],
];

function vietnamYear() {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(new Date()));
}

export function mount(main, _app, { query }) {
  const state = { disposed: false };
  document.title = 'Tiến độ đợt cao điểm 19/8 – Tin Báo';
  const errors = errorBox();
  const year = h('input', { id: 'pg-year', type: 'number', min: '2020', max: '2100', step: '1', inputmode: 'numeric', value: query.get('year') ?? String(vietnamYear()) });
  const period = h('p', { class: 'muted' });
  const thead = h('thead');
  const tbody = h('tbody');
  const form = h('form', { class: 'filters', 'aria-label': 'Chọn năm', novalidate: true },
    field('Năm', year),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Xem')));

  clear(main).append(h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Tiến độ đợt cao điểm 19/8')),
    period,
    h('p', { class: 'small muted' }, 'Mỗi cột tính từ ngày 01/08 đến hết ngày báo cáo (giờ Việt Nam); riêng số người đang đăng ký là số tại cuối ngày đó. Không có tên người dân.'),
    errors,
    form,
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid peak-progress' }, thead, tbody))));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    history.replaceState(null, '', `/console/outreach-progress${qs({ year: year.value })}`);
    load();
  });

  async function load() {
    errors.hide();
    try {
      const p = await api('/outreach/progress', { query: { year: year.value } });
      if (state.disposed) return;
      const [fy, fm, fd] = p.from.split('-');
      const [ty, tm, td] = p.to.split('-');
      period.textContent = `Đợt cao điểm năm ${p.year}: từ ${fd}/${fm}/${fy} đến ${td}/${tm}/${ty}.`;
      clear(thead).append(h('tr', {}, h('th', { scope: 'col' }, 'Chỉ tiêu'), p.checkpoints.map((c) => h('th', { scope: 'col' }, c.label))));
      clear(tbody);
      tbody.append(h('tr', { class: 'muted' }, h('th', { scope: 'row' }, 'Số liệu'), p.checkpoints.map((c) => h('td', {}, c.reached ? 'Đã chốt' : 'Tạm tính'))));
      for (const [key, label] of ROWS) {
        tbody.append(h('tr', { dataset: { figure: key } }, h('th', { scope: 'row' }, label), p.checkpoints.map((c) => h('td', {}, number.format(c[key])))));
      }
    } catch (err) {
      errors.show(err);
    }
  }

  load();
  return { unmount() { state.disposed = true; } };
}
