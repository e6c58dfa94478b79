// Tin Báo resident web chat. Plain ES module, no build step, no external resources.
// Server strings are only ever inserted as text (textContent / text nodes), never as HTML.

const API = '/chat/api';
const T = {
  generic: 'Có lỗi kết nối. Vui lòng thử lại.',
  sending: 'Đang gửi…',
  sent: 'Đã gửi',
  failed: 'Chưa gửi được. Bấm để thử lại.',
  locating: 'Đang lấy vị trí…',
  locFail: 'Không lấy được vị trí. Bạn có thể gõ tên xã, phường hoặc địa chỉ.',
  offline: 'Đang mất kết nối. Tin nhắn sẽ được gửi lại khi có mạng.',
  empty: 'Nhập tin nhắn bên dưới để báo tin cho công an.',
  micFail: 'Không dùng được micrô. Bạn có thể gõ tin nhắn thay thế.',
  copy: 'Sao chép hai mã',
  copiedShort: 'Đã chép ✓',
  copied: 'Đã chép hai mã. Bạn dán vào ghi chú hoặc tin nhắn để giữ lại.',
  copyFail: 'Máy chưa cho chép tự động. Hai mã đã được chọn sẵn: bạn bấm «Sao chép» của máy, hoặc chụp màn hình.',
  saveAdvice: 'Chụp màn hình hoặc ghi lại hai mã này ra giấy.',
  reference: 'Mã tin báo',
  secret: 'Mã bí mật',
  codes: 'Hai mã của tin báo',
};
const KIND = { photo: 'Ảnh', video: 'Video', voice: 'Tin nhắn thoại', audio: 'Âm thanh', document: 'Tài liệu' };
const MAX_RECORD_MS = 5 * 60 * 1000;

const $ = (id) => document.getElementById(id);
const els = {
  log: $('log'), list: $('messages'), empty: $('empty'), jump: $('jump'), live: $('live'), conn: $('conn'),
  form: $('composer'), text: $('text'), file: $('file'), attach: $('attach'), locate: $('locate'),
  record: $('record'), recordLabel: $('record-label'), recbar: $('recbar'), rectime: $('rectime'), reccancel: $('reccancel'),
  staged: $('staged'), stagedName: $('staged-name'), unstage: $('unstage'),
};

const state = {
  cursor: null,
  loaded: false,
  seen: new Set(),         // server message ids already rendered
  echoed: new Set(),       // clientMessageIds the server has echoed back
  pending: new Map(),      // clientMessageId -> outgoing item not yet echoed
  lastOut: null,           // <li> of the latest bot message (the only one with live buttons)
  maxUploadBytes: 0,
  staged: null,            // File picked, waiting for "Gửi"
  refusal: null,           // the server's message when it refused to open the chat
};

// ---------- small helpers ----------

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid);
  return el;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function uuid() {
  // randomUUID only exists in secure contexts (https / localhost).
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = Array.from(b, (n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function safeUrl(u) {
  try {
    const url = new URL(u, location.href);
    return ['http:', 'https:', 'blob:'].includes(url.protocol) ? url.href : null;
  } catch { return null; }
}

const telHref = (n) => 'tel:' + String(n).replace(/[^\d+*#]/g, '');

function fmtSize(n) {
  const f = (v) => v.toLocaleString('vi-VN', { maximumFractionDigits: 1 });
  return n >= 1048576 ? `${f(n / 1048576)} MB` : `${f(Math.max(1, Math.round(n / 1024)))} KB`;
}

function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const now = new Date();
  const time = d.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  const day = `${d.getDate()}/${d.getMonth() + 1}`;
  return d.getFullYear() === now.getFullYear() ? `${time}, ${day}` : `${time}, ${day}/${d.getFullYear()}`;
}

const fmtCoord = (l) => `${Number(l.latitude).toFixed(5)}, ${Number(l.longitude).toFixed(5)}`;

// ---------- network ----------

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}
// 429 (too many in the hour) and 507 (the server's disk is at its floor) will not pass on a retry
// seconds later: the server's message says what to do, like 409 (a file where the step takes none) or 413.
const retryable = (e) => e.status === 0 || e.status === 408 || (e.status >= 500 && e.status !== 507);

async function request(method, path, body) {
  let res;
  try {
    res = await fetch(API + path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new HttpError(0, T.generic);
  }
  let data = null;
  try { data = await res.json(); } catch { /* empty or non-JSON body */ }
  if (!res.ok) throw new HttpError(res.status, data?.error?.message || T.generic);
  return data;
}

function upload(item) {
  return new Promise((resolve, reject) => {
    const fd = new FormData();
    // Fields before the file so a streaming parser sees them first.
    fd.append('clientMessageId', item.id);
    if (item.caption) fd.append('caption', item.caption);
    fd.append('file', item.file, item.file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', API + '/upload');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && item.progress) item.progress.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { /* non-JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new HttpError(xhr.status, data?.error?.message || T.generic));
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => reject(new HttpError(0, T.generic));
    xhr.send(fd);
  });
}

// ---------- live region, notes, scrolling ----------

function announce(text) {
  if (!text) return;
  els.live.append(h('p', { text }));
  while (els.live.childElementCount > 3) els.live.firstElementChild.remove();
}

function note(text) {
  const near = nearBottom();
  els.list.append(h('li', { class: 'note', text }));
  announce(text);
  if (near) scrollToEnd();
}

const nearBottom = () => els.log.scrollHeight - els.log.scrollTop - els.log.clientHeight < 120;
function scrollToEnd() { els.log.scrollTop = els.log.scrollHeight; els.jump.hidden = true; }
// When the log gets shorter (keyboard opens, banner or recording bar appears) stay at the bottom if we were there.
let stick = true;
els.log.addEventListener('scroll', () => { stick = nearBottom(); if (stick) els.jump.hidden = true; }, { passive: true });
if ('ResizeObserver' in window) new ResizeObserver(() => { if (stick) els.log.scrollTop = els.log.scrollHeight; }).observe(els.log);
els.jump.addEventListener('click', () => { scrollToEnd(); els.text.focus(); });

// A burst is the bot's messages answering one thing: an answer and "did it help?", the receipt and the menu.
// On a small screen the view shows the START of its first message, and lets the rest wait below (the "new
// messages" button says there is more), instead of scrolling to the last one and pushing the first out of sight.
const BURST_GAP_MS = 10000;
const burst = { first: null, at: 0, top: -1 };
const topInLog = (el) => el.getBoundingClientRect().top - els.log.getBoundingClientRect().top + els.log.scrollTop;

function revealBurst(el, near) {
  const now = Date.now();
  const following = burst.first?.isConnected && now - burst.at < BURST_GAP_MS && Math.abs(els.log.scrollTop - burst.top) < 2;
  if (!following) {
    // Reading older messages: leave the view where the resident put it.
    if (!near) { els.jump.hidden = false; return; }
    burst.first = el;
  }
  burst.at = now;
  showFrom(burst.first);
}

// Scrolls as far down as possible while keeping the top of `el` in view.
function showFrom(el) {
  const end = els.log.scrollHeight - els.log.clientHeight;
  els.log.scrollTop = Math.min(end, Math.max(0, topInLog(el) - 8));
  burst.top = els.log.scrollTop;
  els.jump.hidden = els.log.scrollTop >= end - 2;
}

// After a reload, the same for the bot's latest answer: from its first message after the resident's last one.
function showLatestAnswer() {
  const items = [...els.list.children];
  let i = items.length;
  while (i > 0 && !items[i - 1].classList.contains('in')) i--;
  const first = items.slice(i).find((li) => li.classList.contains('out'));
  if (first) showFrom(first);
  else scrollToEnd();
}
// The resident's own message ends the burst: the next answer starts a new one.
const endBurst = () => { burst.first = null; };

function setOffline(off) {
  if (off === !els.conn.hidden) return;
  els.conn.hidden = !off;
  els.conn.textContent = off ? T.offline : '';
  if (!off) retryFailed();
}

// ---------- rendering server messages ----------

function renderAttachment(a) {
  const url = a.status !== 'rejected' && a.url ? safeUrl(a.url) : null;
  const label = `${KIND[a.kind] || 'Tệp'}: ${a.name || ''}${a.size ? ` (${fmtSize(a.size)})` : ''}`;
  const box = h('div', { class: 'att' });
  if (url && a.kind === 'photo') {
    box.append(h('a', { href: url, target: '_blank', rel: 'noopener' }, h('img', { src: url, alt: a.name || 'Ảnh', loading: 'lazy' })));
  } else if (url && a.kind === 'video') {
    box.append(h('video', { src: url, controls: true, preload: 'none', 'aria-label': label }));
  } else if (url && (a.kind === 'voice' || a.kind === 'audio')) {
    box.append(h('audio', { src: url, controls: true, preload: 'none', 'aria-label': label }));
  }
  box.append(url && a.kind === 'document'
    ? h('a', { href: url, target: '_blank', rel: 'noopener', text: label })
    : h('p', { text: label }));
  if (a.status === 'rejected') box.append(h('p', { class: 'warn', text: 'Tệp này không được nhận.' }));
  return box;
}

function renderMessage(m) {
  const out = m.direction === 'out';
  const receipt = out && validReceipt(m.receipt);
  const bubble = h('div', { class: receipt ? 'bubble receipt' : 'bubble' });
  // A campaign's image comes before its text; only our own campaign-image path is shown.
  const imageUrl = out && typeof m.image?.url === 'string' && /^\/chat\/campaign-images\/[0-9a-f]{64}\.(jpg|png)$/.test(m.image.url) && safeUrl(m.image.url);
  if (imageUrl) bubble.append(h('img', { class: 'campaign-image', src: imageUrl, alt: 'Ảnh của chiến dịch', loading: 'lazy' }));
  if (receipt) bubble.append(...renderReceipt(m.text, receipt));
  else if (m.text) bubble.append(h('p', { class: 'text', text: m.text }));
  if (m.attachment) bubble.append(renderAttachment(m.attachment));
  if (m.location) bubble.append(h('p', { text: `Vị trí: ${fmtCoord(m.location)}` }));
  const audioUrl = m.audio?.url && safeUrl(m.audio.url);
  if (audioUrl) {
    const label = m.audio.label || 'Nghe tin nhắn';
    // A recorded clip comes as OGG/Opus and M4A: the browser plays the first it can (Safari takes the M4A).
    const sources = (Array.isArray(m.audio.sources) ? m.audio.sources : [])
      .filter((s) => typeof s?.url === 'string' && /^\/chat\/audio\/clip\/[0-9a-f]{64}\.(ogg|m4a)$/.test(s.url) && typeof s.type === 'string')
      .map((s) => h('source', { src: safeUrl(s.url), type: s.type }));
    const player = sources.length
      ? h('audio', { controls: true, preload: 'none', 'aria-label': label }, sources)
      : h('audio', { src: audioUrl, controls: true, preload: 'none', 'aria-label': label });
    bubble.append(h('div', { class: 'audio' }, h('p', { text: label }), player));
  }
  if (Array.isArray(m.phones) && m.phones.length) {
    bubble.append(h('div', { class: 'phones' }, m.phones.map((p) =>
      h('a', { class: 'btn call', href: telHref(p.number), text: p.label || `Gọi ${p.number}` }))));
  }
  // A campaign's links: https only, opened in a new tab without telling the site where the visitor came from.
  const links = Array.isArray(m.links) ? m.links.filter((l) => l && typeof l.url === 'string' && /^https:\/\//.test(l.url)) : [];
  if (links.length) {
    bubble.append(h('div', { class: 'links' }, links.map((l) =>
      h('a', { class: 'btn link', href: l.url, target: '_blank', rel: 'noopener noreferrer', text: String(l.label || l.url) }))));
  }
  const time = fmtTime(m.createdAt);
  return h('li', { class: `msg ${out ? 'out' : 'in'}${receipt ? ' wide' : ''}`, 'data-id': m.id },
    h('span', { class: 'sr-only', text: out ? 'Tin Báo:' : 'Bạn:' }),
    bubble,
    time && h('time', { class: 'meta', datetime: m.createdAt, text: time }));
}

// ---------- receipt card ----------

const validReceipt = (r) => r && [r.reference, r.secret].every((c) => typeof c === 'string' && c.length > 0 && c.length <= 40) ? r : null;

// The receipt's own words (in the resident's language) around a card with the two codes: the lines that carry
// a code become the card's rows, labelled with the rest of their line ("Mã tin báo: QN-7K3P9" → "Mã tin báo").
function renderReceipt(text, r) {
  const lines = String(text || '').split('\n');
  const rowOf = (line) => [r.reference, r.secret].find((code) => line.includes(code));
  const first = lines.findIndex(rowOf);
  const last = lines.length - 1 - [...lines].reverse().findIndex(rowOf);
  const codeLines = first < 0 ? [] : lines.slice(first, last + 1).filter(rowOf);
  const labelOf = (code, fallback) => {
    const line = codeLines.find((l) => l.includes(code));
    return line?.replace(code, '').replace(/[\s:：.–-]+$/u, '').trim() || fallback;
  };
  const rows = [
    { label: labelOf(r.reference, T.reference), shown: r.reference },
    // Eight digits read aloud more easily in two groups of four.
    { label: labelOf(r.secret, T.secret), shown: /^\d{8}$/.test(r.secret) ? `${r.secret.slice(0, 4)} ${r.secret.slice(4)}` : r.secret },
  ];
  const codes = h('dl', { class: 'codes', 'aria-label': T.codes },
    rows.map((row) => h('div', { class: 'code-row' }, h('dt', { text: row.label }), h('dd', { class: 'code', translate: 'no', text: row.shown }))));
  const status = h('p', { class: 'copied', role: 'status' });
  const copyText = codeLines.length ? codeLines.join('\n') : `${rows[0].label}: ${r.reference}\n${rows[1].label}: ${r.secret}`;
  const button = h('button', { type: 'button', class: 'btn primary copy', onclick: () => copyCodes(copyText, codes, status, button) }, T.copy);
  const before = first < 0 ? lines : lines.slice(0, first);
  const after = first < 0 ? [] : lines.slice(last + 1);
  const para = (ls) => (ls.join('\n').trim() ? h('p', { class: 'text', text: ls.join('\n').trim() }) : null);
  return [para(before), codes, h('div', { class: 'copy-row' }, button, status), h('p', { class: 'advice', text: T.saveAdvice }), para(after)].filter(Boolean);
}

async function copyCodes(text, codes, status, button) {
  const ok = await copyToClipboard(text);
  // Said on the button itself, where the finger is (the line below may be under the "new messages" button).
  clearTimeout(button.reset);
  button.textContent = ok ? T.copiedShort : T.copy;
  if (ok) button.reset = setTimeout(() => { button.textContent = T.copy; }, 4000);
  if (!ok) {
    // Nothing was copied: select the codes, so the phone's own "copy" works on them.
    const range = document.createRange();
    range.selectNodeContents(codes);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
  }
  status.textContent = ok ? T.copied : T.copyFail;
  status.classList.toggle('fail', !ok);
}

async function copyToClipboard(text) {
  // The Clipboard API exists only on https (and localhost), and the browser may refuse it.
  if (window.isSecureContext && navigator.clipboard?.writeText) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* refused: the old way below */ }
  }
  const area = h('textarea', { class: 'clip', readonly: true, 'aria-hidden': 'true', tabindex: '-1' });
  area.value = text;
  document.body.append(area);
  const focused = document.activeElement;
  area.select();
  area.setSelectionRange(0, text.length); // iOS Safari ignores select() alone
  let ok = false;
  try { ok = document.execCommand('copy'); } catch { ok = false; }
  area.remove();
  focused?.focus?.({ preventScroll: true });
  return ok;
}

// Same pin as the composer's "Gửi vị trí" button (emoji fonts are missing on some phones).
const pinIcon = () => els.locate.querySelector('svg').cloneNode(true);

// Buttons and the location request ("Gửi vị trí", the words the prompt quotes); only the latest bot message keeps them.
function renderActions(m) {
  const parts = [];
  if (m.requestLocation) {
    parts.push(h('button', { type: 'button', class: 'btn primary big', 'data-action': 'location', onclick: sendLocation },
      pinIcon(), h('span', { class: 'lbl', text: 'Gửi vị trí' })));
  }
  if (Array.isArray(m.buttons) && m.buttons.length) {
    const group = h('div', { class: 'choices-group', role: 'group', 'aria-label': 'Chọn câu trả lời' });
    for (const row of m.buttons) {
      if (!Array.isArray(row)) continue;
      group.append(h('div', { class: 'choices' }, row.map((b) =>
        h('button', { type: 'button', class: 'btn', onclick: (e) => choose(b, group, e.currentTarget) }, b.label))));
    }
    parts.push(group);
  }
  return parts.length ? h('div', { class: 'actions' }, parts) : null;
}

function matchPending(m) {
  if (m.clientMessageId) return state.pending.get(m.clientMessageId);
  // Fallback for an echo without clientMessageId: same text as the oldest accepted message.
  if (!m.text) return undefined;
  for (const it of state.pending.values()) if (it.accepted && it.payload.text === m.text) return it;
  return undefined;
}

function addMessage(m, live) {
  if (!m || typeof m.id !== 'string' || state.seen.has(m.id)) return;
  state.seen.add(m.id);
  els.empty.hidden = true;
  const near = nearBottom();
  const el = renderMessage(m);

  if (m.direction === 'in') {
    if (m.clientMessageId) state.echoed.add(m.clientMessageId);
    const it = matchPending(m);
    if (it) {
      it.el.replaceWith(el);
      state.pending.delete(it.id);
      saveOutbox();
    } else {
      // Pending bubbles always stay at the bottom, after everything the server has confirmed.
      els.list.insertBefore(el, els.list.querySelector(':scope > .pending'));
    }
  } else {
    els.list.insertBefore(el, els.list.querySelector(':scope > .pending'));
    const prev = state.lastOut?.querySelector('.actions');
    const hadFocus = prev?.contains(document.activeElement);
    prev?.remove();
    const actions = renderActions(m);
    if (actions) el.append(actions);
    state.lastOut = el;
    if (hadFocus) {
      // Keep keyboard users in place without popping the phone keyboard open.
      const target = actions?.querySelector('button, input') || el;
      if (target === el) el.tabIndex = -1;
      target.focus({ preventScroll: true });
    }
    const spoken = m.text || (m.audio ? 'Tin nhắn thoại' : m.attachment ? KIND[m.attachment.kind] || 'Tệp' : '');
    if (live && spoken) announce(`Tin Báo: ${spoken}`);
  }

  if (!live || m.direction === 'in') scrollToEnd();
  else revealBurst(el, near);
}

// ---------- sending ----------

function addPending(item) {
  item.status = h('span', { class: 'meta' });
  // The failed bubble itself is a (pointer-only) retry target; the status button serves the keyboard.
  const bubble = h('div', { class: 'bubble', onclick: () => { if (item.el.dataset.state === 'failed') deliver(item); } },
    h('p', { class: 'text', text: item.preview }), item.progress || null);
  item.el = h('li', { class: 'msg in pending' }, h('span', { class: 'sr-only', text: 'Bạn:' }), bubble, item.status);
  state.pending.set(item.id, item);
  els.empty.hidden = true;
  els.list.append(item.el);
  saveOutbox();
  endBurst();
  scrollToEnd();
}

function setStatus(item, s) {
  item.el.dataset.state = s;
  if (s === 'failed') {
    item.status.replaceChildren(h('button', {
      type: 'button', class: 'retry',
      onclick: () => { deliver(item); els.text.focus({ preventScroll: true }); },
    }, T.failed));
    item.el.scrollIntoView({ block: 'nearest' });
  } else {
    item.status.textContent = s === 'sent' ? T.sent : T.sending;
  }
}

async function deliver(item) {
  if (item.busy) return;
  item.busy = true;
  setStatus(item, 'sending');
  if (item.progress) item.progress.value = 0;
  try {
    for (let attempt = 0; ; attempt++) {
      if (!state.pending.has(item.id)) return; // the echo already arrived
      try {
        await (item.file ? upload(item) : request('POST', '/messages', { clientMessageId: item.id, ...item.payload }));
        break;
      } catch (err) {
        if (attempt >= 3 || !retryable(err)) throw err;
        await sleep(1000 * 2 ** attempt);
      }
    }
    item.accepted = true;
    setOffline(false);
    if (state.pending.has(item.id)) setStatus(item, 'sent');
  } catch (err) {
    if (!state.pending.has(item.id)) return;
    if (err.status) note(err.message); // the server said why (too large, bad type, …)
    if (err.status && !retryable(err)) {
      // Refused as such, so a retry would be refused again: drop the bubble
      // (the note explains) and hand typed text back to the resident to edit.
      item.el.remove();
      state.pending.delete(item.id);
      saveOutbox();
      const text = item.payload?.text;
      if (text) {
        els.text.value = els.text.value ? `${text}\n${els.text.value}` : text;
        autoGrow();
        saveDraft();
      }
    } else {
      setStatus(item, 'failed');
      if (err.status === 0) setOffline(true);
    }
    item.onFail?.();
  } finally {
    item.busy = false;
  }
}

function send(payload, preview, onFail) {
  const item = { id: uuid(), payload, preview, onFail };
  addPending(item);
  deliver(item);
}

function sendFile(file, caption) {
  if (state.maxUploadBytes && file.size > state.maxUploadBytes) {
    note(`Tệp quá lớn (${fmtSize(file.size)}). Chỉ gửi được tệp tối đa ${fmtSize(state.maxUploadBytes)}.`);
    return;
  }
  const item = {
    id: uuid(), file, caption,
    preview: `Tệp: ${file.name} (${fmtSize(file.size)})${caption ? `\n${caption}` : ''}`,
    progress: h('progress', { max: 100, value: 0, 'aria-label': 'Tiến độ gửi tệp' }),
  };
  addPending(item);
  deliver(item);
}

// Unsent text/button/location survive a reload of the tab (files cannot).
function saveOutbox() {
  try {
    const items = [...state.pending.values()].filter((i) => !i.file)
      .map(({ id, payload, preview }) => ({ id, payload, preview }));
    sessionStorage.setItem('tinbao.outbox', JSON.stringify(items));
  } catch { /* storage unavailable */ }
}

function restoreOutbox() {
  let items = [];
  try { items = JSON.parse(sessionStorage.getItem('tinbao.outbox') || '[]'); } catch { /* ignore */ }
  for (const it of items) {
    if (!it?.id || state.echoed.has(it.id) || state.pending.has(it.id)) continue;
    addPending(it);
    deliver(it); // same clientMessageId, so the server will not duplicate it
  }
  saveOutbox();
}

function choose(b, group, btn) {
  if (group.dataset.used) return; // guard against double taps on slow phones
  group.dataset.used = '1';
  // aria-disabled rather than disabled so keyboard focus is not thrown away.
  for (const x of group.querySelectorAll('button')) x.setAttribute('aria-disabled', 'true');
  btn.removeAttribute('aria-disabled');
  btn.setAttribute('aria-pressed', 'true');
  send({ button: b.payload, label: b.label }, b.label, () => {
    delete group.dataset.used;
    for (const x of group.querySelectorAll('button')) { x.removeAttribute('aria-disabled'); x.removeAttribute('aria-pressed'); }
  });
}

// ---------- location ----------

let locating = false;
function sendLocation() {
  if (locating) return;
  const fail = () => {
    setLocating(false);
    note(T.locFail);
    els.text.focus({ preventScroll: true });
  };
  if (!navigator.geolocation) return fail();
  setLocating(true);
  announce(T.locating);
  navigator.geolocation.getCurrentPosition((pos) => {
    setLocating(false);
    const { latitude, longitude, accuracy } = pos.coords;
    const loc = { latitude, longitude };
    if (Number.isFinite(accuracy)) loc.accuracy = Math.round(accuracy);
    send({ location: loc }, `Vị trí của tôi: ${fmtCoord(loc)}`);
  }, fail, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
}

function setLocating(on) {
  locating = on;
  for (const b of document.querySelectorAll('[data-action="location"]')) {
    const lbl = b.querySelector('.lbl');
    if (on) { if (!lbl.dataset.text) lbl.dataset.text = lbl.textContent; lbl.textContent = T.locating; }
    else if (lbl.dataset.text) lbl.textContent = lbl.dataset.text;
    b.setAttribute('aria-disabled', String(on));
  }
}

// ---------- composer ----------

function autoGrow() {
  els.text.style.height = 'auto';
  els.text.style.height = `${Math.min(els.text.scrollHeight + 4, 160)}px`;
}

function saveDraft() {
  try { sessionStorage.setItem('tinbao.draft', els.text.value); } catch { /* ignore */ }
}

function stage(file) {
  state.staged = file;
  els.staged.hidden = !file;
  els.stagedName.textContent = file ? `Tệp đã chọn: ${file.name} (${fmtSize(file.size)})` : '';
  if (file) announce(`Đã chọn tệp ${file.name}. Bấm Gửi để gửi.`);
}

els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = els.text.value.trim();
  if (state.staged) {
    sendFile(state.staged, text);
    stage(null);
  } else if (text) {
    send({ text }, text);
  } else {
    return;
  }
  els.text.value = '';
  saveDraft();
  autoGrow();
});

els.text.addEventListener('keydown', (e) => {
  // keyCode 229: an IME (Vietnamese Telex/VNI) is still composing.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    if (els.form.requestSubmit) els.form.requestSubmit();
    else els.form.dispatchEvent(new Event('submit', { cancelable: true }));
  }
});
els.text.addEventListener('input', () => { autoGrow(); saveDraft(); });

els.attach.addEventListener('click', () => els.file.click());
els.file.addEventListener('change', () => {
  const f = els.file.files?.[0];
  els.file.value = '';
  if (!f) return;
  if (state.maxUploadBytes && f.size > state.maxUploadBytes) {
    note(`Tệp quá lớn (${fmtSize(f.size)}). Chỉ gửi được tệp tối đa ${fmtSize(state.maxUploadBytes)}.`);
    return;
  }
  stage(f);
  els.text.focus({ preventScroll: true });
});
els.unstage.addEventListener('click', () => { stage(null); els.attach.focus(); });
els.locate.addEventListener('click', sendLocation);

// ---------- voice recording ----------

let rec = null;
let recStarting = false;

function setupRecorder() {
  if (window.MediaRecorder && navigator.mediaDevices?.getUserMedia) els.record.hidden = false;
  els.record.addEventListener('click', async () => {
    if (rec) return stopRecording(false);
    if (recStarting) return; // permission prompt still open
    recStarting = true;
    try { await startRecording(); } finally { recStarting = false; }
  });
  els.reccancel.addEventListener('click', () => stopRecording(true));
}

async function startRecording() {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    note(T.micFail);
    return;
  }
  const type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/webm']
    .find((t) => MediaRecorder.isTypeSupported?.(t));
  let r;
  try {
    r = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
  } catch {
    stream.getTracks().forEach((t) => t.stop());
    note(T.micFail);
    return;
  }
  const chunks = [];
  const started = Date.now();
  r.ondataavailable = (e) => { if (e.data?.size) chunks.push(e.data); };
  r.onstop = () => {
    stream.getTracks().forEach((t) => t.stop());
    clearInterval(r.timer);
    rec = null;
    els.recbar.hidden = true;
    els.record.setAttribute('aria-pressed', 'false');
    els.recordLabel.textContent = 'Ghi âm';
    if (r.cancelled || !chunks.length) return;
    const mime = (r.mimeType || type || 'audio/webm').split(';')[0];
    const ext = { 'audio/ogg': 'ogg', 'audio/mp4': 'm4a' }[mime] || 'webm';
    const stamp = new Date().toISOString().slice(0, 19).replace(/\D/g, '');
    sendFile(new File(chunks, `ghi-am-${stamp}.${ext}`, { type: mime }));
  };
  r.timer = setInterval(() => {
    const s = Math.floor((Date.now() - started) / 1000);
    els.rectime.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
    if (Date.now() - started >= MAX_RECORD_MS) stopRecording(false);
  }, 1000);
  r.start(1000);
  rec = r;
  els.rectime.textContent = '0:00';
  els.recbar.hidden = false;
  els.record.setAttribute('aria-pressed', 'true');
  els.recordLabel.textContent = 'Dừng và gửi';
  announce('Đang ghi âm. Bấm «Dừng và gửi» khi nói xong.');
}

function stopRecording(cancel) {
  if (!rec) return;
  rec.cancelled = cancel;
  if (rec.state !== 'inactive') rec.stop();
  if (cancel) announce('Đã hủy ghi âm.');
}

// ---------- receiving: history, SSE, polling ----------

let catching = null;
function catchUp() {
  if (catching) return catching;
  catching = (async () => {
    try {
      const q = state.cursor ? `?after=${encodeURIComponent(state.cursor)}` : '';
      const data = await request('GET', `/messages${q}`);
      for (const m of data?.messages ?? []) addMessage(m, state.loaded);
      if (data?.cursor) state.cursor = data.cursor;
      setOffline(false);
      return true;
    } catch (err) {
      if (err.status === 0) setOffline(true);
      state.refusal = err.status ? err.message : null;
      return false;
    } finally {
      catching = null;
    }
  })();
  return catching;
}

let es = null;
let pollTimer = null;
let reconnectDelay = 3000;

const startPolling = () => { if (!pollTimer) pollTimer = setInterval(catchUp, 3000); };
const stopPolling = () => { clearInterval(pollTimer); pollTimer = null; };

function startStream() {
  if (!('EventSource' in window)) return startPolling();
  const q = state.cursor ? `?after=${encodeURIComponent(state.cursor)}` : '';
  es = new EventSource(`${API}/stream${q}`);
  es.onopen = () => { reconnectDelay = 3000; stopPolling(); setOffline(false); };
  es.addEventListener('message', (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch { return; }
    addMessage(m, true);
    if (e.lastEventId) state.cursor = e.lastEventId;
  });
  // We reconnect ourselves (instead of the browser's auto-retry) so the new
  // stream starts from our latest cursor; meanwhile polling keeps messages coming.
  es.onerror = () => {
    es.close();
    es = null;
    startPolling();
    setTimeout(startStream, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 30000);
  };
}

function retryFailed() {
  for (const it of state.pending.values()) if (it.el.dataset.state === 'failed') deliver(it);
}

async function init() {
  try { els.text.value = sessionStorage.getItem('tinbao.draft') || ''; } catch { /* ignore */ }
  autoGrow();
  setupRecorder();

  request('GET', '/config').then((c) => {
    if (Number(c?.maxUploadBytes) > 0) state.maxUploadBytes = Number(c.maxUploadBytes);
    if (typeof c?.accept === 'string' && c.accept) els.file.accept = c.accept;
  }).catch(() => { /* the server still enforces its limits */ });

  while (!(await catchUp())) {
    // The server's own words when it refused (e.g. too many new chats from this network), else the generic line.
    els.empty.textContent = state.refusal || T.generic;
    els.empty.hidden = false;
    await sleep(state.refusal ? 30000 : 3000);
  }
  state.loaded = true;
  els.empty.textContent = T.empty;
  els.empty.hidden = els.list.childElementCount > 0;
  showLatestAnswer();
  restoreOutbox();
  startStream();
  // A first visit opens with the bot's greeting. The fixed id makes it once per visitor, even on reload.
  // A poster's link (/chat?ma=<code>) subscribes with that code as its source, once per code and visitor.
  const code = new URLSearchParams(location.search).get('ma');
  if (code && /^[A-Za-z0-9_-]{1,64}$/.test(code)) {
    request('POST', '/messages', { clientMessageId: `start-${code}`.slice(0, 64).padEnd(8, '-'), command: 'start', args: code }).catch(() => {});
  } else if (els.list.childElementCount === 0) request('POST', '/messages', { clientMessageId: 'start-once', command: 'start' }).catch(() => {});

  window.addEventListener('online', () => { catchUp(); retryFailed(); });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) catchUp(); });
}

init();
