// The dashboard (issue 13): a period and an area kept in the URL (?range=30d, or range=custom&start&end; unit;
// commune), the key figures, charts drawn on the server (SVG parsed with DOMParser and imported, never innerHTML)
// each with the same numbers as a table, the commune map, and outreach. Scoped by the server to what the
// officer may see (a unit officer: their unit).

import { api } from './api.js';
import { h, clear, select, field, errorBox } from './dom.js';
import { drawCommuneMap, communeTable, focusCommunes } from './commune-map.js';

const RANGES = [
  { value: '7d', label: '7 ngày qua' },
  { value: '30d', label: '30 ngày qua' },
  { value: 'month', label: 'Tháng này' },
  { value: 'quarter', label: 'Quý này' },
  { value: 'year', label: 'Năm nay' },
  { value: 'custom', label: 'Chọn ngày' },
];
const DEFAULT_RANGE = '30d';
/** Tables longer than this start folded under their chart. */
const LONG_TABLE = 12;
/** Dashboard keys in the URL; the queue's own keys (communeCode, from, to…) are different on purpose. */
export const DASHBOARD_KEYS = ['range', 'start', 'end', 'unit', 'commune', 'measure'];

/** Today in Vietnam, YYYY-MM-DD. */
function vietnamToday() {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date()).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}
function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);
}

/** The period of a preset, in Vietnam days, ending today. */
export function periodOf(range, today = vietnamToday()) {
  const [y, m] = today.split('-').map(Number);
  switch (range) {
    case '7d': return { from: addDays(today, -6), to: today };
    case 'month': return { from: `${today.slice(0, 7)}-01`, to: today };
    case 'quarter': return { from: `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`, to: today };
    case 'year': return { from: `${y}-01-01`, to: today };
    default: return { from: addDays(today, -29), to: today };
  }
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const dmy = (iso) => (ISO.test(iso ?? '') ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');
/** "5/3/2026", "05/03/2026", "05-03-2026" → "2026-03-05"; null when not a real day. */
export function parseDmy(text) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text ?? '');
  if (!m) return null;
  const iso = `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}
const num = (v) => (typeof v === 'number' ? v.toLocaleString('vi-VN', { maximumFractionDigits: 1 }) : v ?? '');

export function mount(main, app, { query }) {
  const state = {
    range: RANGES.some((r) => r.value === query.get('range')) ? query.get('range') : DEFAULT_RANGE,
    start: query.get('start') ?? '',
    end: query.get('end') ?? '',
    unit: query.get('unit') ?? '',
    commune: query.get('commune') ?? '',
    measure: query.get('measure') === 'per1000' ? 'per1000' : 'tips',
  };
  let disposed = false;
  let seq = 0;
  const province = ['admin', 'duty'].includes(app.officer.role);
  document.title = 'Tổng quan – Tin Báo';
  const errors = errorBox();

  const controls = {
    range: select({ id: 'd-range' }, RANGES, { value: state.range }),
    start: h('input', { id: 'd-start', inputmode: 'numeric', placeholder: 'dd/mm/yyyy', autocomplete: 'off', size: 10 }),
    end: h('input', { id: 'd-end', inputmode: 'numeric', placeholder: 'dd/mm/yyyy', autocomplete: 'off', size: 10 }),
    unit: select({ id: 'd-unit' }, [], { empty: 'Toàn tỉnh' }),
    commune: select({ id: 'd-commune' }, [], { empty: 'Mọi xã, phường' }),
  };
  const form = h('form', { class: 'filters dash-filters', role: 'search', 'aria-label': 'Chọn kỳ và khu vực', novalidate: true },
    field('Kỳ', controls.range),
    field('Từ ngày', controls.start, 'dd/mm/yyyy'),
    field('Đến ngày', controls.end, 'dd/mm/yyyy'),
    province ? field('Đơn vị', controls.unit) : null,
    field('Xã, phường', controls.commune),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Xem')));

  const scopeLine = h('p', { class: 'muted dash-scope', 'aria-live': 'polite' });
  const figures = h('section', { class: 'dash-figures', 'aria-label': 'Số liệu chính' });
  const charts = h('div', { class: 'dash-charts' });
  const mapSection = h('section', { class: 'panel dash-map', 'aria-labelledby': 'map-title' }, h('h2', { id: 'map-title' }, 'Bản đồ xã, phường'), h('p', { class: 'loading' }, 'Đang tải bản đồ…'));
  const outreach = h('section', { class: 'panel dash-outreach', 'aria-labelledby': 'outreach-title' });
  main.append(h('div', { class: 'page-head' }, h('h1', {}, 'Tổng quan')), scopeLine, form, errors, figures, mapSection, charts, outreach);

  function period() {
    if (state.range === 'custom' && ISO.test(state.start) && ISO.test(state.end)) return { from: state.start, to: state.end };
    return periodOf(state.range);
  }
  function showDates() {
    const p = period();
    controls.start.value = dmy(p.from);
    controls.end.value = dmy(p.to);
  }
  function urlQuery() {
    const q = new URLSearchParams();
    if (state.range !== DEFAULT_RANGE) q.set('range', state.range);
    if (state.range === 'custom') {
      q.set('start', state.start);
      q.set('end', state.end);
    }
    if (state.unit) q.set('unit', state.unit);
    if (state.commune) q.set('commune', state.commune);
    if (state.measure !== 'tips') q.set('measure', state.measure);
    const s = q.toString();
    return s ? `?${s}` : '';
  }
  /** The queue with the same period and area (all statuses), optionally one commune. */
  function queueUrl(code) {
    const p = period();
    const q = new URLSearchParams({ statusGroup: 'all', from: p.from, to: p.to });
    if (state.unit) q.set('unitId', state.unit);
    if (code ?? state.commune) q.set('communeCode', code ?? state.commune);
    return `/console/tips?${q}`;
  }

  controls.range.addEventListener('change', () => {
    state.range = controls.range.value;
    if (state.range === 'custom') {
      const p = periodOf(DEFAULT_RANGE);
      state.start = parseDmy(controls.start.value) ?? p.from;
      state.end = parseDmy(controls.end.value) ?? p.to;
    }
    apply();
  });
  for (const input of [controls.start, controls.end]) input.addEventListener('input', () => {
    if (controls.range.value !== 'custom') controls.range.value = 'custom';
  });
  controls.unit.addEventListener('change', () => apply());
  controls.commune.addEventListener('change', () => apply());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });

  function apply() {
    errors.hide();
    state.range = controls.range.value;
    if (state.range === 'custom') {
      const start = parseDmy(controls.start.value);
      const end = parseDmy(controls.end.value);
      if (!start || !end) return errors.show({ message: 'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/11/2026.' });
      if (start > end) return errors.show({ message: 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.' });
      state.start = start;
      state.end = end;
    }
    state.unit = controls.unit.value;
    state.commune = controls.commune.value;
    history.replaceState(null, '', `${location.pathname}${urlQuery()}`);
    load();
  }

  async function loadUnits() {
    if (!province) return;
    try {
      const units = await api('/units');
      const list = (units.items ?? units).filter((u) => !u.disabled);
      for (const u of list) controls.unit.append(h('option', { value: u.id }, u.name));
      controls.unit.value = state.unit;
    } catch {
      /* the filter stays "Toàn tỉnh" */
    }
  }

  async function load() {
    const mine = ++seq;
    showDates();
    const p = period();
    const area = { from: p.from, to: p.to, unitId: state.unit || undefined };
    figures.replaceChildren(h('p', { class: 'loading' }, 'Đang tính số liệu…'));
    const [board, map] = await Promise.allSettled([
      api('/reports/dashboard', { query: { ...area, communeCode: state.commune || undefined } }),
      api('/reports/map', { query: { ...area, measure: state.measure } }),
    ]);
    if (disposed || mine !== seq) return;
    if (map.status === 'fulfilled') renderMap(map.value);
    else clear(mapSection).append(h('h2', { id: 'map-title' }, 'Bản đồ xã, phường'), h('p', { class: 'error' }, map.reason.message));
    if (board.status === 'fulfilled') renderBoard(board.value);
    else {
      figures.replaceChildren();
      errors.show(board.reason);
    }
  }

  function renderBoard({ summary, charts: list }) {
    const t = summary.tips;
    const p = summary.period;
    const communeName = state.commune ? controls.commune.selectedOptions[0]?.textContent : null;
    scopeLine.textContent = `${summary.scopeName}${communeName ? ` · ${communeName}` : ''} · từ ${dmy(p.from)} đến ${dmy(p.to)} (giờ Việt Nam)`;
    const card = (label, value, extra) => h('div', { class: 'figure-card' }, h('span', { class: 'figure-value' }, num(value)), h('span', { class: 'figure-label' }, label), extra ? h('span', { class: 'muted small' }, extra) : null);
    figures.replaceChildren(
      card('Tin báo trong kỳ', t.total, h('a', { href: queueUrl() }, 'Xem danh sách')),
      card('Tin khẩn', t.urgent),
      card('Đang quá hạn', t.overdueNow, 'mọi tin đang mở, tính đến lúc này'),
      card('Xác nhận trễ hạn', t.acknowledge.late),
      card('Giải quyết trễ hạn', t.settle.late),
      card('Câu hỏi hệ thống tự trả lời', summary.questions.answeredByBot),
    );
    clear(charts).append(...list.map(renderChart));
    renderOutreach(summary.outreach);
  }

  function renderChart(c) {
    const figure = h('figure', { class: 'panel chart', id: `chart-${c.id}`, 'aria-labelledby': `chart-${c.id}-title` });
    const img = h('div', { class: 'chart-img', role: 'img', 'aria-label': c.alt });
    const parsed = new DOMParser().parseFromString(c.svg, 'image/svg+xml');
    if (parsed.documentElement.nodeName === 'svg' && !parsed.querySelector('parsererror')) {
      const svg = document.importNode(parsed.documentElement, true);
      svg.removeAttribute('width');
      svg.removeAttribute('height');
      svg.setAttribute('aria-hidden', 'true');
      img.append(svg);
    } else img.append(h('p', { class: 'muted' }, 'Không vẽ được biểu đồ; số liệu ở bảng dưới.'));
    const table = h('table', { class: 'data-table' },
      h('caption', { class: 'sr-only' }, `Số liệu: ${c.title}`),
      h('thead', {}, h('tr', {}, c.table.head.map((th, i) => h('th', { scope: 'col', class: i ? 'num' : null }, th)))),
      h('tbody', {}, c.table.rows.map((row) => h('tr', {}, row.map((v, i) => (i ? h('td', { class: 'num' }, num(v)) : h('th', { scope: 'row' }, String(v))))))),
      c.table.foot ? h('tfoot', {}, h('tr', {}, c.table.foot.map((v, i) => (i ? h('td', { class: 'num' }, num(v)) : h('th', { scope: 'row' }, String(v)))))) : null);
    // Long tables (a month of days, every commune) start folded so the charts stay in view; short ones are open.
    const long = c.table.rows.length > LONG_TABLE;
    figure.append(h('figcaption', { id: `chart-${c.id}-title` }, h('h2', {}, c.title)), img, h('details', { class: 'chart-table', open: !long }, h('summary', {}, long ? `Bảng số liệu (${c.table.rows.length} dòng)` : 'Bảng số liệu'), table));
    return figure;
  }

  function renderOutreach(o) {
    const rows = [
      ['Chiến dịch đã gửi tin', o.campaigns],
      ['Tin tuyên truyền đã gửi', o.sent],
      ['Người dân nhận được', o.reached],
      ['Gửi không được', o.failed],
      ['Người đăng ký nhận tin (cuối kỳ)', o.subscribers],
      ['Đăng ký mới trong kỳ', o.subscribed],
      ['Hủy đăng ký trong kỳ', o.optedOut],
      ['Lượt thi tìm hiểu pháp luật', o.quiz.attempts],
      ['Người tham gia thi', o.quiz.participants],
      ['Bài thi hoàn thành', o.quiz.completed],
    ];
    clear(outreach).append(
      h('h2', { id: 'outreach-title' }, 'Tuyên truyền và cuộc thi'),
      h('p', { class: 'muted small' }, 'Số liệu toàn tỉnh (tuyên truyền không thuộc riêng đơn vị nào).'),
      h('table', { class: 'data-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Chỉ số'), h('th', { scope: 'col', class: 'num' }, 'Số lượng'))),
        h('tbody', {}, rows.map(([label, v]) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, num(v)))))));
  }

  function renderMap(data) {
    if (!controls.commune.options.length || controls.commune.options.length === 1) {
      for (const c of [...data.communes, ...data.withoutBoundary].sort((a, b) => a.name.localeCompare(b.name, 'vi'))) controls.commune.append(h('option', { value: c.code }, c.name));
      controls.commune.value = state.commune;
    }
    const heading = h('h2', { id: 'map-title' }, 'Bản đồ xã, phường');
    if (!data.communes.length) {
      clear(mapSection).append(heading, h('p', { class: 'notice' }, 'Chưa có ranh giới xã, phường. Quản trị hệ thống nhập bằng lệnh units:import (xem hướng dẫn cài đặt).'));
      return;
    }
    const choice = (value, label, disabled, reason) => {
      const id = `measure-${value}`;
      const input = h('input', { type: 'radio', name: 'measure', id, value, checked: data.measure === value, disabled, 'aria-describedby': reason ? `${id}-why` : null });
      input.addEventListener('change', () => {
        state.measure = value;
        history.replaceState(null, '', `${location.pathname}${urlQuery()}`);
        api('/reports/map', { query: { from: period().from, to: period().to, unitId: state.unit || undefined, measure: value } }).then((m) => !disposed && renderMap(m), (err) => errors.show(err));
      });
      return h('span', { class: 'measure-choice' }, input, h('label', { for: id }, label), reason ? h('small', { id: `${id}-why`, class: 'muted' }, ` – ${reason}`) : null);
    };
    const measures = h('fieldset', { class: 'measures' }, h('legend', {}, 'Tô màu theo'),
      choice('tips', 'Số tin báo', false, null),
      choice('per1000', 'Số tin trên 1.000 dân', !data.per1000.available, data.per1000.reason));
    const opts = { queueUrl, navigate: (url) => app.navigate(url) };
    const withTips = data.communes.filter((c) => c.tips > 0).length + data.withoutBoundary.filter((c) => c.tips > 0).length;
    const drawn = drawCommuneMap(data, opts);
    clear(mapSection).append(heading, measures, drawn,
      h('details', { class: 'chart-table', open: true }, h('summary', {}, `Bảng số liệu theo xã, phường (${withTips} nơi có tin)`), communeTable(data, opts)));
    if (data.focus?.length) focusCommunes(drawn, data.focus, data);
    requestAnimationFrame(() => performance.mark('tb:map-drawn'));
  }

  showDates();
  loadUnits().then(() => !disposed && load());
  return {
    unmount() {
      disposed = true;
    },
  };
}
