// The tip queue: filters in the URL, a table with deadline clocks, live updates, j/k/Enter.

import { api, qs } from './api.js';
import { h, clear, select, field, fmtAge, fmtDateTime, clock, announce, errorBox } from './dom.js';
import { dateField } from './date-input.js';

const FILTERS = ['q', 'statusGroup', 'status', 'category', 'urgent', 'communeCode', 'unitId', 'channel', 'language', 'from', 'to', 'assignee', 'overdue'];
const PAGE = 50;

/** When the officer last opened a tip (this browser): a reporter message after that is "new". */
export function markSeen(tipId) {
  try {
    localStorage.setItem(`tb:seen:${tipId}`, new Date().toISOString());
  } catch {
    /* private mode */
  }
}
function seenAt(tipId) {
  try {
    return localStorage.getItem(`tb:seen:${tipId}`);
  } catch {
    return null;
  }
}

export function mount(main, app, { query }) {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? '']));
  const state = { items: [], nextCursor: null, selected: null, fresh: new Set(), loading: false, disposed: false, pendingCreated: new Set() };
  const errors = errorBox();
  document.title = 'Tin báo – Tin Báo';

  // ----- filters -----
  const meta = app.meta;
  const statuses = meta.statuses ?? [];
  const fromField = dateField('Từ ngày', { id: 'f-from', value: filters.from });
  const toField = dateField('Đến ngày', { id: 'f-to', value: filters.to });
  const controls = {
    q: h('input', { id: 'q', type: 'search', value: filters.q, placeholder: 'Nội dung, địa điểm hoặc mã tin (có dấu hay không đều được)', autocomplete: 'off', 'aria-keyshortcuts': '/' }),
    statusGroup: select({ id: 'f-statusGroup' }, [
      { value: 'open', label: 'Đang xử lý' },
      { value: 'closed', label: 'Đã kết thúc' },
      { value: 'all', label: 'Tất cả' },
    ], { value: filters.statusGroup || 'open' }),
    status: select({ id: 'f-status' }, statuses, { empty: 'Mọi trạng thái', value: filters.status }),
    category: select({ id: 'f-category' }, meta.categories ?? [], { empty: 'Mọi loại', value: filters.category }),
    urgent: select({ id: 'f-urgent' }, [{ value: 'true', label: 'Chỉ tin khẩn' }, { value: 'false', label: 'Không khẩn' }], { empty: 'Tất cả', value: filters.urgent }),
    communeCode: select({ id: 'f-communeCode' }, [], { empty: 'Mọi xã, phường' }),
    unitId: select({ id: 'f-unitId' }, [], { empty: 'Mọi đơn vị' }),
    channel: select({ id: 'f-channel' }, meta.channels ?? [], { empty: 'Mọi kênh', value: filters.channel }),
    language: select({ id: 'f-language' }, meta.languages ?? [], { empty: 'Mọi ngôn ngữ', value: filters.language }),
    from: fromField.input,
    to: toField.input,
    assignee: select({ id: 'f-assignee' }, [{ value: 'me', label: 'Của tôi' }, { value: 'none', label: 'Chưa giao ai' }], { empty: 'Mọi cán bộ', value: filters.assignee }),
    overdue: h('input', { id: 'f-overdue', type: 'checkbox', checked: filters.overdue === 'true' }),
  };
  const filterForm = h('form', { class: 'filters', role: 'search', 'aria-label': 'Lọc tin báo', novalidate: true },
    h('div', { class: 'field grow' }, h('label', { for: 'q' }, 'Tìm kiếm'), controls.q),
    field('Nhóm', controls.statusGroup),
    field('Trạng thái', controls.status),
    field('Loại tin', controls.category),
    field('Mức độ', controls.urgent),
    field('Xã, phường', controls.communeCode),
    app.officer.unitId && !['admin', 'duty'].includes(app.officer.role) ? null : field('Đơn vị', controls.unitId),
    field('Kênh', controls.channel),
    field('Ngôn ngữ', controls.language),
    fromField,
    toField,
    field('Cán bộ phụ trách', controls.assignee),
    h('div', { class: 'field check' }, controls.overdue, h('label', { for: 'f-overdue' }, 'Chỉ tin quá hạn')),
    h('div', { class: 'field actions' },
      h('button', { type: 'submit', class: 'btn primary' }, 'Lọc'),
      h('button', { type: 'button', class: 'btn', onclick: () => { for (const k of FILTERS) filters[k] = ''; app.navigate('/console/tips'); } }, 'Xóa bộ lọc')));

  const count = h('span', { class: 'count muted', 'aria-live': 'polite' });
  // A unit-scoped account without a unit sees no tip at all: say why instead of an empty list.
  const needsUnit = !app.officer.unitId && (meta.roles ?? []).some((r) => r.value === app.officer.role && r.needsUnit);
  const noUnit = needsUnit ? h('div', { class: 'notice warn', role: 'note', id: 'no-unit' },
    h('p', {}, h('strong', {}, 'Tài khoản của bạn chưa thuộc đơn vị nào, nên chưa thấy tin báo nào.')),
    h('p', {}, `Vai trò «${app.label('roles', app.officer.role)}» chỉ xem tin báo của đơn vị mình. Hãy báo quản trị hệ thống chọn đơn vị cho tài khoản của bạn (màn hình «Cán bộ»), rồi tải lại trang này.`)) : null;
  // Downloads of the current filter (the same rows as the queue, without the reporter's identity).
  const xlsxLink = h('a', { class: 'btn', id: 'export-xlsx', download: '' }, 'Tải Excel');
  const csvLink = h('a', { class: 'btn', id: 'export-csv', download: '' }, 'Tải CSV');
  const capNote = h('span', { class: 'muted small', hidden: true });
  const tbody = h('tbody');
  const table = h('table', { class: 'tips' },
    h('caption', { class: 'sr-only' }, 'Danh sách tin báo: tin khẩn trước, rồi hạn gần nhất'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'c-urgent' }, h('span', { class: 'sr-only' }, 'Mức độ')),
      h('th', { scope: 'col' }, 'Tin báo'),
      h('th', { scope: 'col' }, 'Nơi xảy ra'),
      h('th', { scope: 'col' }, 'Trạng thái'),
      h('th', { scope: 'col' }, 'Phụ trách'),
      h('th', { scope: 'col', class: 'c-channel' }, 'Kênh, ngôn ngữ'),
      h('th', { scope: 'col' }, 'Nhận'),
      h('th', { scope: 'col' }, 'Thời hạn'))),
    tbody);
  const empty = h('p', { class: 'empty', hidden: true });
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => load({ append: true }) }, 'Xem thêm');

  clear(main).append(h('section', { class: 'queue' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Tin báo'), count, h('div', { class: 'exports' }, xlsxLink, csvLink, capNote)),
    noUnit, filterForm, errors,
    h('div', { class: 'table-wrap' }, table),
    empty,
    h('div', { class: 'more' }, more)));

  // Lists for the commune, unit and officer filters (best effort: the queue works without them).
  api('/units').then(({ items }) => {
    const communes = new Map();
    for (const u of items) for (const c of u.communes ?? []) communes.set(c.code, c.name ?? c.code);
    const list = [...communes].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, 'vi'));
    for (const c of list) controls.communeCode.append(h('option', { value: c.value }, c.label));
    for (const u of items.filter((x) => !x.disabled)) controls.unitId.append(h('option', { value: u.id }, u.name));
    controls.communeCode.value = filters.communeCode;
    controls.unitId.value = filters.unitId;
  }).catch(() => {});
  // Officers the signed-in one may assign to (admin: all; duty desk: active ones; officer: own unit); 403 for others.
  if (app.can('canAct')) {
    api('/officers').then(({ items }) => {
      for (const o of items.filter((x) => !x.disabled)) controls.assignee.append(h('option', { value: o.id }, o.displayName));
      controls.assignee.value = filters.assignee;
    }).catch(() => {});
  }

  /** False when a date is not a date (its field then says why). */
  function readControls() {
    const from = controls.from.isoDate();
    const to = controls.to.isoDate();
    if (from === null || to === null) return false;
    for (const k of FILTERS) {
      const c = controls[k];
      filters[k] = k === 'overdue' ? (c.checked ? 'true' : '') : c.isoDate ? c.isoDate() : c.value.trim();
    }
    if (filters.statusGroup === 'open') filters.statusGroup = '';
    return true;
  }
  function apply({ replace = false } = {}) {
    if (!readControls()) return;
    const p = new URLSearchParams();
    for (const k of FILTERS) if (filters[k]) p.set(k, filters[k]);
    const search = p.toString() ? `?${p}` : '';
    app.lastQueue = search;
    history[replace ? 'replaceState' : 'pushState'](null, '', `/console/tips${search}`);
    load();
  }
  filterForm.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  filterForm.addEventListener('change', (e) => {
    if (e.target !== controls.q) apply();
  });
  let typingTimer;
  controls.q.addEventListener('input', () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => apply({ replace: true }), 400);
  });

  // ----- loading -----
  function apiQuery(extra = {}) {
    const q = { limit: PAGE, ...extra };
    for (const k of FILTERS) if (filters[k]) q[k] = filters[k];
    if (!q.statusGroup) q.statusGroup = 'open';
    return q;
  }

  async function load({ append = false, keep = false } = {}) {
    if (state.loading && !keep) return;
    state.loading = true;
    errors.hide();
    try {
      const limit = keep ? Math.min(100, Math.max(PAGE, state.items.length)) : PAGE;
      const page = await api('/tips', { query: apiQuery({ limit, cursor: append ? state.nextCursor : undefined }) });
      if (state.disposed) return;
      const before = new Set(state.items.map((t) => t.id));
      if (append) state.items.push(...page.items.filter((t) => !before.has(t.id)));
      else state.items = page.items;
      state.nextCursor = page.nextCursor;
      if (keep) {
        for (const t of page.items) {
          if (!before.has(t.id) && state.pendingCreated.has(t.id)) {
            state.fresh.add(t.id);
            setTimeout(() => {
              state.fresh.delete(t.id);
              tbody.querySelector(`tr[data-id="${CSS.escape(t.id)}"]`)?.classList.remove('fresh');
            }, 6000);
            announce(`Tin báo mới: ${t.reference}, ${app.label('categories', t.category)}${placeOf(t) ? `, ${placeOf(t)}` : ''}.`);
          }
        }
        const unseen = [...state.pendingCreated].filter((id) => !page.items.some((t) => t.id === id));
        if (unseen.length) announce('Có tin báo mới, không nằm trong bộ lọc đang xem.');
        state.pendingCreated.clear();
      }
      render();
      showCount();
    } catch (err) {
      if (!state.disposed) errors.show(err);
    } finally {
      state.loading = false;
    }
  }

  /** "N tin" for the whole filter (not only the pages loaded), and the download links for the same filter. */
  async function showCount() {
    const { limit, ...filter } = apiQuery();
    xlsxLink.href = `/api/tips/export.xlsx${qs(filter)}`;
    csvLink.href = `/api/tips/export.csv${qs(filter)}`;
    try {
      const { count: n, exportMax } = await api('/tips/count', { query: filter });
      if (state.disposed) return;
      count.textContent = `${n.toLocaleString('vi-VN')} tin`;
      for (const link of [xlsxLink, csvLink]) link.title = `Tải ${Math.min(n, exportMax).toLocaleString('vi-VN')} tin đang lọc (không có danh tính người báo tin)`;
      capNote.hidden = n <= exportMax;
      capNote.textContent = `Tệp tải về chỉ gồm ${exportMax.toLocaleString('vi-VN')} tin đầu tiên; hãy lọc hẹp hơn.`;
    } catch {
      /* the pages loaded still show */
    }
  }

  function placeOf(t) {
    return t.communeName || t.placeText || '';
  }

  // ----- rendering -----
  function render() {
    const focusedId = document.activeElement?.closest?.('tr[data-id]')?.dataset.id;
    clear(tbody);
    for (const t of state.items) tbody.append(row(t));
    const n = state.items.length;
    if (!count.textContent) count.textContent = n ? `${n}${state.nextCursor ? '+' : ''} tin` : '';
    empty.hidden = n > 0;
    empty.textContent = needsUnit ? 'Chưa thấy tin báo nào vì tài khoản chưa thuộc đơn vị (xem ở trên).' : Object.values(filters).some(Boolean) ? 'Không có tin báo nào khớp bộ lọc.' : 'Chưa có tin báo nào cần xử lý.';
    more.hidden = !state.nextCursor;
    if (state.selected && !state.items.some((t) => t.id === state.selected)) state.selected = null;
    markSelected();
    if (focusedId) tbody.querySelector(`tr[data-id="${CSS.escape(focusedId)}"] a`)?.focus();
  }

  function row(t) {
    const isOpen = (app.meta.statuses ?? []).find((s) => s.value === t.status)?.open ?? true;
    const seen = seenAt(t.id);
    // reporterActivityAt is set only by the reporter's messages after filing, however soon they come.
    const newReply = t.reporterActivityAt && new Date(t.reporterActivityAt) > new Date(seen ?? t.createdAt);
    const tr = h('tr', { dataset: { id: t.id }, class: [t.urgent ? 'urgent' : '', state.fresh.has(t.id) ? 'fresh' : '', t.overdue ? 'overdue' : ''].filter(Boolean).join(' ') },
      h('td', { class: 'c-urgent' }, t.urgent ? h('span', { class: 'badge urgent', title: 'Tin khẩn' }, 'Khẩn') : null),
      h('td', { class: 'c-tip' },
        h('a', { href: `/console/tips/${encodeURIComponent(t.id)}`, class: 'ref' }, t.reference),
        ' ', h('span', { class: 'cat' }, app.label('categories', t.category)),
        newReply ? h('span', { class: 'badge reply' }, 'Tin nhắn mới') : null,
        t.attachments ? h('span', { class: 'muted small', title: 'Tệp đính kèm' }, ` · ${t.attachments} tệp`) : null,
        h('div', { class: 'excerpt' }, t.excerpt)),
      h('td', { class: 'c-place' },
        h('div', {}, placeOf(t) || h('span', { class: 'muted' }, 'Chưa rõ')),
        t.needsConfirmation ? h('span', { class: 'badge confirm' }, 'Cần xác nhận nơi xảy ra') : null),
      h('td', {}, h('span', { class: `status s-${t.status}` }, app.label('statuses', t.status))),
      h('td', { class: 'c-who' },
        h('div', {}, t.assignedOfficerName || h('span', { class: 'muted' }, 'Chưa giao')),
        t.unitName ? h('div', { class: 'muted small' }, t.unitName) : null),
      h('td', { class: 'c-channel' }, app.label('channels', t.channel),
        // The resident's language: another than Vietnamese may need an interpreter, so it stands out.
        h('div', { class: t.language && t.language !== 'vi' ? 'badge lang' : 'small muted lang' }, app.label('languages', t.language) || 'Tiếng Việt')),
      h('td', { class: 'c-age' }, h('span', { title: fmtDateTime(t.createdAt) }, fmtAge(t.createdAt))),
      h('td', { class: 'c-due' }, isOpen ? clock(t.dueAt ?? (t.status === 'new' ? t.ackDueAt : t.settleDueAt), { overdue: t.overdue ? true : undefined, label: t.status === 'new' ? 'Hạn tiếp nhận' : 'Hạn giải quyết' }) : h('span', { class: 'muted' }, '—'),
        isOpen && t.overdue ? h('div', { class: 'small late' }, t.overdue === 'ack' ? 'chưa tiếp nhận' : 'chưa giải quyết') : null));
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a')) return;
      state.selected = t.id;
      app.navigate(`/console/tips/${encodeURIComponent(t.id)}`);
    });
    tr.addEventListener('focusin', () => {
      state.selected = t.id;
      markSelected();
    });
    return tr;
  }

  function markSelected() {
    for (const tr of tbody.rows) {
      const on = tr.dataset.id === state.selected;
      tr.classList.toggle('selected', on);
      if (on) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    }
  }

  function move(delta) {
    if (!state.items.length) return;
    let i = state.items.findIndex((t) => t.id === state.selected);
    i = i < 0 ? (delta > 0 ? 0 : state.items.length - 1) : Math.min(state.items.length - 1, Math.max(0, i + delta));
    state.selected = state.items[i].id;
    markSelected();
    const link = tbody.querySelector(`tr[data-id="${CSS.escape(state.selected)}"] a`);
    link?.focus();
    link?.scrollIntoView({ block: 'nearest' });
  }

  const tick = setInterval(() => !state.loading && render(), 60_000);
  let reloadTimer;
  const reloadSoon = () => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => load({ keep: true }), 250);
  };

  load();

  return {
    unmount() {
      state.disposed = true;
      clearInterval(tick);
      clearTimeout(reloadTimer);
      clearTimeout(typingTimer);
    },
    onTip(ev) {
      if (ev.kind === 'created') state.pendingCreated.add(ev.id);
      reloadSoon();
    },
    onResync() {
      reloadSoon();
    },
    onKey(e) {
      if (e.key === 'j' || e.key === 'ArrowDown') return move(1), true;
      if (e.key === 'k' || e.key === 'ArrowUp') return move(-1), true;
      if (e.key === '/') {
        controls.q.focus();
        controls.q.select();
        return true;
      }
      if (e.key === 'Enter' && state.selected && !document.activeElement?.closest('a, button')) {
        app.navigate(`/console/tips/${encodeURIComponent(state.selected)}`);
        return true;
      }
      return false;
    },
  };
}
