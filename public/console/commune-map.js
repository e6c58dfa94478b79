// The commune map (issue 13): outlines from /api/reports/map drawn as inline SVG with DOM methods (no markup from
// data), a sequential palette with a legend in numbers, the count written on each commune that has tips, every
// commune focusable with its name and figures on hover and focus, Enter or click opens the queue for it.

import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Light to dark, one per legend range (the first is "0"). */
const PALETTE = ['#f3f5f8', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
const NO_FIGURE = '#ffffff';

function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  for (const kid of kids) if (kid != null) el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return el;
}

const num = (n, digits = 0) => Number(n).toLocaleString('vi-VN', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "Xã Ba Tơ: 12 tin" (+ ", 0,3 tin trên 1.000 dân" when that is the measure). */
export function communeLabel(c, measure) {
  const base = `${c.name}: ${num(c.tips)} tin`;
  if (measure !== 'per1000') return base;
  return c.per1000 == null ? `${base}, chưa có số dân` : `${base}, ${num(c.per1000, 1)} tin trên 1.000 dân`;
}

/**
 * @param {object} data the /api/reports/map answer
 * @param {{ queueUrl(code: string): string, navigate(url: string): void }} opts
 */
export function drawCommuneMap(data, opts) {
  const measure = data.measure;
  const colour = (c) => (c.band == null ? NO_FIGURE : PALETTE[Math.min(c.band, PALETTE.length - 1)]);
  const tip = h('div', { class: 'map-tip', role: 'status', 'aria-live': 'polite', hidden: true });
  const svg = s('svg', { viewBox: `0 0 ${data.width} ${data.height}`, class: 'commune-map', role: 'group', 'aria-label': `Bản đồ ${data.communes.length} xã, phường theo ${measure === 'per1000' ? 'số tin trên 1.000 dân' : 'số tin báo'}` });
  const shapes = s('g', { class: 'communes' });
  const numbers = s('g', { class: 'commune-numbers', 'aria-hidden': 'true' });

  const show = (c, el) => {
    const lines = [
      h('strong', {}, c.name),
      h('span', {}, `${num(c.tips)} tin · ${num(c.open)} đang xử lý`),
      c.population ? h('span', {}, `${num(c.population)} dân · ${num(c.per1000, 1)} tin/1.000 dân`) : null,
      h('small', {}, 'Bấm hoặc Enter: mở danh sách tin của xã này'),
    ];
    tip.replaceChildren(...lines.filter(Boolean));
    tip.hidden = false;
    // Above the commune (so it stays visible), or below it near the top edge.
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const x = ((c.x - vb.x) / vb.width) * box.width;
    const y = ((c.y - vb.y) / vb.height) * box.height;
    const above = y - tip.offsetHeight - 16;
    tip.style.left = `${Math.round(Math.max(0, Math.min(x - tip.offsetWidth / 2, box.width - tip.offsetWidth)))}px`;
    tip.style.top = `${Math.round(above >= 0 ? above : y + 16)}px`;
    for (const other of shapes.querySelectorAll('.active')) other.classList.remove('active');
    el.classList.add('active');
  };
  const hide = (el) => {
    tip.hidden = true;
    el.classList.remove('active');
  };

  for (const c of data.communes) {
    const label = communeLabel(c, measure);
    const path = s('path', { d: c.path, fill: colour(c), tabindex: '0', role: 'link', 'aria-label': label, 'data-code': c.code, class: c.band == null ? 'no-figure' : null });
    path.append(s('title', {}, label));
    path.addEventListener('mouseenter', () => show(c, path));
    path.addEventListener('focus', () => show(c, path));
    path.addEventListener('mouseleave', () => hide(path));
    path.addEventListener('blur', () => hide(path));
    path.addEventListener('click', () => opts.navigate(opts.queueUrl(c.code)));
    path.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        opts.navigate(opts.queueUrl(c.code));
      }
    });
    shapes.append(path);
    if (c.tips > 0) numbers.append(s('text', { x: c.x, y: c.y + 4, 'text-anchor': 'middle', class: (c.band ?? 0) >= 3 ? 'on-dark' : null }, num(c.tips)));
  }
  const pins = s('g', { class: 'pins', 'aria-hidden': 'true' });
  for (const p of data.pins) pins.append(s('circle', { cx: p.x, cy: p.y, r: p.urgent ? 4.5 : 3.2, class: p.urgent ? 'pin urgent' : 'pin' }, s('title', {}, p.reference)));
  svg.append(shapes, numbers, pins);

  const legend = h('ul', { class: 'map-legend', 'aria-label': 'Chú giải' },
    data.legend.map((b, i) => h('li', {},
      h('span', { class: `swatch band-${Math.min(i, PALETTE.length - 1)}` }),
      `${b.label} ${measure === 'per1000' ? 'tin/1.000 dân' : 'tin'}`,
      h('span', { class: 'muted' }, ` (${num(b.communes)} xã, phường)`))),
    measure === 'per1000' && data.communes.some((c) => c.band == null) ? h('li', {}, h('span', { class: 'swatch none' }), 'Chưa có số dân') : null,
    data.pins.length ? h('li', {}, h('span', { class: 'swatch pin-key' }), `Vị trí tin báo (${num(data.pins.length)}${data.pinsTotal > data.pins.length ? ` trên ${num(data.pinsTotal)}, mới nhất` : ''})`) : null,
  );
  return h('div', { class: 'map-wrap' }, h('div', { class: 'map-canvas' }, svg, tip), legend);
}

/**
 * Opens the map on some communes (a unit's), with room around them; a button goes back to the whole province.
 * Call once the map is in the page (it measures the paths).
 */
export function focusCommunes(wrap, codes, data) {
  const svg = wrap.querySelector('svg.commune-map');
  const paths = codes.map((c) => svg.querySelector(`path[data-code="${CSS.escape(c)}"]`)).filter(Boolean);
  if (!paths.length) return;
  const boxes = paths.map((p) => p.getBBox());
  const x0 = Math.min(...boxes.map((b) => b.x));
  const y0 = Math.min(...boxes.map((b) => b.y));
  const x1 = Math.max(...boxes.map((b) => b.x + b.width));
  const y1 = Math.max(...boxes.map((b) => b.y + b.height));
  // At least a quarter of the province wide, in the map's proportions, centred on the unit.
  const w = Math.max((x1 - x0) * 1.8, ((y1 - y0) * 1.8 * data.width) / data.height, data.width / 4);
  const hgt = (w * data.height) / data.width;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const zoomed = `${Math.round(cx - w / 2)} ${Math.round(cy - hgt / 2)} ${Math.round(w)} ${Math.round(hgt)}`;
  const whole = `0 0 ${data.width} ${data.height}`;
  svg.setAttribute('viewBox', zoomed);
  svg.classList.add('zoomed');
  const button = h('button', { type: 'button', class: 'btn small map-zoom' }, 'Xem cả tỉnh');
  button.addEventListener('click', () => {
    const out = svg.getAttribute('viewBox') === zoomed;
    svg.setAttribute('viewBox', out ? whole : zoomed);
    svg.classList.toggle('zoomed', !out);
    button.textContent = out ? 'Phóng vào đơn vị' : 'Xem cả tỉnh';
  });
  wrap.querySelector('.map-legend')?.append(h('li', {}, button));
}

/**
 * The communes' figures as a table, most tips first; each name opens the queue for it. Communes without tips are
 * named in one line under it (a table of 90 zero rows hides the few that matter).
 */
export function communeTable(data, opts) {
  const all = [...data.communes, ...data.withoutBoundary.map((c) => ({ ...c, open: null, population: null, per1000: null }))].sort((a, b) => b.tips - a.tips || a.name.localeCompare(b.name, 'vi'));
  const rows = all.filter((c) => c.tips > 0);
  const none = all.filter((c) => c.tips === 0);
  const withPeople = data.per1000.available;
  const table = h('table', { class: 'data-table map-table' },
    h('caption', {}, 'Số tin báo theo xã, phường'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Xã, phường'),
      h('th', { scope: 'col', class: 'num' }, 'Số tin'),
      h('th', { scope: 'col', class: 'num' }, 'Đang xử lý'),
      withPeople ? h('th', { scope: 'col', class: 'num' }, 'Số dân') : null,
      withPeople ? h('th', { scope: 'col', class: 'num' }, 'Tin/1.000 dân') : null)),
    h('tbody', {}, rows.map((c) => h('tr', { dataset: { code: c.code } },
      h('th', { scope: 'row' }, h('a', { href: opts.queueUrl(c.code) }, c.name)),
      h('td', { class: 'num' }, num(c.tips)),
      h('td', { class: 'num' }, c.open == null ? '—' : num(c.open)),
      withPeople ? h('td', { class: 'num' }, c.population == null ? '—' : num(c.population)) : null,
      withPeople ? h('td', { class: 'num' }, c.per1000 == null ? '—' : num(c.per1000, 1)) : null))),
    h('tfoot', {}, h('tr', {},
      h('th', { scope: 'row' }, data.withoutCommune ? `Cộng (kể cả ${num(data.withoutCommune)} tin chưa rõ xã)` : 'Cộng'),
      h('td', { class: 'num' }, num(data.total)),
      h('td', {}), withPeople ? h('td', {}) : null, withPeople ? h('td', {}) : null)));
  if (!none.length) return table;
  return h('div', {}, table, h('p', { class: 'muted small map-none' }, `Không có tin báo trong kỳ (${none.length} xã, phường): `, none.map((c) => c.name).join(', '), '.'));
}
