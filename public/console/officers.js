// Officer accounts (admin): list, create (password shown once), role/unit, disable, reset password.

import { api } from './api.js';
import { h, clear, select, field, fmtDateTime, fold, errorBox, busy, announce, confirmDialog, copyText, listScreen } from './dom.js';

export function mount(main, app) {
  /** Roles that see only their unit's tips: an account with one of them needs a unit (from /api/meta). */
  const UNIT_ROLES = new Set((app.meta.roles ?? []).filter((r) => r.needsUnit).map((r) => r.value));
  const needsUnitMessage = (role) => `Vai trò «${app.label('roles', role)}» chỉ xem được tin của đơn vị mình: hãy chọn đơn vị trong ô «Đơn vị». Không có đơn vị, cán bộ sẽ thấy danh sách tin báo trống.`;
  const state = { items: [], units: [], q: '', disposed: false };
  document.title = 'Cán bộ – Tin Báo';
  const errors = errorBox();
  const secret = h('div', { class: 'secret', role: 'status', hidden: true });
  const tbody = h('tbody');
  const search = h('input', { id: 'q', type: 'search', placeholder: 'Tên, tên đăng nhập, đơn vị', autocomplete: 'off' });
  const roles = app.meta.roles ?? [];
  /** Languages an officer may speak besides Vietnamese (everyone speaks it): translators work in these. */
  const otherLanguages = (app.meta.languages ?? []).filter((l) => l.value !== 'vi');
  const unitOptions = () => state.units.map((u) => ({ value: u.id, label: u.name }));
  const createSlot = h('div');

  clear(main).append(h('section', {},
    h('div', { class: 'page-head' }, h('h1', {}, 'Cán bộ'),
      h('button', { type: 'button', class: 'btn primary', onclick: openCreate }, 'Thêm cán bộ')),
    errors, secret, createSlot,
    h('div', { class: 'filters' }, h('div', { class: 'field grow' }, h('label', { for: 'q' }, 'Tìm cán bộ'), search)),
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Cán bộ', 'Tên đăng nhập', 'Vai trò', 'Đơn vị', 'Trạng thái', 'Mật khẩu', ''].map((t) => h('th', { scope: 'col' }, t)))),
      tbody))));

  search.addEventListener('input', () => {
    state.q = search.value;
    render();
  });

  /** The generated password, shown once, with what to do with it. */
  function showSecret(title, username, password) {
    clear(secret).append(
      h('h2', { class: 'h3' }, title),
      h('p', {}, 'Tên đăng nhập: ', h('strong', {}, username)),
      h('p', {}, 'Mật khẩu: ', h('code', { class: 'password' }, password), ' ', h('button', { type: 'button', class: 'btn small', onclick: () => copyText(password) }, 'Chép')),
      h('p', { class: 'small' }, 'Mật khẩu chỉ hiện một lần. Trao tận tay cho cán bộ: ở lần đăng nhập đầu, bàn làm việc yêu cầu cán bộ đổi sang mật khẩu của riêng mình trước khi làm việc.'),
      h('button', { type: 'button', class: 'btn small', onclick: () => (secret.hidden = true) }, 'Đã ghi lại, ẩn đi'));
    secret.hidden = false;
    secret.scrollIntoView({ block: 'nearest' });
  }

  async function load() {
    errors.hide();
    try {
      const [officers, units] = await Promise.all([api('/officers'), api('/units').catch(() => ({ items: [] }))]);
      if (state.disposed) return;
      state.items = officers.items;
      state.units = units.items;
      render();
    } catch (err) {
      errors.show(err);
    }
  }

  const unitName = (id) => state.units.find((u) => u.id === id)?.name ?? id ?? '';

  function render() {
    const words = fold(state.q).split(' ').filter(Boolean);
    clear(tbody);
    for (const o of state.items) {
      const hay = fold(`${o.displayName} ${o.username} ${unitName(o.unitId)} ${app.label('roles', o.role)}`);
      if (words.every((w) => hay.includes(w))) tbody.append(row(o));
    }
  }

  function row(o) {
    const errs = errorBox();
    const role = select({ id: `role-${o.id}`, 'aria-label': `Vai trò của ${o.displayName}` }, roles, { value: o.role });
    const unit = select({ id: `unit-${o.id}`, 'aria-label': `Đơn vị của ${o.displayName}` }, unitOptions(), { empty: 'Không thuộc đơn vị', value: o.unitId ?? '' });
    const save = h('button', { type: 'button', class: 'btn small', hidden: true }, 'Lưu');
    const had = (o.languages ?? []).filter((c) => c !== 'vi').sort().join(',');
    const speaks = otherLanguages.map((l) => h('input', { type: 'checkbox', id: `lang-${l.value}-${o.id}`, value: l.value, checked: (o.languages ?? []).includes(l.value) }));
    const spoken = () => speaks.filter((c) => c.checked).map((c) => c.value).sort().join(',');
    const changed = () => (save.hidden = role.value === o.role && (unit.value || null) === o.unitId && spoken() === had);
    role.addEventListener('change', changed);
    unit.addEventListener('change', changed);
    speaks.forEach((c) => c.addEventListener('change', changed));
    const languages = otherLanguages.length ? h('fieldset', { class: 'officer-langs' },
      h('legend', { class: 'small' }, 'Biết tiếng', h('span', { class: 'sr-only' }, ` (${o.displayName})`)),
      otherLanguages.map((l, i) => h('span', { class: 'field check' }, speaks[i], h('label', { for: speaks[i].id }, l.label)))) : null;
    const tr = h('tr', { class: o.disabled ? 'disabled' : '' },
      h('td', {}, h('strong', {}, o.displayName), h('div', { class: 'small muted' }, `Tạo ${fmtDateTime(o.createdAt)}`), errs),
      h('td', {}, h('code', {}, o.username)),
      h('td', {}, role, languages),
      h('td', {}, unit, ' ', save,
        UNIT_ROLES.has(o.role) && !o.unitId ? h('div', { class: 'small late' }, 'Chưa có đơn vị: cán bộ này chưa thấy tin báo nào. Chọn đơn vị rồi bấm Lưu.') : null),
      h('td', {}, o.disabled ? h('span', { class: 'badge' }, 'Đã khóa') : 'Đang dùng'),
      h('td', { class: 'small' }, o.passwordChangedAt ? `Đổi ${fmtDateTime(o.passwordChangedAt)}` : h('span', { class: 'muted' }, 'Chưa đổi mật khẩu được cấp')),
      h('td', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn small', onclick: () => toggle(o, errs) }, o.disabled ? 'Mở khóa' : 'Khóa'),
        h('button', { type: 'button', class: 'btn small', onclick: () => reset(o, errs) }, 'Cấp lại mật khẩu')));
    save.addEventListener('click', async () => {
      errs.hide();
      if (UNIT_ROLES.has(role.value) && !unit.value) {
        unit.focus();
        return errs.show({ message: needsUnitMessage(role.value) });
      }
      const body = {};
      if (role.value !== o.role) body.role = role.value;
      if ((unit.value || null) !== o.unitId) body.unitId = unit.value || null;
      if (spoken() !== had) body.languages = ['vi', ...speaks.filter((c) => c.checked).map((c) => c.value)];
      try {
        await busy(tr, () => api(`/officers/${encodeURIComponent(o.id)}`, { method: 'PATCH', body }));
        announce(`Đã lưu ${o.displayName}.`);
        await load();
      } catch (err) {
        errs.show(err);
      }
    });
    return tr;
  }

  async function toggle(o, errs) {
    errs.hide();
    if (!o.disabled) {
      const ok = await confirmDialog({ title: `Khóa tài khoản ${o.displayName}?`, text: 'Cán bộ sẽ bị đăng xuất ngay và không đăng nhập được nữa cho tới khi mở khóa.', yes: 'Khóa tài khoản' });
      if (!ok) return;
    }
    try {
      await api(`/officers/${encodeURIComponent(o.id)}`, { method: 'PATCH', body: { disabled: !o.disabled } });
      announce(o.disabled ? 'Đã mở khóa tài khoản.' : 'Đã khóa tài khoản.');
      await load();
    } catch (err) {
      errs.show(err);
    }
  }

  async function reset(o, errs) {
    errs.hide();
    const ok = await confirmDialog({ title: `Cấp lại mật khẩu cho ${o.displayName}?`, text: 'Mật khẩu cũ hết hiệu lực ngay, mọi phiên đăng nhập của cán bộ này kết thúc. Mật khẩu mới chỉ hiện một lần.', yes: 'Cấp mật khẩu mới' });
    if (!ok) return;
    try {
      const r = await api(`/officers/${encodeURIComponent(o.id)}/password-reset`, { method: 'POST' });
      showSecret(`Mật khẩu mới của ${o.displayName}`, o.username, r.password);
      await load();
    } catch (err) {
      errs.show(err);
    }
  }

  function openCreate() {
    const errs = errorBox();
    const username = h('input', { id: 'new-username', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' });
    const displayName = h('input', { id: 'new-displayName', autocomplete: 'off' });
    const role = select({ id: 'new-role' }, roles, { value: 'officer' });
    const unit = select({ id: 'new-unit' }, unitOptions(), { empty: 'Không thuộc đơn vị' });
    const unitHint = h('small', { class: 'hint' });
    const sync = () => (unitHint.textContent = UNIT_ROLES.has(role.value) ? 'Bắt buộc với vai trò này.' : 'Không bắt buộc.');
    role.addEventListener('change', sync);
    sync();
    const form = h('form', { class: 'panel stack', novalidate: true, 'aria-labelledby': 'new-officer-title' },
      h('h2', { id: 'new-officer-title' }, 'Thêm cán bộ'), errs,
      h('div', { class: 'two' }, field('Họ và tên', displayName), field('Tên đăng nhập', username, 'Chữ thường, không dấu, ví dụ: nguyen.lan')),
      h('div', { class: 'two' }, field('Vai trò', role), h('div', { class: 'field' }, h('label', { for: 'new-unit' }, 'Đơn vị'), unit, unitHint)),
      h('p', { class: 'small muted' }, 'Mật khẩu được tạo ngẫu nhiên và chỉ hiện một lần sau khi thêm.'),
      h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Thêm cán bộ'), h('button', { type: 'button', class: 'btn', onclick: () => clear(createSlot) }, 'Hủy')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errs.hide();
      if (!displayName.value.trim() || !username.value.trim()) return errs.show({ message: 'Nhập họ tên và tên đăng nhập.' });
      if (UNIT_ROLES.has(role.value) && !unit.value) {
        unit.focus();
        return errs.show({ message: needsUnitMessage(role.value) });
      }
      const body = { username: username.value.trim(), displayName: displayName.value.trim(), role: role.value };
      if (unit.value) body.unitId = unit.value;
      try {
        const r = await busy(form, () => api('/officers', { method: 'POST', body }));
        clear(createSlot);
        showSecret(`Đã thêm ${r.officer.displayName}`, r.officer.username, r.password);
        await load();
      } catch (err) {
        errs.show(err);
      }
    });
    clear(createSlot).append(form);
    displayName.focus();
  }

  load();
  return listScreen(state, search);
}
