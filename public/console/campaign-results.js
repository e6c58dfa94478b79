// A campaign's results (/console/campaigns/<id>/results): residents reached, what Zalo reports delivered
// and seen, what they did within 48 h (opt-outs, blocks, tips, the quiz by commune), by channel and
// language, and the same figures as a CSV ("Tải CSV"). Counted in residents, never named.

import { api } from './api.js';
import { h, clear, errorBox, fmtDate } from './dom.js';

const number = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });

function table(cls, headings, rows) {
  return h('div', { class: 'table-wrap' }, h('table', { class: `grid ${cls}` },
    h('thead', {}, h('tr', {}, headings.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map(([name, ...cells]) => h('tr', {}, h('th', { scope: 'row' }, name), cells.map((c) => h('td', {}, typeof c === 'number' ? number.format(c) : c)))))));
}

export function mount(main, _app, { params }) {
  const state = { disposed: false };
  const id = params.id;
  document.title = 'Kết quả chiến dịch – Tin Báo';
  const errors = errorBox();
  const body = h('div', {}, h('p', { class: 'loading' }, 'Đang tải…'));
  clear(main).append(h('section', {}, errors, body));

  async function load() {
    try {
      const r = await api(`/campaigns/${encodeURIComponent(id)}/results`);
      if (state.disposed) return;
      const hrs = r.windowHours;
      document.title = `Kết quả: ${r.campaign.title} – Tin Báo`;
      const sent = r.firstSentAt
        ? `Gửi từ ${fmtDate(r.firstSentAt)}${fmtDate(r.lastSentAt) !== fmtDate(r.firstSentAt) ? ` đến ${fmtDate(r.lastSentAt)}` : ''}.`
        : 'Chưa gửi tin nào.';
      clear(body).append(
        h('div', { class: 'page-head' },
          h('h1', {}, `Kết quả: ${r.campaign.title}`),
          h('a', { class: 'btn', href: `/api/campaigns/${encodeURIComponent(id)}/results.csv`, download: '' }, 'Tải CSV')),
        h('p', { class: 'muted' }, `${r.campaign.topicName} · ${r.campaign.statusLabel}. ${sent}`),
        h('p', { class: 'small muted' }, `Tính theo số người, không có tên người dân. Phản hồi tính trong ${hrs} giờ sau khi tin đến người nhận. Telegram không báo đã nhận, đã xem; Zalo có báo.`),
        table('campaign-figures', ['Chỉ số', 'Số liệu'], [
          ['Người đã nhận tin', r.reach],
          ['Tin đã gửi', r.messagesSent],
          ['Đã nhận (Zalo báo)', r.delivered],
          ['Đã xem (Zalo báo)', r.seen],
          [`Hủy đăng ký trong ${hrs} giờ`, r.optOuts],
          [`Chặn tài khoản trong ${hrs} giờ`, r.blocked],
          ['Không gửi được vì đã chặn từ trước', r.blockedBeforeSending],
          ['Người bấm nút “Báo tin”', r.reportTaps],
          ['Người bấm nút “Làm bài thi”', r.quizTaps],
          [`Tin báo gửi trong ${hrs} giờ`, r.tipsWithin48h],
          [`Người gửi tin báo trong ${hrs} giờ`, r.tipReportersWithin48h],
          [`Người dự thi 19/8 trong ${hrs} giờ`, r.quiz.participants],
          ['Bài thi đã làm xong', r.quiz.finished],
          ['Số câu đúng trung bình', r.quiz.averageScore],
        ]),
        h('h2', {}, 'Theo kênh'),
        table('campaign-channels', ['Kênh', 'Người đã nhận tin', 'Đã nhận', 'Đã xem', 'Hủy đăng ký'], r.byChannel.map((g) => [g.channelName, g.reach, g.delivered, g.seen, g.optOuts])),
        h('h2', {}, 'Theo ngôn ngữ'),
        table('campaign-languages', ['Ngôn ngữ', 'Người đã nhận tin', 'Đã nhận', 'Đã xem', 'Hủy đăng ký'], r.byLanguage.map((g) => [g.languageName, g.reach, g.delivered, g.seen, g.optOuts])),
        h('h2', {}, 'Cuộc thi 19/8 theo xã, phường'),
        r.quiz.byCommune.length
          ? table('campaign-quiz', ['Xã, phường', 'Người dự thi', 'Đã làm xong', 'Số câu đúng trung bình'], r.quiz.byCommune.map((c) => [c.communeName, c.participants, c.finished, c.averageScore]))
          : h('p', { class: 'empty' }, `Chưa có người nhận tin nào dự thi trong ${hrs} giờ sau khi nhận.`));
    } catch (err) {
      clear(body);
      errors.show(err);
    }
  }

  load();
  return { unmount() { state.disposed = true; } };
}
