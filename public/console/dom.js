// DOM and formatting helpers. Data is only ever inserted as text (textContent / text nodes).

/** h('p', { class: 'x', text: 'hi', onclick: fn }, child, …) */
export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'value') el.value = String(v);
    else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) if (kid != null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
  return el;
}

export const $ = (id) => document.getElementById(id);

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** A <select> from [{value,label}], with an optional first empty choice. */
export function select(attrs, options, { empty, value } = {}) {
  const el = h('select', attrs);
  if (empty !== undefined) el.append(h('option', { value: '' }, empty));
  for (const o of options) el.append(h('option', { value: o.value }, o.label));
  if (value !== undefined && value !== null) el.value = String(value);
  return el;
}

/** A labelled field: <div class="field"><label for=id>…</label>control</div>. */
export function field(label, control, hint) {
  if (!control.id) control.id = `f-${Math.random().toString(36).slice(2, 9)}`;
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hint ? h('small', { class: 'hint' }, hint) : null);
}

// ---------- time: always Vietnam time, Vietnamese formats ----------
const TZ = 'Asia/Ho_Chi_Minh';
const dateTimeFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hour12: false });
const dateFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: TZ, day: '2-digit', month: '2-digit', year: 'numeric' });

/** "14:05 20/08/2025" */
export function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const parts = Object.fromEntries(dateTimeFmt.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute} ${parts.day}/${parts.month}/${parts.year}`;
}

export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00+07:00` : iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFmt.format(d);
}

/** "3 giờ", "12 ngày", "25 phút" */
export function fmtSpan(ms) {
  const m = Math.max(0, Math.round(Math.abs(ms) / 60000));
  if (m < 60) return `${Math.max(1, m)} phút`;
  const hrs = Math.round(m / 60);
  if (hrs < 48) return `${hrs} giờ`;
  return `${Math.round(hrs / 24)} ngày`;
}

/** "5 phút trước" */
export function fmtAge(iso, now = Date.now()) {
  return `${fmtSpan(now - new Date(iso).getTime())} trước`;
}

/** A deadline clock: "còn 5 giờ" or "quá hạn 3 giờ" (red). */
export function clock(dueIso, { overdue, label } = {}) {
  if (!dueIso) return h('span', { class: 'clock muted' }, '—');
  const left = new Date(dueIso).getTime() - Date.now();
  const late = overdue ?? left <= 0;
  const text = late ? `quá hạn ${fmtSpan(left)}` : `còn ${fmtSpan(left)}`;
  return h('span', { class: late ? 'clock late' : left < 6 * 3600_000 ? 'clock soon' : 'clock', title: `${label ? `${label}: ` : ''}${fmtDateTime(dueIso)}` }, text);
}

export function fmtSize(n) {
  if (n == null) return '';
  const f = (v) => v.toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  if (n >= 1048576) return `${f(n / 1048576)} MB`;
  if (n >= 1024) return `${f(n / 1024)} KB`;
  return `${n} byte`;
}

/** Folded text for client-side search: no marks, đ→d and Hre ƀ→b (neither decomposes), lower case. */
export function fold(s) {
  return String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').replace(/[ƀɃ]/g, 'b').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function safeHttpUrl(u) {
  try {
    const url = new URL(u, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** An error box for a form (role=alert): shows the server's message and field details. */
export function errorBox() {
  const box = h('div', { class: 'error', role: 'alert', hidden: true });
  box.show = (err) => {
    clear(box);
    box.append(h('p', {}, err?.message ?? String(err)));
    const details = Array.isArray(err?.details) ? err.details : [];
    if (details.length) box.append(h('ul', {}, details.slice(0, 8).map((d) => h('li', {}, typeof d === 'string' ? d : [d.path, d.message].filter(Boolean).join(': ')))));
    box.hidden = false;
  };
  box.hide = () => {
    box.hidden = true;
    clear(box);
  };
  return box;
}

/** Disables a form's controls while `work` runs. */
export async function busy(form, work) {
  const controls = [...form.querySelectorAll('button, input, select, textarea')].filter((c) => !c.disabled);
  controls.forEach((c) => (c.disabled = true));
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    controls.forEach((c) => (c.disabled = false));
    form.removeAttribute('aria-busy');
  }
}

const announcer = () => document.getElementById('announce');
/** Reads a short sentence out to screen readers (polite). */
export function announce(text) {
  const el = announcer();
  if (!el) return;
  el.textContent = '';
  setTimeout(() => (el.textContent = text), 30);
}

/** Shows the page-wide banner (role=alert). kind: 'error' | 'info' | 'ok' */
export function banner(text, kind = 'error', action) {
  const el = document.getElementById('banner');
  clear(el);
  if (!text) {
    el.hidden = true;
    return;
  }
  el.className = `banner ${kind}`;
  el.append(h('p', {}, text));
  if (action) el.append(h('button', { type: 'button', class: 'btn small', onclick: action.run }, action.label));
  el.append(h('button', { type: 'button', class: 'btn small ghost', 'aria-label': 'Đóng thông báo', onclick: () => banner(null) }, '×'));
  el.hidden = false;
}

/** Asks for confirmation in a modal dialog; resolves true/false. */
export function confirmDialog({ title, text, yes }) {
  const dlg = document.getElementById('dlg-confirm');
  document.getElementById('dlg-confirm-title').textContent = title;
  document.getElementById('dlg-confirm-text').textContent = text;
  const yesBtn = document.getElementById('dlg-confirm-yes');
  const noBtn = document.getElementById('dlg-confirm-no');
  yesBtn.textContent = yes;
  return new Promise((resolve) => {
    const done = (v) => {
      yesBtn.removeEventListener('click', onYes);
      noBtn.removeEventListener('click', onNo);
      dlg.removeEventListener('close', onClose);
      if (dlg.open) dlg.close();
      resolve(v);
    };
    const onYes = () => done(true);
    const onNo = () => done(false);
    const onClose = () => done(false);
    yesBtn.addEventListener('click', onYes);
    noBtn.addEventListener('click', onNo);
    dlg.addEventListener('close', onClose);
    dlg.showModal();
    noBtn.focus();
  });
}

/** Copies `text` and confirms it with a short announcement. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    announce('Đã chép.');
  } catch {
    /* clipboard needs a secure context; the text stays visible to copy by hand */
  }
}

/**
 * What a list screen (questions, knowledge base, officers) gives the app: stop updating once left,
 * and "/" to its search box.
 */
export function listScreen(state, search, onUnmount = () => {}) {
  return {
    unmount() {
      state.disposed = true;
      onUnmount();
    },
    onKey(e) {
      if (e.key !== '/') return false;
      search.focus();
      return true;
    },
  };
}
