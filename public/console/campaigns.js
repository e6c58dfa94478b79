// Outreach campaigns ("Tuyên truyền"): the list, the editor, the preview per channel and the actions by status.
// Written for officers with little computer training: plain Vietnamese, no ids, dates dd/mm/yyyy, Vietnam time.
// The API is /api/campaigns (src/console/campaign-routes.ts); nothing here decides a permission, the API does.

import { api } from './api.js';
import { h, clear, field, select, fmtDateTime, errorBox, busy, announce, banner, confirmDialog } from './dom.js';

/** Roles that see the screen (the duty desk reads; the others write). */
export const ROLES = ['admin', 'duty', 'outreach', 'outreach_lead'];
const WRITERS = ['admin', 'outreach', 'outreach_lead'];
const APPROVERS = ['admin', 'outreach_lead'];

const TOPICS = [
  { value: 'scam', label: 'Cảnh báo lừa đảo' },
  { value: 'drugs', label: 'Phòng chống ma túy' },
  { value: 'traffic', label: 'An toàn giao thông' },
  { value: 'wanted', label: 'Truy nã, tìm người' },
  { value: 'festival', label: 'Ngày hội 19/8' },
];
const LANGUAGES = [
  { value: 'vi', label: 'Tiếng Việt' },
  { value: 'hre', label: 'Tiếng Hrê' },
  { value: 'cua', label: 'Tiếng Co' },
];
const CHANNELS = [
  { value: 'telegram', label: 'Telegram' },
  { value: 'zalo', label: 'Zalo' },
  { value: 'webchat', label: 'Trò chuyện trên trang web' },
];
const WEEKDAYS = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];

/** Why a message was not sent (skipped or failed), in words. */
const REASONS = {
  opted_out: 'Người nhận đã hủy đăng ký',
  blocked: 'Người nhận đã chặn',
  contact_stopped: 'Người nhận đã chặn',
  window_closed: 'Quá 7 ngày không nhắn (Zalo)',
  interrupted: 'Gián đoạn khi đang gửi',
  cancelled: 'Đã hủy',
  config: 'Kênh gửi chưa cài đặt đúng',
  invalid_message: 'Nền tảng không nhận nội dung này',
  connection: 'Mất kết nối mạng',
  throttled: 'Nền tảng báo gửi quá nhanh',
  server: 'Máy chủ của nền tảng bị lỗi',
  rejected: 'Nền tảng từ chối',
  unexpected_response: 'Nền tảng trả lời không rõ',
};
const HELD = 'Đang giữ đến 06:00 (Zalo không gửi ban đêm)';

const LIMITS = { telegram: 4096, zalo: 2000 };
/** The API's longest text (two Zalo messages). */
const TEXT_MAX = 3000;
/** A placeholder of a ready template the editor must replace: "[địa điểm]" (as in src/outreach/campaigns/templates.ts). */
const PLACEHOLDER = /\[[^[\]\n]{1,60}\]/g;
/** The placeholders still in these texts, each once. */
export const placeholdersIn = (...texts) => [...new Set(texts.flatMap((t) => t.match(PLACEHOLDER) ?? []))];

const BASE = '/console/campaigns';
/** Where a campaign image is served (src/channels/webchat/routes.ts); the largest file Zalo takes. */
const IMAGE_URL = /^\/chat\/campaign-images\/[0-9a-f]{64}\.(jpg|png)$/;
const IMAGE_MAX = 1024 * 1024;
/** Where a reviewed workbench recording is served to anyone (src/channels/webchat/routes.ts): only those are played here. */
const CLIP_URL = /^\/chat\/audio\/clip\/[0-9a-f]{64}\.(ogg|m4a)$/;
const CLIP_TYPES = { ogg: 'audio/ogg; codecs=opus', m4a: 'audio/mp4' };
/** "4 giây", "1 phút 20 giây". */
function fmtDuration(ms) {
  const s = Math.max(1, Math.round((ms ?? 0) / 1000));
  return s < 60 ? `${s} giây` : `${Math.floor(s / 60)} phút${s % 60 ? ` ${s % 60} giây` : ''}`;
}
/** A player for a recording's public copies (OGG/Opus first, M4A for Safari); null if an address is not a clip's. */
function player(sources, label) {
  const ok = (sources ?? []).filter((x) => typeof x?.url === 'string' && CLIP_URL.test(x.url));
  if (!ok.length) return null;
  return h('audio', { class: 'camp-audio', controls: true, preload: 'none', 'aria-label': label },
    ok.map((x) => h('source', { src: x.url, type: x.type ?? CLIP_TYPES[x.url.slice(-3)] })));
}
/** A recording bubble of the preview (a Telegram voice note, a Zalo file or link), playing the copy that channel gets. */
function clipBubble(url, what) {
  const audio = player([{ url }], what);
  return audio ? h('div', { class: 'camp-msg' }, h('div', { class: 'camp-bubble clip' }, h('p', {}, `🔊 ${what}`), audio)) : null;
}
/** Empties `el` and puts `kids` in it (nested lists flattened, null and false left out). */
function put(el, ...kids) {
  clear(el).append(...kids.flat(Infinity).filter((k) => k != null && k !== false));
  return el;
}
const labelOf = (list, value) => list.find((x) => x.value === value)?.label ?? '';
const num = (n) => Number(n ?? 0).toLocaleString('vi-VN');

let cssAdded = false;
function addCss() {
  if (cssAdded || document.querySelector('link[href$="/campaigns.css"]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/console/static/campaigns.css' }));
  cssAdded = true;
}

// ---------- dates and times: what the officer types (dd/mm/yyyy, HH:MM) ⇄ what the API takes ----------

/** "1/8/2027", "01-08-2027" → "2027-08-01"; null when not a real day. */
export function parseDay(text) {
  const m = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(text ?? '');
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** "8:00", "08:00", "8h", "8h30" → "08:00"; null otherwise. */
export function parseTime(text) {
  const m = /^\s*(\d{1,2})\s*(?:[:h.]\s*(\d{2})?)?\s*$/i.exec(text ?? '');
  if (!m) return null;
  const hh = Number(m[1]);
  const mm = Number(m[2] ?? 0);
  if (hh > 23 || mm > 59) return null;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
}

/** "2027-08-01" → "01/08/2027" */
const showDay = (isoDay) => (isoDay ? isoDay.split('-').reverse().join('/') : '');

/** An instant's Vietnam day and time: { day: "01/08/2027", time: "08:00" }. */
function vnParts(iso) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return { day: `${parts.day}/${parts.month}/${parts.year}`, time: `${parts.hour}:${parts.minute}` };
}

function describeSchedule(c) {
  const r = c.recurrence;
  if (r) {
    const days = [...r.weekdays].sort().map((d) => WEEKDAYS[d - 1]).join(', ');
    return `Hằng tuần vào ${days}, lúc ${r.time}, từ ${showDay(r.from)} đến ${showDay(r.to)}`;
  }
  if (c.scheduledAt) {
    const p = vnParts(c.scheduledAt);
    return `Lúc ${p.time} ngày ${p.day}`;
  }
  return 'Gửi ngay khi được duyệt';
}

function describeAudience(a = {}, topic, names) {
  const parts = [];
  const topics = a.topics?.length ? a.topics : [topic];
  parts.push(`Người đã đăng ký nhận tin về: ${topics.map((t) => labelOf(TOPICS, t)).join(', ')}`);
  parts.push(a.languages?.length ? `Ngôn ngữ: ${a.languages.map((l) => labelOf(LANGUAGES, l)).join(', ')}` : 'Mọi ngôn ngữ');
  parts.push(a.channels?.length ? `Kênh: ${a.channels.map((ch) => labelOf(CHANNELS, ch)).join(', ')}` : 'Mọi kênh');
  if (!a.communes?.length) parts.push('Cả tỉnh');
  else if (names && a.communes.every((code) => names.has(code))) parts.push(a.communes.map((code) => names.get(code)).join(', '));
  else parts.push(`${num(a.communes.length)} xã, phường đã chọn`);
  return parts.join(' · ');
}

function audienceQuery(topic, a = {}) {
  return {
    topic,
    topics: a.topics?.join(','),
    languages: a.languages?.join(','),
    communes: a.communes?.join(','),
    channels: a.channels?.join(','),
  };
}

/** Commune names by code, from the police units' list (the only list of names the console reads). */
let communeNames;
function loadCommuneNames() {
  communeNames ??= api('/units').then(({ items }) => {
    const names = new Map();
    for (const u of items) for (const x of u.communes ?? []) if (x.name) names.set(x.code, x.name);
    return names;
  }).catch(() => {
    communeNames = undefined;
    return new Map();
  });
  return communeNames;
}

// ---------- figures ----------

function countsBlock(c) {
  const k = c.counts ?? {};
  const reasons = Object.entries(k.byReason ?? {}).filter(([, n]) => n > 0);
  const waiting = (k.queued ?? 0) + (k.sending ?? 0) - (k.held ?? 0);
  return h('div', { class: 'camp-counts' },
    h('ul', { class: 'camp-figures' },
      h('li', { class: 'ok' }, h('strong', {}, num(k.sent)), ' đã gửi'),
      h('li', {}, h('strong', {}, num(k.skipped)), ' bỏ qua'),
      h('li', { class: k.failed ? 'bad' : '' }, h('strong', {}, num(k.failed)), ' lỗi'),
      waiting > 0 ? h('li', {}, h('strong', {}, num(waiting)), ' đang chờ gửi') : null,
      k.delivered ? h('li', {}, h('strong', {}, num(k.delivered)), ' đã đến máy') : null,
      k.seen ? h('li', {}, h('strong', {}, num(k.seen)), ' đã xem') : null),
    k.held ? h('p', { class: 'small camp-held' }, `${num(k.held)} tin: ${HELD}`) : null,
    reasons.length
      ? h('ul', { class: 'small camp-reasons' }, reasons.map(([reason, n]) => h('li', {}, `${REASONS[reason] ?? 'Lý do khác'}: ${num(n)}`)))
      : null);
}

const statusBadge = (c) => h('span', { class: `camp-status st-${c.status}` }, c.statusLabel);

// ---------- screen ----------

/** The one broadcast of each run of a Zalo article campaign: what Zalo answered, and that the reach is unknown. */
function broadcastBlock(c) {
  const runs = c.broadcasts ?? [];
  const reach = h('p', { class: 'small muted' }, 'Số người nhận được: Zalo không cho biết. Tin Báo chỉ ghi được Zalo đã nhận lệnh gửi hay chưa.');
  if (!runs.length) {
    return [h('p', { class: 'muted' }, c.status === 'cancelled' ? 'Chiến dịch đã hủy trước khi gửi.' : 'Chưa gửi. Bài viết được gửi một lần, bằng một lệnh gửi tới Zalo.'), reach];
  }
  return [
    h('ul', { class: 'camp-broadcasts' }, runs.map((b) => h('li', { class: `camp-broadcast ${b.state}` },
      h('strong', {}, b.stateLabel),
      b.sentAt ? h('div', { class: 'small' }, `Lúc: ${fmtDateTime(b.sentAt)}`) : null,
      b.state === 'queued' && b.nextAttemptAt ? h('div', { class: 'small' }, `Gửi lúc: ${fmtDateTime(b.nextAttemptAt)}`) : null,
      b.messageId ? h('div', { class: 'small' }, `Mã tin Zalo trả về (để đối chiếu với Zalo): ${b.messageId}`) : null,
      b.note ? h('p', { class: b.state === 'uncertain' || b.state === 'failed' ? 'notice' : 'small muted' }, b.note) : null))),
    reach,
  ];
}

export function mount(main, app, { params }) {
  addCss();
  const state = { disposed: false, timer: null };
  const role = app.officer?.role;
  const canWrite = WRITERS.includes(role);
  const stopPolling = () => clearTimeout(state.timer);
  const poll = (fn, ms) => {
    stopPolling();
    if (!state.disposed) state.timer = setTimeout(fn, ms);
  };

  if (!params.id) showList();
  else if (params.id === 'new') {
    if (canWrite) showEditor(null);
    else clear(main).append(h('section', { class: 'panel narrow' }, h('h1', {}, 'Tài khoản của bạn không soạn được chiến dịch.')));
  } else showCampaign(params.id);

  return {
    unmount() {
      state.disposed = true;
      stopPolling();
    },
  };

  // ---------- list ----------
  async function showList() {
    document.title = 'Tuyên truyền – Tin Báo';
    const errors = errorBox();
    const body = h('tbody');
    const count = h('span', { class: 'count muted' });
    clear(main).append(h('section', {},
      h('div', { class: 'page-head' }, h('h1', {}, 'Chiến dịch tuyên truyền'), count,
        canWrite ? h('a', { class: 'btn primary', href: `${BASE}/new` }, 'Soạn chiến dịch mới') : null),
      h('p', { class: 'muted' }, 'Tin gửi tới người dân đã đăng ký nhận tin. Chiến dịch chỉ được gửi sau khi một người khác có quyền duyệt đã duyệt.'),
      errors,
      h('div', { class: 'table-wrap' }, h('table', { class: 'camp-list' },
        h('thead', {}, h('tr', {}, ['Chiến dịch', 'Chủ đề', 'Trạng thái', 'Người soạn', 'Thời gian gửi', 'Kết quả'].map((t) => h('th', { scope: 'col' }, t)))),
        body))));
    const load = async () => {
      try {
        const { campaigns } = await api('/campaigns');
        if (state.disposed) return;
        errors.hide();
        count.textContent = `${num(campaigns.length)} chiến dịch`;
        clear(body);
        if (!campaigns.length) body.append(h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'Chưa có chiến dịch nào.')));
        for (const c of campaigns) body.append(row(c));
        if (campaigns.some((c) => c.status === 'sending' || c.status === 'approved')) poll(load, 4000);
      } catch (err) {
        if (!state.disposed) errors.show(err);
      }
    };
    await load();
  }

  function row(c) {
    return h('tr', { class: 'camp-row' },
      h('td', {}, h('a', { href: `${BASE}/${encodeURIComponent(c.id)}` }, c.title)),
      h('td', {}, labelOf(TOPICS, c.topic)),
      h('td', {}, statusBadge(c)),
      h('td', {}, c.createdBy?.displayName ?? ''),
      h('td', {}, h('div', {}, describeSchedule(c)),
        c.startedAt ? h('div', { class: 'small muted' }, `Bắt đầu gửi: ${fmtDateTime(c.startedAt)}`) : null,
        c.finishedAt ? h('div', { class: 'small muted' }, `Gửi xong: ${fmtDateTime(c.finishedAt)}`) : null),
      h('td', {}, c.kind === 'zalo_article'
        ? h('span', {}, c.broadcasts?.length ? c.broadcasts.map((b) => b.stateLabel).join(', ') : 'Bài viết Zalo, chưa gửi')
        : c.counts?.total || ['sending', 'done', 'paused'].includes(c.status) ? countsBlock(c) : h('span', { class: 'muted' }, 'Chưa gửi')));
  }

  // ---------- one campaign ----------
  async function showCampaign(id) {
    document.title = 'Chiến dịch – Tin Báo';
    const errors = errorBox();
    clear(main).append(h('p', { class: 'loading' }, 'Đang tải…'));
    let c;
    try {
      c = await api(`/campaigns/${encodeURIComponent(id)}`);
    } catch (err) {
      if (state.disposed) return;
      clear(main).append(h('section', { class: 'panel narrow' }, h('h1', {}, 'Không mở được chiến dịch'), errors), backLink());
      errors.show(err);
      return;
    }
    if (state.disposed) return;
    document.title = `${c.title} – Tin Báo`;
    const head = h('div', { class: 'page-head' });
    const facts = h('dl', { class: 'facts camp-facts' });
    const results = h('section', { class: 'panel camp-results', 'aria-labelledby': 'camp-results-title' });
    const actions = h('div', { class: 'camp-actions' });
    const previewSlot = h('section', { class: 'panel camp-preview', 'aria-labelledby': 'camp-preview-title' });
    clear(main).append(h('section', { class: 'camp-page' }, backLink(), head, errors, actions, facts, results, previewSlot));

    const render = () => {
      clear(head).append(h('h1', {}, c.title), statusBadge(c));
      const article = c.kind === 'zalo_article';
      clear(facts).append(...[
        ['Loại chiến dịch', c.kindLabel],
        ['Chủ đề', labelOf(TOPICS, c.topic)],
        article && c.article ? ['Mã bài viết Zalo', c.article.articleId] : null,
        article && c.article ? ['Người quan tâm nhận bài', c.article.targetLabel] : null,
        article ? ['Tóm tắt cho người duyệt', c.variants?.vi?.text] : null,
        ['Người soạn', c.createdBy?.displayName],
        c.submittedAt ? ['Gửi duyệt lúc', fmtDateTime(c.submittedAt)] : null,
        c.approvedBy ? ['Người duyệt', c.approvedBy.displayName] : null,
        c.approvedAt ? ['Duyệt lúc', fmtDateTime(c.approvedAt)] : null,
        ['Thời gian gửi', describeSchedule(c)],
        c.nextRunAt && !['cancelled', 'done'].includes(c.status) ? ['Lần gửi tới', fmtDateTime(c.nextRunAt)] : null,
        c.startedAt ? ['Bắt đầu gửi', fmtDateTime(c.startedAt)] : null,
        c.finishedAt ? ['Gửi xong', fmtDateTime(c.finishedAt)] : null,
        article ? null : ['Người nhận', describeAudience(c.audience, c.topic, state.names)],
      ].filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '')]));
      if (article) {
        put(results, h('h2', { id: 'camp-results-title' }, 'Kết quả gửi'), broadcastBlock(c));
        renderActions();
        return;
      }
      put(results, h('h2', { id: 'camp-results-title' }, 'Kết quả gửi'),
        c.counts?.total || ['sending', 'done', 'paused'].includes(c.status)
          ? [h('p', { class: 'small muted' }, `Tổng số tin: ${num(c.counts.total)}`), countsBlock(c)]
          : h('p', { class: 'muted' }, c.status === 'cancelled' ? 'Chiến dịch đã hủy trước khi gửi.' : 'Chưa gửi tin nào.'),
        c.status === 'sending' ? h('p', { class: 'small muted' }, 'Số liệu tự cập nhật mỗi vài giây.') : null,
        c.counts?.total ? h('p', {}, h('a', { href: `${BASE}/${encodeURIComponent(c.id)}/results` }, 'Xem kết quả chiến dịch: người nhận, người đã xem, tin báo trong 48 giờ, bài thi theo xã')) : null);
      renderActions();
    };

    const renderActions = () => {
      clear(actions);
      const mine = c.createdBy?.id === app.officer?.id;
      const buttons = [];
      const notes = [];
      const act = (label, move, question, cls = '') =>
        buttons.push(h('button', { type: 'button', class: `btn ${cls}`, onclick: (e) => doMove(e.currentTarget, label, move, question) }, label));
      if (canWrite && (c.status === 'draft' || c.status === 'submitted')) {
        buttons.push(h('button', { type: 'button', class: 'btn', onclick: () => showEditor(c) }, 'Sửa nội dung'));
      }
      if (canWrite && (c.status === 'draft' || c.status === 'submitted') && c.kind !== 'zalo_article') {
        buttons.push(h('button', { type: 'button', class: 'btn', onclick: (e) => testSend(e.currentTarget) }, 'Gửi thử đến máy của tôi'));
      }
      if (canWrite && c.status === 'draft') {
        act('Gửi duyệt', 'submit', `Gửi chiến dịch “${c.title}” để người có quyền duyệt xem và duyệt? Sau khi gửi vẫn sửa được, nhưng sửa xong phải gửi duyệt lại.`, 'primary');
      }
      if (c.status === 'submitted') {
        if (APPROVERS.includes(role) && !mine) {
          act('Duyệt', 'approve', `Duyệt chiến dịch “${c.title}”? Sau khi duyệt, tin sẽ được gửi tới người nhận: ${describeSchedule(c).toLowerCase()}.`, 'primary');
        } else if (APPROVERS.includes(role)) {
          buttons.push(h('button', { type: 'button', class: 'btn', disabled: true, 'aria-describedby': 'camp-approve-note' }, 'Duyệt'));
          notes.push(h('p', { class: 'notice', id: 'camp-approve-note' }, 'Bạn là người soạn chiến dịch này nên không tự duyệt được: cần một người khác có quyền duyệt.'));
        } else {
          notes.push(h('p', { class: 'notice', id: 'camp-approve-note' }, 'Đang chờ duyệt. Chỉ trưởng nhóm tuyên truyền hoặc quản trị (không phải người soạn) được duyệt chiến dịch.'));
        }
      }
      if (canWrite && (c.status === 'approved' || c.status === 'sending')) act('Tạm dừng', 'pause', `Tạm dừng gửi chiến dịch “${c.title}”? Những tin chưa gửi được giữ lại cho đến khi bấm “Tiếp tục”.`);
      if (canWrite && c.status === 'paused') act('Tiếp tục', 'resume', `Gửi tiếp chiến dịch “${c.title}”? Chỉ gửi những tin còn lại, tin đã gửi không bị gửi lại.`, 'primary');
      if (canWrite && !['done', 'cancelled'].includes(c.status)) {
        act('Hủy chiến dịch', 'cancel', `Hủy chiến dịch “${c.title}”? Những tin chưa gửi sẽ không bao giờ được gửi. Việc này không làm lại được.`, 'danger');
      }
      if (buttons.length || notes.length) put(actions, h('div', { class: 'row-actions' }, buttons), notes);
    };

    // A test to the editor's own chat; the first time, a one-time code links the chat (typed in the bot).
    const testSend = async (button) => {
      errors.hide();
      try {
        const r = await busy(actions, () => api(`/campaigns/${encodeURIComponent(c.id)}/test-send`, { method: 'POST' }));
        const done = `Đã gửi thử ${r.messages} tin đến máy của bạn (${{ telegram: 'Telegram', zalo: 'Zalo', webchat: 'khung chat web' }[r.channel] ?? r.channel}).`;
        banner(done, 'ok');
        announce(done);
      } catch (err) {
        if (err?.status !== 409) return errors.show(err);
        try {
          const link = await api('/campaigns/test-chat/code', { method: 'POST' });
          actions.querySelector('.test-link')?.remove();
          actions.append(h('div', { class: 'notice test-link', role: 'status' },
            h('p', {}, 'Máy của bạn chưa được liên kết để nhận tin gửi thử. Mở Tin Báo trên Telegram, Zalo hoặc khung chat web và gõ mã sau (dùng một lần, trong 15 phút):'),
            h('p', { class: 'code big' }, link.code),
            h('p', {}, 'Khi Tin Báo trả lời “Đã liên kết”, bấm lại “Gửi thử đến máy của tôi”.')));
        } catch (e) {
          errors.show(e);
        }
      }
      button?.focus?.();
    };

    const doMove = async (button, label, move, question) => {
      const yes = await confirmDialog({ title: `${label}?`, text: question, yes: label });
      if (!yes) return;
      errors.hide();
      try {
        c = await busy(actions, () => api(`/campaigns/${encodeURIComponent(c.id)}/${move}`, { method: 'POST' }));
        if (state.disposed) return;
        const done = { submit: 'Đã gửi duyệt.', approve: 'Đã duyệt chiến dịch.', pause: 'Đã tạm dừng.', resume: 'Đã cho gửi tiếp.', cancel: 'Đã hủy chiến dịch.' }[move];
        banner(done, 'ok');
        announce(done);
        render();
        watch();
      } catch (err) {
        errors.show(err);
        errors.scrollIntoView({ block: 'nearest' });
      }
    };

    /** While it is sending (or about to), the figures are read again every few seconds. */
    const watch = () => {
      stopPolling();
      if (!['approved', 'sending'].includes(c.status)) return;
      poll(async () => {
        try {
          const fresh = await api(`/campaigns/${encodeURIComponent(c.id)}`);
          if (state.disposed) return;
          c = fresh;
          render();
        } catch {
          /* the next poll tries again */
        }
        watch();
      }, c.status === 'sending' ? 2000 : 5000);
    };

    render();
    watch();
    renderPreview(previewSlot, c);
    if (c.audience?.communes?.length) {
      loadCommuneNames().then((names) => {
        state.names = names;
        if (!state.disposed) render();
      });
    }
  }

  function backLink() {
    return h('p', { class: 'camp-back' }, h('a', { href: BASE }, '← Danh sách chiến dịch'));
  }

  // ---------- preview per channel ----------
  async function renderPreview(slot, c) {
    clear(slot).append(h('h2', { id: 'camp-preview-title' }, 'Xem trước tin sẽ gửi'), h('p', { class: 'loading' }, 'Đang tải…'));
    let preview;
    try {
      preview = await api(`/campaigns/${encodeURIComponent(c.id)}/preview`);
    } catch (err) {
      const box = errorBox();
      clear(slot).append(h('h2', { id: 'camp-preview-title' }, 'Xem trước tin sẽ gửi'), box);
      box.show(err);
      return;
    }
    if (state.disposed) return;
    if (preview.broadcast) {
      put(slot, h('h2', { id: 'camp-preview-title' }, 'Xem trước lệnh gửi tới Zalo'),
        h('p', { class: 'muted' }, 'Zalo gửi chính bài viết đã soạn trong Zalo OA Manager tới người quan tâm khớp bộ lọc. Hãy mở bài viết trong Zalo OA Manager để đọc trước khi duyệt.'),
        h('p', {}, h('strong', {}, 'Người quan tâm nhận bài: '), preview.broadcast.targetLabel),
        h('details', { class: 'camp-runs' }, h('summary', {}, 'Lệnh gửi đúng như Tin Báo sẽ gửi tới Zalo (cho người quản trị kỹ thuật)'),
          h('pre', { class: 'small camp-request' }, JSON.stringify(preview.broadcast.request, null, 2))));
      return;
    }
    const tabs = h('div', { class: 'camp-tabs', role: 'tablist', 'aria-label': 'Kênh gửi' });
    const panels = [];
    for (const ch of CHANNELS) {
      const items = preview.channels.filter((x) => x.channel === ch.value);
      const tabId = `camp-tab-${ch.value}`;
      const panelId = `camp-panel-${ch.value}`;
      const panel = h('div', { class: 'camp-panel', role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, hidden: panels.length > 0 },
        ch.value in LIMITS ? h('p', { class: 'small muted' }, `Mỗi tin trên ${ch.label} dài tối đa ${num(LIMITS[ch.value])} ký tự; nội dung dài hơn được chia thành nhiều tin.`) : null,
        items.map((item) => languageBlock(ch, item)));
      const tab = h('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'aria-selected': panels.length === 0 ? 'true' : 'false', class: 'camp-tab', onclick: () => pick(tab) }, ch.label);
      tab.panel = panel;
      tabs.append(tab);
      panels.push(panel);
    }
    const pick = (tab) => {
      for (const t of tabs.children) {
        t.setAttribute('aria-selected', t === tab ? 'true' : 'false');
        t.panel.hidden = t !== tab;
      }
    };
    const runs = preview.runs ?? [];
    put(slot, h('h2', { id: 'camp-preview-title' }, 'Xem trước tin sẽ gửi'),
      h('p', { class: 'muted' }, 'Đúng như người dân sẽ thấy trên từng kênh. Nút “Dừng nhận tin” luôn có để người nhận hủy đăng ký.'),
      c.recurrence && runs.length
        ? h('details', { class: 'camp-runs' }, h('summary', {}, `Các lần gửi theo lịch: ${num(runs.length)} lần`),
          h('ul', { class: 'small' }, runs.map((r) => h('li', {}, fmtDateTime(r)))))
        : null,
      tabs, panels);
  }

  function languageBlock(ch, item) {
    const lang = labelOf(LANGUAGES, item.language);
    const inSentence = lang.charAt(0).toLowerCase() + lang.slice(1);
    const bubbles = item.requests.map((req) => bubble(ch.value, req)).filter(Boolean);
    const messages = item.messages ?? bubbles.length;
    // Hre and Co: whether a recording goes with the message (only one reviewed on the workbench), or none yet.
    const recording = item.language === 'vi' ? null : item.audio
      ? h('p', { class: 'notice camp-recording' }, `Kèm bản ghi âm ${inSentence} (${fmtDuration(item.audio.durationMs)}), đã được người thứ hai biết ${inSentence} duyệt trên Bàn dịch.${ch.value === 'webchat' ? ' Khung chat hiện nút nghe ngay trong tin.' : ' Bản ghi âm được gửi thành một tin riêng, trước phần chữ.'}`)
      : h('p', { class: 'small muted camp-recording' }, `Chưa có bản ghi âm ${inSentence} đã duyệt: người dùng ${inSentence} chỉ nhận phần chữ.`);
    return h('div', { class: 'camp-lang', dataset: { language: item.language } },
      h('h3', {}, lang),
      item.fallback ? h('p', { class: 'notice camp-fallback' }, `Chưa có bản ${inSentence}: người đọc ${inSentence} sẽ nhận bản tiếng Việt dưới đây.`) : null,
      recording,
      item.error ? h('p', { class: 'error', role: 'alert' }, `Không gửi được trên ${ch.label}: ${item.error}`) : null,
      messages > 1 ? h('p', { class: 'small muted camp-count' }, `Gửi thành ${num(messages)} tin.`) : null,
      h('div', { class: `camp-chat ch-${ch.value}` }, bubbles));
  }

  /** A campaign image in the preview: only our own image addresses are shown. */
  function imageBubble(url) {
    return typeof url === 'string' && IMAGE_URL.test(url)
      ? h('div', { class: 'camp-msg' }, h('img', { class: 'camp-bubble camp-image', src: url, alt: 'Ảnh của chiến dịch' }))
      : null;
  }

  /** One platform request as the resident sees it: its text and, under it, its buttons. */
  function bubble(channel, req) {
    let text = '';
    let buttons = [];
    if (channel === 'telegram' && req?.method === 'sendPhoto') return imageBubble(req.payload?.photo?.source);
    if (channel === 'zalo' && req?.kind === 'image') return imageBubble(req.file);
    if (channel === 'telegram' && req?.method === 'sendVoice') return clipBubble(req.payload?.voice?.source, 'Tin ghi âm (nghe ngay trong Telegram)');
    if (channel === 'zalo' && req?.kind === 'clip') return clipBubble(req.file, 'Tệp ghi âm (bấm để nghe)');
    if (channel === 'webchat' && req?.audio) {
      const rest = bubble(channel, { ...req, audio: undefined });
      const audio = player(req.audio.sources, 'Nghe bản ghi âm');
      return audio ? h('div', { class: 'camp-msg-group' }, h('div', { class: 'camp-bubble clip' }, audio), rest) : rest;
    }
    if (channel === 'webchat' && req?.image) {
      const img = imageBubble(req.image.url);
      const rest = bubble(channel, { ...req, image: undefined });
      return img ? h('div', { class: 'camp-msg-group' }, img, rest) : rest;
    }
    if (channel === 'telegram') {
      const p = req?.payload ?? {};
      text = p.text ?? p.caption ?? '';
      for (const rowBtns of p.reply_markup?.inline_keyboard ?? []) for (const b of rowBtns) buttons.push({ label: b.text, url: b.url });
    } else if (channel === 'zalo') {
      const m = req?.message ?? {};
      text = m.text ?? '';
      for (const b of m.attachment?.payload?.buttons ?? []) buttons.push({ label: b.title, url: b.type === 'oa.open.url' ? b.payload?.url : undefined });
    } else {
      text = req?.text ?? '';
      for (const rowBtns of req?.buttons ?? []) for (const b of rowBtns) buttons.push({ label: b.label });
      for (const l of req?.links ?? []) buttons.push({ label: l.label, url: l.url });
    }
    return h('div', { class: 'camp-msg' },
      h('div', { class: 'camp-bubble' }, text),
      buttons.length
        ? h('div', { class: 'camp-buttons' }, buttons.map((b) => (b.url
          ? h('a', { class: 'camp-btn link', href: b.url, target: '_blank', rel: 'noopener noreferrer', title: b.url }, `${b.label} ↗`)
          : h('span', { class: 'camp-btn' }, b.label))))
        : null);
  }

  // ---------- editor ----------
  function showEditor(c) {
    stopPolling();
    document.title = c ? `Sửa: ${c.title} – Tin Báo` : 'Soạn chiến dịch – Tin Báo';
    const errors = errorBox();
    const isNew = !c;
    const a = c?.audience ?? {};
    const uid = (name) => `camp-${name}`;

    const title = h('input', { id: uid('title'), value: c?.title ?? '', maxlength: 200, autocomplete: 'off' });
    const topic = select({ id: uid('topic') }, TOPICS, { value: c?.topic ?? 'scam' });

    const textArea = (lang, rows) => {
      const t = h('textarea', { id: uid(`text-${lang}`), rows, class: lang === 'vi' ? '' : 'native' });
      t.value = c?.variants?.[lang]?.text ?? '';
      return t;
    };
    const vi = textArea('vi', 7);
    // Hre and Co texts are written and approved by a second speaker on the translators' workbench (Bàn dịch), which
    // writes them into the campaign; here they are only shown.
    // So are their recordings: a native speaker records on the workbench and another approves; here they are played.
    const translated = (lang, name) => {
      const text = c?.variants?.[lang]?.text;
      const recording = c?.recordings?.[lang];
      const audio = recording ? player(recording.sources, `Bản ghi âm tiếng ${name}`) : null;
      return h('div', { class: 'field', id: uid(`text-${lang}`) },
        h('strong', {}, `Nội dung tiếng ${name}`),
        text ? h('p', { class: 'native camp-translated' }, text) : null,
        h('small', { class: 'hint' }, text
          ? `Bản dịch đã được người thứ hai biết tiếng ${name} duyệt trên Bàn dịch. Muốn sửa, người dịch sửa trên Bàn dịch.`
          : `Chưa có bản dịch đã duyệt: người đọc tiếng ${name} nhận bản tiếng Việt. Sau khi lưu, người biết tiếng ${name} dịch trên Bàn dịch và một người khác duyệt.`),
        h('div', { class: 'camp-recording', id: uid(`recording-${lang}`) }, audio
          ? [h('p', { class: 'small' }, `Bản ghi âm tiếng ${name} (${fmtDuration(recording.durationMs)}) đã được duyệt: người dùng tiếng ${name} nhận bản ghi âm này cùng tin.`), audio]
          : h('p', { class: 'small muted' }, `Chưa có bản ghi âm tiếng ${name} đã duyệt. Bản ghi âm chỉ do người biết tiếng ${name} ghi trên Bàn dịch và một người khác duyệt; chưa có thì chỉ gửi phần chữ.`)));
    };
    const counter = h('p', { class: 'small camp-counter', id: uid('counter'), 'aria-live': 'polite' });
    vi.setAttribute('aria-describedby', counter.id);
    const updateCounter = () => {
      const n = vi.value.normalize('NFC').trim().length;
      const parts = (limit) => Math.max(1, Math.ceil(n / limit));
      const lines = [`${num(n)} ký tự. Telegram: tối đa ${num(LIMITS.telegram)} ký tự một tin. Zalo: tối đa ${num(LIMITS.zalo)} ký tự một tin. Nội dung dài hơn được chia thành nhiều tin.`];
      if (n > LIMITS.zalo) lines.push(`Trên Zalo, nội dung này được chia thành ${parts(LIMITS.zalo)} tin.`);
      if (n > LIMITS.telegram) lines.push(`Trên Telegram, nội dung này được chia thành ${parts(LIMITS.telegram)} tin.`);
      if (n > TEXT_MAX) lines.push(`Dài quá ${num(TEXT_MAX)} ký tự: hãy rút ngắn.`);
      counter.textContent = lines.join(' ');
      counter.classList.toggle('late', n > TEXT_MAX);
    };
    vi.addEventListener('input', updateCounter);
    updateCounter();

    // Placeholders left from a ready template ("[địa điểm]"): listed under the text, and saving is refused.
    const placeholderWarn = h('div', { class: 'notice camp-placeholders', id: uid('placeholders'), role: 'status', 'aria-live': 'polite', hidden: true });
    const remaining = () => placeholdersIn(title.value, vi.value);
    const updatePlaceholders = () => {
      const left = remaining();
      placeholderWarn.hidden = !left.length;
      put(placeholderWarn, left.length
        ? [h('p', {}, h('strong', {}, 'Còn chỗ phải điền: '), left.join(', ')),
          h('p', { class: 'small' }, 'Thay từng chỗ trong ngoặc vuông bằng thông tin thật (bỏ cả dấu ngoặc). Chưa thay hết thì chưa lưu được.')]
        : []);
    };
    for (const el of [title, vi]) el.addEventListener('input', updatePlaceholders);
    updatePlaceholders();

    // Image: uploaded as soon as it is chosen; the campaign keeps its id.
    let imageId = c?.image?.id ?? null;
    const imageInput = h('input', { type: 'file', id: uid('image'), accept: 'image/jpeg,image/png' });
    const imageStatus = h('p', { class: 'small', id: uid('image-status'), role: 'status', 'aria-live': 'polite' });
    const imageThumb = h('div', { class: 'camp-image-pick' });
    const renderImage = () => put(imageThumb, imageId
      ? [h('img', { class: 'camp-thumb', src: `/chat/campaign-images/${imageId}`, alt: 'Ảnh của chiến dịch' }),
        h('button', { type: 'button', class: 'btn small', onclick: () => {
          imageId = null;
          imageInput.value = '';
          imageStatus.textContent = 'Đã bỏ ảnh. Lưu lại để chiến dịch không còn ảnh.';
          renderImage();
        } }, 'Bỏ ảnh')]
      : []);
    renderImage();
    imageInput.addEventListener('change', async () => {
      const file = imageInput.files?.[0];
      if (!file) return;
      if (file.type !== 'image/jpeg' && file.type !== 'image/png') {
        imageStatus.textContent = 'Chỉ nhận ảnh JPG hoặc PNG. Hãy chọn ảnh khác.';
        imageInput.value = '';
        return;
      }
      if (file.size > IMAGE_MAX) {
        imageStatus.textContent = 'Ảnh lớn quá: tối đa 1 MB (giới hạn của Zalo). Hãy thu nhỏ ảnh rồi chọn lại.';
        imageInput.value = '';
        return;
      }
      imageStatus.textContent = 'Đang tải ảnh lên…';
      try {
        const saved = await api('/campaigns/images', { method: 'POST', body: file });
        if (state.disposed) return;
        imageId = saved.imageId;
        imageStatus.textContent = 'Đã tải ảnh lên. Ảnh được gửi trước nội dung.';
        renderImage();
      } catch (err) {
        imageStatus.textContent = err.message;
        imageInput.value = '';
      }
    });

    // Buttons
    const has = (kind) => (c?.buttons ?? []).find((b) => b.kind === kind);
    const btnReport = h('input', { type: 'checkbox', id: uid('btn-report'), checked: !!has('report') });
    const btnQuiz = h('input', { type: 'checkbox', id: uid('btn-quiz'), checked: !!has('quiz') });
    const btnLink = h('input', { type: 'checkbox', id: uid('btn-link'), checked: !!has('link') });
    const linkLabel = h('input', { id: uid('link-label'), value: has('link')?.label ?? '', maxlength: 40, placeholder: 'Ví dụ: Xem thêm' });
    const linkUrl = h('input', { id: uid('link-url'), value: has('link')?.url ?? '', placeholder: 'https://…', spellcheck: 'false', autocapitalize: 'none', inputmode: 'url' });
    const linkFields = h('div', { class: 'two camp-indent' }, field('Chữ trên nút', linkLabel), field('Địa chỉ trang web (bắt đầu bằng https://)', linkUrl));
    const syncLink = () => (linkFields.hidden = !btnLink.checked);
    btnLink.addEventListener('change', syncLink);
    syncLink();

    // Audience
    const checks = (name, list, chosen = []) => list.map((o) => {
      const box = h('input', { type: 'checkbox', id: uid(`${name}-${o.value}`), value: o.value, checked: chosen.includes(o.value), dataset: { group: name } });
      return h('div', { class: 'field check' }, box, h('label', { for: box.id }, o.label));
    });
    const topicsBox = h('fieldset', { class: 'camp-checks' }, h('legend', {}, 'Người đã đăng ký chủ đề'), checks('topics', TOPICS, a.topics),
      h('small', { class: 'hint' }, 'Không chọn chủ đề nào: gửi cho người đã đăng ký chủ đề của chiến dịch.'));
    const langsBox = h('fieldset', { class: 'camp-checks' }, h('legend', {}, 'Ngôn ngữ người nhận'), checks('languages', LANGUAGES, a.languages),
      h('small', { class: 'hint' }, 'Không chọn: mọi ngôn ngữ.'));
    const chansBox = h('fieldset', { class: 'camp-checks' }, h('legend', {}, 'Kênh'), checks('channels', CHANNELS, a.channels),
      h('small', { class: 'hint' }, 'Không chọn: mọi kênh.'));
    const communes = new Map((a.communes ?? []).map((code) => [code, null]));
    const communeList = h('ul', { class: 'camp-communes', 'aria-label': 'Xã, phường đã chọn' });
    const communeSearch = h('input', { id: uid('commune-q'), type: 'search', autocomplete: 'off', placeholder: 'Gõ tên xã, phường' });
    const communeHits = h('ul', { class: 'camp-hits', 'aria-label': 'Xã, phường tìm thấy' });
    const audienceCount = h('p', { class: 'camp-audience', id: uid('audience'), role: 'status', 'aria-live': 'polite' }, 'Đang đếm…');

    const renderCommunes = () => {
      clear(communeList);
      if (!communes.size) communeList.append(h('li', { class: 'muted' }, 'Chưa chọn xã, phường nào: gửi cả tỉnh.'));
      for (const [code, name] of communes) {
        communeList.append(h('li', {}, name ?? 'Xã, phường đã chọn trước',
          h('button', { type: 'button', class: 'btn small ghost', 'aria-label': `Bỏ ${name ?? 'xã, phường này'}`, onclick: () => { communes.delete(code); renderCommunes(); countSoon(); } }, 'Bỏ')));
      }
    };
    renderCommunes();
    if (communes.size) {
      // Names of communes saved earlier: the police units' list carries them.
      loadCommuneNames().then((names) => {
        for (const code of communes.keys()) if (names.has(code)) communes.set(code, names.get(code));
        if (!state.disposed) renderCommunes();
      });
    }
    let searchTimer;
    communeSearch.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(async () => {
        const q = communeSearch.value.trim();
        clear(communeHits);
        if (q.length < 2) return;
        try {
          const { items } = await api('/communes', { query: { q } });
          clear(communeHits);
          if (!items.length) communeHits.append(h('li', { class: 'muted' }, 'Không thấy xã, phường nào.'));
          for (const x of items) {
            communeHits.append(h('li', {}, h('button', { type: 'button', class: 'btn small', disabled: communes.has(x.code), onclick: () => {
              communes.set(x.code, x.name);
              renderCommunes();
              clear(communeHits);
              communeSearch.value = '';
              countSoon();
            } }, `Thêm ${x.name}${x.oldName ? ` (tên cũ: ${x.oldName})` : ''}`)));
          }
        } catch (err) {
          errors.show(err);
        }
      }, 300);
    });

    // Schedule
    const mode = c?.recurrence ? 'weekly' : c?.scheduledAt ? 'at' : 'now';
    const radio = (value, label) => {
      const r = h('input', { type: 'radio', name: 'camp-when', id: uid(`when-${value}`), value, checked: mode === value });
      return h('div', { class: 'field check' }, r, h('label', { for: r.id }, label));
    };
    const at = c?.scheduledAt && !c?.recurrence ? vnParts(c.scheduledAt) : null;
    const atDay = h('input', { id: uid('at-day'), value: at?.day ?? '', placeholder: 'ngày/tháng/năm', inputmode: 'numeric', autocomplete: 'off' });
    const atTime = h('input', { id: uid('at-time'), value: at?.time ?? '', placeholder: 'giờ:phút, ví dụ 08:00', inputmode: 'numeric', autocomplete: 'off' });
    const r = c?.recurrence;
    const weekdayBoxes = WEEKDAYS.map((label, i) => {
      const box = h('input', { type: 'checkbox', id: uid(`wd-${i + 1}`), value: String(i + 1), checked: !!r?.weekdays?.includes(i + 1) });
      return { box, el: h('div', { class: 'field check' }, box, h('label', { for: box.id }, label)) };
    });
    const fromDay = h('input', { id: uid('from'), value: showDay(r?.from), placeholder: 'ngày/tháng/năm', inputmode: 'numeric', autocomplete: 'off' });
    const toDay = h('input', { id: uid('to'), value: showDay(r?.to), placeholder: 'ngày/tháng/năm', inputmode: 'numeric', autocomplete: 'off' });
    const weeklyTime = h('input', { id: uid('weekly-time'), value: r?.time ?? '', placeholder: 'giờ:phút, ví dụ 08:00', inputmode: 'numeric', autocomplete: 'off' });
    const atFields = h('div', { class: 'two camp-indent' }, field('Ngày gửi', atDay, 'Ví dụ: 19/08/2027'), field('Giờ gửi (giờ Việt Nam)', atTime));
    const weeklyFields = h('div', { class: 'camp-indent stack' },
      h('fieldset', { class: 'camp-checks' }, h('legend', {}, 'Gửi vào các ngày'), weekdayBoxes.map((w) => w.el)),
      h('div', { class: 'two' }, field('Từ ngày', fromDay, 'Ví dụ: 01/08/2027'), field('Đến ngày', toDay, 'Ví dụ: 30/09/2027')),
      field('Giờ gửi mỗi lần (giờ Việt Nam)', weeklyTime));
    const whenBox = h('fieldset', { class: 'camp-when' }, h('legend', {}, 'Khi nào gửi'),
      radio('now', 'Gửi ngay khi được duyệt'), radio('at', 'Hẹn ngày giờ gửi'), atFields, radio('weekly', 'Nhắc lại hằng tuần trong một khoảng ngày'), weeklyFields,
      h('small', { class: 'hint' }, 'Zalo không gửi tin tuyên truyền từ 22:00 đến 06:00: tin được giữ đến 06:00.'));
    const currentMode = () => whenBox.querySelector('input[name="camp-when"]:checked')?.value ?? 'now';
    const syncWhen = () => {
      atFields.hidden = currentMode() !== 'at';
      weeklyFields.hidden = currentMode() !== 'weekly';
    };
    whenBox.addEventListener('change', syncWhen);
    syncWhen();

    // Ready templates for the 19/8 Festival (new campaigns only): picking one fills the form, the editor edits it.
    const templates = new Map();
    const templatePick = isNew ? h('select', { id: uid('template') }, h('option', { value: '' }, 'Không dùng mẫu (tự soạn)')) : null;
    const templateNote = h('p', { class: 'small muted camp-template-note', hidden: true });
    if (templatePick) {
      api('/campaigns/templates').then(({ templates: list }) => {
        if (state.disposed) return;
        for (const t of list) {
          templates.set(t.id, t);
          templatePick.append(h('option', { value: t.id }, t.name));
        }
      }).catch((err) => errors.show({ message: `Chưa tải được các mẫu: ${err.message}` }));
      templatePick.addEventListener('change', () => {
        const t = templates.get(templatePick.value);
        if (!t) {
          templateNote.hidden = true;
          return;
        }
        const k = t.campaign;
        title.value = k.title;
        topic.value = k.topic;
        vi.value = k.variants.vi.text;
        const kinds = (k.buttons ?? []).map((b) => b.kind);
        btnReport.checked = kinds.includes('report');
        btnQuiz.checked = kinds.includes('quiz');
        const link = (k.buttons ?? []).find((b) => b.kind === 'link');
        btnLink.checked = !!link;
        linkLabel.value = link?.label ?? '';
        linkUrl.value = link?.url ?? '';
        syncLink();
        const rec = k.recurrence;
        whenBox.querySelector(`input[name="camp-when"][value="${rec ? 'weekly' : 'now'}"]`).checked = true;
        if (rec) {
          for (const w of weekdayBoxes) w.box.checked = rec.weekdays.includes(Number(w.box.value));
          fromDay.value = showDay(rec.from);
          toDay.value = showDay(rec.to);
          weeklyTime.value = rec.time;
        }
        syncWhen();
        templateNote.textContent = `Mẫu “${t.name}” đã được điền vào bên dưới: hãy đọc lại và sửa cho đúng với địa phương. Người viết mẫu: ${t.reviewedBy}.`;
        templateNote.hidden = false;
        updateCounter();
        updatePlaceholders();
        countSoon();
      });
    }

    const scheduleTitle = h('h2', {}, '5. Lịch gửi');
    const messageParts = [];
    const messageOnly = (el) => (messageParts.push(el), el);
    const viLabel = h('label', { for: vi.id }, 'Nội dung tiếng Việt (bắt buộc)');
    const viField = h('div', { class: 'field' }, viLabel, vi);
    const contentTitle = h('h2', {}, '2. Nội dung');
    const contentSection = h('section', { class: 'stack' }, contentTitle,
      viField, counter, placeholderWarn,
      messageOnly(h('div', { class: 'stack' },
        translated('hre', 'Hrê'),
        translated('cua', 'Co'),
        field('Ảnh (JPG hoặc PNG, tối đa 1 MB)', imageInput, 'Không bắt buộc. Ảnh được gửi trước nội dung, trên mọi kênh.'), imageStatus, imageThumb)));

    // The kind: a message to subscribers, or a Zalo article broadcast to the OA's followers (only where switched on).
    const kindRadio = (value, label) => {
      const r = h('input', { type: 'radio', name: 'camp-kind', id: uid(`kind-${value}`), value, checked: (c?.kind ?? 'message') === value });
      return { r, el: h('div', { class: 'field check' }, r, h('label', { for: r.id }, label)) };
    };
    const kindMessage = kindRadio('message', 'Tin nhắn tới người đã đăng ký nhận tin (Telegram, Zalo, trang web)');
    const kindArticle = kindRadio('zalo_article', 'Bài viết Zalo gửi người quan tâm Zalo OA');
    kindArticle.r.disabled = c?.kind !== 'zalo_article';
    const kindNote = h('p', { class: 'small muted', id: uid('kind-note'), role: 'status' }, 'Đang kiểm tra chức năng gửi bài viết Zalo…');
    kindArticle.r.setAttribute('aria-describedby', kindNote.id);
    const kindBox = h('fieldset', { class: 'camp-when' }, h('legend', {}, 'Loại chiến dịch'), kindMessage.el, kindArticle.el, kindNote);
    const isArticle = () => kindArticle.r.checked;

    const articleId = h('input', { id: uid('article-id'), value: c?.article?.articleId ?? '', maxlength: 64, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' });
    const articleFilters = h('div', { class: 'stack' });
    const reachNote = h('p', { class: 'small muted' });
    const articleSection = h('section', { class: 'stack', hidden: true }, h('h2', {}, '2. Bài viết Zalo'),
      field('Mã bài viết', articleId, 'Bài viết do người quản trị Zalo OA soạn trong Zalo OA Manager; chép mã của bài viết vào đây.'),
      articleFilters, reachNote);
    const target = c?.article?.target ?? {};
    api('/campaigns/zalo-article/options').then((o) => {
      if (state.disposed) return;
      kindArticle.r.disabled = !o.available && c?.kind !== 'zalo_article';
      kindNote.textContent = o.available
        ? 'Bài viết Zalo: một lệnh gửi tới Zalo, Zalo gửi bài viết tới người quan tâm Zalo OA khớp bộ lọc của Zalo (không theo danh sách người đăng ký).'
        : `Chưa dùng được “Bài viết Zalo gửi người quan tâm”: ${o.reason}`;
      reachNote.textContent = o.reachNote;
      const group = (name, legend, list, chosen, hint) => h('fieldset', { class: 'camp-checks' }, h('legend', {}, legend), checks(name, list, chosen), h('small', { class: 'hint' }, hint));
      put(articleFilters,
        group('z-genders', 'Giới tính', o.genders, target.genders, 'Không chọn: mọi giới tính.'),
        group('z-ages', 'Độ tuổi', o.ages, target.ages, 'Không chọn: mọi độ tuổi.'),
        o.cities.length ? group('z-cities', 'Tỉnh, thành phố', o.cities, target.cities, 'Không chọn: mọi nơi.') : h('p', { class: 'small muted' }, 'Chưa cài mã tỉnh, thành phố của Zalo: bài viết gửi tới người quan tâm ở mọi nơi.'),
        group('z-platforms', 'Điện thoại của người nhận', o.platforms, target.platforms, 'Không chọn: mọi loại điện thoại.'));
    }).catch((err) => { kindNote.textContent = `Chưa kiểm tra được chức năng gửi bài viết Zalo: ${err.message}`; });

    const form = h('form', { class: 'panel stack editor camp-editor', novalidate: true, 'aria-labelledby': uid('editor-title') },
      h('h1', { id: uid('editor-title') }, isNew ? 'Soạn chiến dịch mới' : `Sửa chiến dịch “${c.title}”`),
      !isNew && c.status === 'submitted' ? h('p', { class: 'notice' }, 'Chiến dịch này đang chờ duyệt. Lưu thay đổi thì chiến dịch trở lại bản nháp và phải gửi duyệt lại.') : null,
      errors,
      kindBox,
      h('section', { class: 'stack' }, h('h2', {}, '1. Tên và chủ đề'),
        templatePick ? field('Dùng mẫu Ngày hội 19/8', templatePick, 'Chọn một mẫu soạn sẵn cho đợt cao điểm 01/08 – 30/09; nội dung được điền vào để bạn sửa tiếp.') : null,
        templatePick ? templateNote : null,
        field('Tên chiến dịch (chỉ cán bộ thấy)', title),
        field('Chủ đề', topic)),
      articleSection,
      contentSection,
      messageOnly(h('section', { class: 'stack' }, h('h2', {}, '3. Nút bấm dưới tin'),
        h('div', { class: 'field check' }, btnReport, h('label', { for: btnReport.id }, 'Nút Báo tin')),
        h('div', { class: 'field check' }, btnQuiz, h('label', { for: btnQuiz.id }, 'Nút Làm bài thi')),
        h('div', { class: 'field check' }, btnLink, h('label', { for: btnLink.id }, 'Nút mở một trang web')),
        linkFields,
        h('small', { class: 'hint' }, 'Tin nào cũng có thêm nút “Dừng nhận tin” để người nhận hủy đăng ký.'))),
      messageOnly(h('section', { class: 'stack' }, h('h2', {}, '4. Người nhận'),
        topicsBox, langsBox, chansBox,
        h('fieldset', { class: 'camp-checks' }, h('legend', {}, 'Xã, phường'), field('Tìm xã, phường', communeSearch), communeHits, communeList),
        audienceCount)),
      h('section', { class: 'stack' }, scheduleTitle, whenBox),
      h('div', { class: 'row-actions' },
        h('button', { type: 'submit', class: 'btn primary' }, isNew ? 'Lưu bản nháp' : 'Lưu thay đổi'),
        isNew ? h('a', { class: 'btn', href: BASE }, 'Hủy') : h('button', { type: 'button', class: 'btn', onclick: () => showCampaign(c.id) }, 'Hủy')));

    const weeklyRadio = whenBox.querySelector('input[name="camp-when"][value="weekly"]').closest('.field');
    const syncKind = () => {
      const art = isArticle();
      articleSection.hidden = !art;
      for (const el of messageParts) el.hidden = art;
      weeklyRadio.hidden = art;
      counter.hidden = art; // Telegram and Zalo lengths: the summary is not sent
      if (art && currentMode() === 'weekly') {
        whenBox.querySelector('input[name="camp-when"][value="now"]').checked = true;
        syncWhen();
      }
      if (art) weeklyFields.hidden = true;
      contentTitle.textContent = art ? '3. Tóm tắt cho người duyệt' : '2. Nội dung';
      scheduleTitle.textContent = art ? '4. Lịch gửi' : '5. Lịch gửi';
      viLabel.textContent = art ? 'Tóm tắt bài viết (bắt buộc; chỉ người duyệt đọc, không gửi đi)' : 'Nội dung tiếng Việt (bắt buộc)';
      if (templatePick) templatePick.closest('.field').hidden = art;
    };
    kindBox.addEventListener('change', syncKind);
    syncKind();

    const chosen = (group) => [...form.querySelectorAll(`input[data-group="${group}"]:checked`)].map((x) => x.value);
    const audience = () => {
      const out = {};
      for (const g of ['topics', 'languages', 'channels']) {
        const v = chosen(g);
        if (v.length) out[g] = v;
      }
      if (communes.size) out.communes = [...communes.keys()];
      return out;
    };

    let countTimer;
    let countSeq = 0;
    const countNow = async () => {
      const seq = ++countSeq;
      try {
        const { count } = await api('/campaigns/audience', { query: audienceQuery(topic.value, audience()) });
        if (seq !== countSeq || state.disposed) return;
        audienceCount.textContent = `Số người sẽ nhận (tính đến lúc này): ${num(count)} người`;
        audienceCount.classList.toggle('zero', count === 0);
      } catch (err) {
        if (seq === countSeq) audienceCount.textContent = `Chưa đếm được số người nhận: ${err.message}`;
      }
    };
    function countSoon() {
      clearTimeout(countTimer);
      audienceCount.textContent = 'Đang đếm…';
      countTimer = setTimeout(countNow, 250);
    }
    topic.addEventListener('change', countSoon);
    for (const box of [topicsBox, langsBox, chansBox]) box.addEventListener('change', countSoon);
    countNow();

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      errors.hide();
      const problems = [];
      const body = { title: title.value.trim(), topic: topic.value, variants: {}, buttons: [], audience: audience(), scheduledAt: null, recurrence: null, image: imageId ? { id: imageId } : null };
      if (!body.title) problems.push('Ghi tên chiến dịch.');
      const left = remaining();
      if (left.length) problems.push(`Còn chỗ chưa điền: ${left.join(', ')}. Hãy thay bằng thông tin thật trước khi lưu.`);
      const viText = vi.value.trim();
      if (!viText) problems.push('Nội dung tiếng Việt là bắt buộc.');
      else if (viText.normalize('NFC').length > TEXT_MAX) problems.push(`Nội dung tiếng Việt dài quá ${num(TEXT_MAX)} ký tự.`);
      body.variants.vi = { text: viText };
      if (btnReport.checked) body.buttons.push({ kind: 'report' });
      if (btnQuiz.checked) body.buttons.push({ kind: 'quiz' });
      if (btnLink.checked) {
        const label = linkLabel.value.trim();
        const url = linkUrl.value.trim();
        if (!label) problems.push('Ghi chữ trên nút mở trang web.');
        if (!/^https:\/\/[^\s/]+\.[^\s]+$/.test(url)) problems.push('Địa chỉ trang web phải bắt đầu bằng https:// (ví dụ: https://congan.quangngai.gov.vn).');
        body.buttons.push({ kind: 'link', label, url });
      }
      const when = currentMode();
      if (when === 'at') {
        const day = parseDay(atDay.value);
        const time = parseTime(atTime.value);
        if (!day) problems.push('Ngày gửi chưa đúng: ghi theo dạng ngày/tháng/năm, ví dụ 19/08/2027.');
        if (!time) problems.push('Giờ gửi chưa đúng: ghi theo dạng giờ:phút, ví dụ 08:00.');
        if (day && time) {
          body.scheduledAt = `${day}T${time}:00+07:00`;
          if (new Date(body.scheduledAt).getTime() < Date.now()) problems.push('Ngày giờ gửi đã qua. Chọn một lúc sau bây giờ, hoặc chọn “Gửi ngay khi được duyệt”.');
        }
      } else if (when === 'weekly') {
        const weekdays = weekdayBoxes.filter((w) => w.box.checked).map((w) => Number(w.box.value));
        const from = parseDay(fromDay.value);
        const to = parseDay(toDay.value);
        const time = parseTime(weeklyTime.value);
        if (!weekdays.length) problems.push('Chọn ít nhất một ngày trong tuần.');
        if (!from) problems.push('“Từ ngày” chưa đúng: ghi theo dạng ngày/tháng/năm, ví dụ 01/08/2027.');
        if (!to) problems.push('“Đến ngày” chưa đúng: ghi theo dạng ngày/tháng/năm, ví dụ 30/09/2027.');
        if (from && to && from > to) problems.push('“Đến ngày” phải sau “Từ ngày”.');
        if (!time) problems.push('Giờ gửi chưa đúng: ghi theo dạng giờ:phút, ví dụ 08:00.');
        body.recurrence = { weekdays, from, to, time };
      }
      if (isArticle()) {
        // One broadcast by Zalo's own filters: no buttons, image, subscribers' audience or weekly reminders.
        const id = articleId.value.trim();
        if (!/^[A-Za-z0-9_-]{6,64}$/.test(id)) problems.push('Mã bài viết chưa đúng: chép mã bài viết (chữ và số) từ Zalo OA Manager.');
        const t = {};
        for (const [g, key] of [['z-genders', 'genders'], ['z-ages', 'ages'], ['z-cities', 'cities'], ['z-platforms', 'platforms']]) {
          const v = chosen(g);
          if (v.length) t[key] = v;
        }
        body.kind = 'zalo_article';
        body.article = { articleId: id, target: t };
        body.buttons = [];
        body.audience = {};
        body.image = null;
        body.recurrence = null;
      }
      if (problems.length) {
        errors.show({ message: 'Chưa lưu được, vì:', details: problems });
        errors.scrollIntoView({ block: 'nearest' });
        return;
      }
      try {
        const saved = await busy(form, () => (isNew
          ? api('/campaigns', { method: 'POST', body })
          : api(`/campaigns/${encodeURIComponent(c.id)}`, { method: 'PATCH', body })));
        if (state.disposed) return;
        if (isNew) app.navigate(`${BASE}/${encodeURIComponent(saved.id)}`);
        else showCampaign(saved.id);
        banner(isNew ? 'Đã lưu bản nháp. Xem trước tin bên dưới rồi bấm “Gửi duyệt”.' : 'Đã lưu thay đổi.', 'ok');
      } catch (err) {
        errors.show({ message: err.message, details: readableDetails(err.details) });
        errors.scrollIntoView({ block: 'nearest' });
      }
    });

    clear(main).append(isNew ? backLink() : h('p', { class: 'camp-back' }, h('a', { href: `${BASE}/${encodeURIComponent(c.id)}` }, '← Về chiến dịch')), form);
    title.focus();
  }
}

/** The API's field errors, with the field named in words (its messages are Vietnamese where they are the project's). */
const FIELD_NAMES = [
  [/^title/, 'Tên chiến dịch'],
  [/^topic/, 'Chủ đề'],
  [/^variants\.vi/, 'Nội dung tiếng Việt'],
  [/^variants\.hre/, 'Nội dung tiếng Hrê'],
  [/^variants\.cua/, 'Nội dung tiếng Co'],
  [/^buttons/, 'Nút bấm'],
  [/^audience\.communes/, 'Xã, phường'],
  [/^audience/, 'Người nhận'],
  [/^scheduledAt/, 'Ngày giờ gửi'],
  [/^recurrence/, 'Lịch nhắc lại hằng tuần'],
  [/^article\.articleId/, 'Mã bài viết Zalo'],
  [/^article/, 'Bài viết Zalo'],
];
export function readableDetails(details) {
  if (!Array.isArray(details)) return undefined;
  return details.map((d) => {
    if (typeof d === 'string') return d;
    const name = FIELD_NAMES.find(([re]) => re.test(d.path ?? ''))?.[1] ?? 'Dữ liệu';
    // Messages written by the project are Vietnamese; the validator's own are English: say it plainly instead.
    const vietnamese = /[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]/i.test(d.message ?? '');
    return `${name}: ${vietnamese ? d.message : 'chưa đúng, hãy xem lại.'}`;
  });
}
