// One tip's file: facts, place, routing, evidence, thread, internal notes, timeline, and the
// actions this officer may take. Every action sends the version the page was loaded with;
// a 409 "stale" reloads the tip and keeps what the officer typed.

import { api } from './api.js';
import { h, clear, select, field, fmtDateTime, fmtSize, clock, announce, banner, busy, errorBox, confirmDialog } from './dom.js';
import { describeEvent, actorOf, useDateFormat, ruleText } from './timeline.js';
import { markSeen } from './queue.js';

useDateFormat(fmtDateTime);

export const KIND = { photo: 'Ảnh', video: 'Video', voice: 'Ghi âm', audio: 'Âm thanh', document: 'Tài liệu' };
/** Shown over a half-filled form when a colleague's action raised the tip's version. */
const STALE_WARNING = 'Tin báo này vừa có thay đổi. Tải lại để xem nội dung mới nhất trước khi gửi.';
/** The identity questions a file may answer (Attachment.identityStep), as officers read them. */
const IDENTITY_STEPS = { name: 'họ tên', phone: 'số điện thoại', identity: 'giữ kín tên hay không' };
/** Why a file sent by the resident was not kept (Attachment.rejectReason). */
const REJECTED = {
  too_large: 'tệp quá lớn', bad_type: 'không đúng loại tệp hoặc tệp hỏng', failed: 'không tải được từ nền tảng',
  no_space: 'máy chủ tạm hết chỗ lưu tệp', unwritable: 'thư mục lưu tệp trên máy chủ không ghi được',
};
/** The report flow stores its "when" buttons as codes in occurredText; typed text stays as typed. */
const WHEN = { now: 'Đang xảy ra', today: 'Hôm nay', yesterday: 'Hôm qua', earlier: 'Trước đó' };

/**
 * When it happened: the range in words from the API (never one exact time) and, beside it, what
 * the resident wrote or chose.
 */
function occurredFact(t) {
  const words = t.occurredText ? (WHEN[t.occurredText] ? `Người báo chọn: ${WHEN[t.occurredText]}` : `Người báo viết: ${t.occurredText}`) : null;
  if (!t.occurredLabel && !words) return null;
  return h('span', { class: 'occurred' },
    t.occurredLabel ? h('span', { class: 'occurred-range' }, t.occurredLabel) : h('span', { class: 'muted' }, 'Chưa rõ khoảng thời gian'),
    words ? h('span', { class: 'occurred-words muted small' }, words) : null);
}
const DELIVERY = {
  queued: 'Đang chờ gửi',
  sent: 'Đã gửi',
  failed: 'Gửi không được',
  window_closed: 'Không gửi được: đã quá hạn trả lời của kênh',
  uncertain: 'Chưa rõ đã tới chưa',
};

export function mount(main, app, { params }) {
  const id = params.id;
  const state = { tip: null, disposed: false, acting: false, officers: undefined, units: undefined, duplicates: undefined, identity: null, actedAt: 0, staleNotice: null, announced: 0 };
  document.title = 'Tin báo – Tin Báo';
  clear(main).append(h('p', { class: 'loading' }, 'Đang tải tin báo…'));

  const tipUrl = (suffix = '') => `/tips/${encodeURIComponent(id)}${suffix}`;

  async function load({ keepDrafts = false } = {}) {
    const drafts = keepDrafts ? collectDrafts() : {};
    const focusId = keepDrafts ? document.activeElement?.id : null;
    try {
      const tip = await api(tipUrl());
      if (state.disposed) return;
      state.tip = tip;
      markSeen(id);
      render();
      restoreDrafts(drafts);
      // A warning about a version this page now shows is out of date (it can come in while the page reloads).
      if (tip.version >= state.announced && document.getElementById('banner')?.textContent.includes(STALE_WARNING)) banner(null);
      if (focusId) document.getElementById(focusId)?.focus();
    } catch (err) {
      if (state.disposed) return;
      if (err.status === 404 || err.status === 403) return showMissing(err);
      if (!state.tip) clear(main).append(h('section', { class: 'panel narrow' }, h('h1', {}, 'Không tải được tin báo'), h('p', { class: 'error', role: 'alert' }, err.message)));
      else banner(err.message);
    }
  }

  function showMissing(err) {
    state.tip = null;
    document.title = 'Không tìm thấy tin báo – Tin Báo';
    clear(main).append(h('section', { class: 'panel narrow missing' },
      h('h1', {}, 'Không tìm thấy tin báo'),
      h('p', {}, err.message || 'Tin báo không có hoặc không thuộc đơn vị của bạn.'),
      h('p', {}, h('a', { href: `/console${app.lastQueue}` }, '← Về danh sách tin báo'))));
  }

  // ----- drafts: what the officer typed survives reloads -----
  function collectDrafts() {
    const out = {};
    for (const el of main.querySelectorAll('[data-draft]')) out[el.dataset.draft] = el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value;
    return out;
  }
  function restoreDrafts(drafts) {
    for (const el of main.querySelectorAll('[data-draft]')) {
      const v = drafts[el.dataset.draft];
      if (v === undefined) continue;
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = v;
      else el.value = v;
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }
  /** A version-bearing form has unsaved input: a live change must not silently swap the version under it. */
  function dirty() {
    return [...main.querySelectorAll('[data-versioned]')].some((el) => (el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value.trim() !== ''));
  }

  /** Runs one action; on success the response (fresh TipDetail) replaces the page. */
  async function act(form, errors, path, body, { done, keepOnSuccess = false } = {}) {
    errors.hide();
    const focusId = document.activeElement?.id;
    state.acting = true;
    try {
      const result = await busy(form, () => api(tipUrl(path), { method: 'POST', body })).finally(() => {
        state.acting = false;
        state.actedAt = Date.now();
      });
      state.staleNotice = null;
      if (result && result.id === id && result.version !== undefined) {
        const drafts = keepOnSuccess ? collectDrafts() : {};
        state.tip = result;
        render();
        restoreDrafts(drafts);
      } else await load();
      banner(null);
      refocus(focusId);
      if (done) {
        announce(done);
        showSaved(done);
      }
      return result;
    } catch (err) {
      if (err.code === 'stale' || err.status === 409) {
        state.staleNotice = err.message;
        await load({ keepDrafts: true });
        banner(`${err.message} Trang đã được tải lại với nội dung mới nhất; những gì bạn đã nhập vẫn còn. Xem lại rồi gửi lại.`, 'warn');
        document.getElementById('banner')?.focus?.();
      } else if (err.status === 404) {
        showMissing(err);
      } else errors.show(err);
      return null;
    }
  }

  /** Keyboard users keep their place after the page re-renders. */
  function refocus(focusId) {
    const target = (focusId && focusId !== 'btn-claim' && document.getElementById(focusId)) || main.querySelector('#status-next') || main;
    target.focus();
  }

  function showSaved(text) {
    const el = main.querySelector('#saved');
    if (el) {
      el.textContent = text;
      el.hidden = false;
    }
  }

  // ----- rendering -----
  function render() {
    const t = state.tip;
    document.title = `${t.reference} – Tin Báo`;
    const statusInfo = (app.meta.statuses ?? []).find((s) => s.value === t.status);
    const isOpen = statusInfo?.open ?? true;
    const head = h('div', { class: 'tip-head' },
      h('p', { class: 'back' }, h('a', { href: `/console${app.lastQueue}` }, '← Danh sách tin báo'), h('span', { class: 'muted small' }, ' (Esc)'),
        ' · ', h('a', { href: `/console/tips/${encodeURIComponent(t.id)}/print`, id: 'link-print' }, 'In hồ sơ')),
      h('h1', {}, h('span', { class: 'ref' }, t.reference), ' ', h('span', { class: 'cat' }, app.label('categories', t.category))),
      h('p', { class: 'chips' },
        t.urgent ? h('span', { class: 'badge urgent' }, 'Khẩn') : null,
        h('span', { class: `status s-${t.status}` }, app.label('statuses', t.status)),
        t.outcome ? h('span', { class: 'badge' }, app.label('outcomes', t.outcome)) : null,
        t.routing?.needsConfirmation ? h('span', { class: 'badge confirm' }, 'Cần xác nhận nơi xảy ra') : null,
        isOpen ? clock(t.dueAt, { overdue: t.overdue ? true : undefined, label: t.status === 'new' ? 'Hạn tiếp nhận' : 'Hạn giải quyết' }) : null),
      state.staleNotice ? h('p', { class: 'stale', role: 'alert' }, state.staleNotice) : null,
      h('p', { id: 'saved', class: 'saved', role: 'status', hidden: true }));

    const side = h('div', { class: 'tip-side' }, actionsPanel(t), deadlinesPanel(t, isOpen), reporterPanel(t));
    const body = h('div', { class: 'tip-body' }, factsPanel(t), placePanel(t), evidencePanel(t), threadPanel(t), notesPanel(t), timelinePanel(t));
    clear(main).append(h('article', { class: 'tip', 'aria-labelledby': 'tip-title' }, head, h('div', { class: 'tip-grid' }, side, body)));
    main.querySelector('.tip-head h1').id = 'tip-title';
  }

  function dl(rows) {
    return h('dl', { class: 'facts' }, rows.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? h('span', { class: 'muted' }, '—'))]));
  }

  function factsPanel(t) {
    return h('section', { class: 'panel', 'aria-labelledby': 'h-facts' },
      h('h2', { id: 'h-facts' }, 'Nội dung tin báo'),
      h('p', { class: 'description' }, t.description),
      dl([
        ['Loại tin', app.label('categories', t.category)],
        ['Thời gian xảy ra', occurredFact(t)],
        ['Nhận lúc', fmtDateTime(t.createdAt)],
        ['Mức độ', t.urgent ? h('span', {}, h('strong', { class: 'late' }, 'Khẩn'), t.urgentReason ? ` — ${t.urgentReason}` : '') : 'Không khẩn'],
        ['Ngôn ngữ', app.label('languages', t.language)],
        ['Kênh', app.label('channels', t.channel)],
        ['Trạng thái', app.label('statuses', t.status)],
        ['Kết quả giải quyết', t.outcome ? app.label('outcomes', t.outcome) : null],
        t.duplicateOf || t.duplicateOfId ? ['Trùng với tin', h('a', { href: `/console/tips/${encodeURIComponent(t.duplicateOf?.id ?? t.duplicateOfId)}` }, t.duplicateOf?.reference ?? t.duplicateOfId)] : null,
        t.duplicates?.length ? ['Tin trùng đã gộp vào', h('ul', { class: 'plain' }, t.duplicates.map((d) => h('li', {}, h('a', { href: `/console/tips/${encodeURIComponent(d.id)}` }, d.reference), ` · ${app.label('statuses', d.status)}`)))] : null,
      ]));
  }

  function deadlinesPanel(t, isOpen) {
    const ext = t.settleExtensions;
    const extRows = Array.isArray(ext) ? ext : [];
    return h('section', { class: 'panel', 'aria-labelledby': 'h-deadlines' },
      h('h2', { id: 'h-deadlines' }, 'Thời hạn'),
      dl([
        ['Hạn tiếp nhận', h('span', {}, fmtDateTime(t.deadlines?.ackDueAt), ' ', t.acknowledgedAt ? h('span', { class: 'muted' }, `(đã tiếp nhận ${fmtDateTime(t.acknowledgedAt)})`) : t.status === 'new' ? clock(t.deadlines?.ackDueAt, { overdue: t.overdue === 'ack' ? true : undefined }) : null)],
        ['Hạn giải quyết', h('span', {}, fmtDateTime(t.deadlines?.settleDueAt), ' ', isOpen ? clock(t.deadlines?.settleDueAt, { overdue: t.overdue === 'settle' ? true : undefined }) : null)],
        ext !== undefined && ext !== null && (extRows.length || Number(ext) > 0)
          ? ['Gia hạn', extRows.length
            ? h('ul', { class: 'plain' }, extRows.map((e) => h('li', {}, `+${e.days ?? '?'} ngày${e.reason ? `: ${e.reason}` : ''}${e.by || e.officerName ? ` (${e.by ?? e.officerName}` : ''}${e.at || e.createdAt ? `${e.by || e.officerName ? ', ' : ' ('}${fmtDateTime(e.at ?? e.createdAt)})` : e.by || e.officerName ? ')' : ''}`)))
            : `Đã gia hạn ${Number(ext)} lần`]
          : null,
        t.closedAt ? ['Kết thúc lúc', fmtDateTime(t.closedAt)] : null,
      ]));
  }

  function placePanel(t) {
    const loc = t.location ?? {};
    const hasPoint = typeof loc.latitude === 'number' && typeof loc.longitude === 'number';
    const lat = hasPoint ? loc.latitude.toFixed(6) : '';
    const lon = hasPoint ? loc.longitude.toFixed(6) : '';
    const confirm = t.routing?.needsConfirmation && t.allowed?.route ? confirmCommuneForm(t) : null;
    return h('section', { class: 'panel', 'aria-labelledby': 'h-place' },
      h('h2', { id: 'h-place' }, 'Nơi xảy ra và phân công'),
      dl([
        ['Xã, phường', loc.communeName || (loc.communeCode ? 'Xã, phường không còn trong danh sách hành chính' : null)],
        ['Người báo tin ghi', loc.placeText],
        ['Tọa độ', hasPoint ? h('span', {}, `${lat}, ${lon} `, h('a', { href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`, target: '_blank', rel: 'noopener noreferrer', class: 'ext' }, 'Mở bản đồ')) : null],
        ['Đơn vị phụ trách', t.routing?.unitName ?? null],
        ['Lý do giao', t.routing?.ruleText ?? (t.routing?.rule ? ruleText(t.routing.rule) : null)],
        t.routing?.units?.length ? ['Các đơn vị', h('ul', { class: 'plain' }, t.routing.units.map((u) => h('li', { class: u.active ? '' : 'muted' },
          `${u.unitName}${u.role === 'primary' ? ' (phụ trách)' : ' (phối hợp)'}`,
          u.active ? '' : ` — đến ${fmtDateTime(u.until)}`)))] : null,
      ]),
      t.routing?.needsConfirmation ? h('p', { class: 'notice' }, 'Nơi xảy ra được đoán từ chữ người báo tin gõ. Cán bộ cần xác nhận xã, phường.') : null,
      confirm);
  }

  function confirmCommuneForm(t) {
    const errors = errorBox();
    const search = h('input', { id: 'commune-q', type: 'search', autocomplete: 'off', placeholder: 'Gõ tên xã, phường', value: t.location?.communeName ?? '' });
    const choice = h('select', { id: 'commune-code', 'data-draft': 'commune-code', required: true }, h('option', { value: '' }, 'Chọn xã, phường'));
    if (t.location?.communeCode) choice.append(h('option', { value: t.location.communeCode, selected: true }, `${t.location.communeName ?? t.location.communeCode} (đang ghi)`));
    const reason = h('input', { id: 'commune-reason', 'data-draft': 'commune-reason', value: '', placeholder: 'Ví dụ: đã gọi xác minh với người báo tin' });
    let timer;
    search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = search.value.trim();
        if (q.length < 2) return;
        try {
          const { items } = await api('/communes', { query: { q } });
          clear(choice).append(h('option', { value: '' }, items.length ? 'Chọn xã, phường' : 'Không thấy xã, phường nào'));
          for (const c of items) choice.append(h('option', { value: c.code }, `${c.name}${c.oldName ? ` (tên cũ: ${c.oldName})` : ''} — ${c.code}`));
          if (items.length === 1) choice.value = items[0].code;
        } catch (err) {
          errors.show(err);
        }
      }, 300);
    });
    const form = h('form', { class: 'stack inline-form', novalidate: true, 'aria-label': 'Xác nhận xã, phường nơi xảy ra' },
      h('h3', {}, 'Xác nhận xã, phường'), errors,
      field('Tìm xã, phường', search), field('Xã, phường', choice), field('Lý do', reason),
      h('button', { type: 'submit', class: 'btn primary' }, 'Xác nhận nơi xảy ra'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!choice.value) return errors.show({ message: 'Chọn xã, phường.' });
      if (reason.value.trim().length < 3) return errors.show({ message: 'Ghi lý do (ít nhất 3 ký tự).' });
      await routeTip(form, errors, { communeCode: choice.value, reason: reason.value.trim() }, 'Đã xác nhận nơi xảy ra.');
    });
    return form;
  }

  async function routeTip(form, errors, body, done) {
    errors.hide();
    try {
      state.acting = true;
      await busy(form, () => api(tipUrl('/route'), { method: 'POST', body: { ...body, version: state.tip.version } })).finally(() => {
        state.acting = false;
        state.actedAt = Date.now();
      });
    } catch (err) {
      if (err.code === 'stale') {
        banner(err.message, 'warn');
        await load({ keepDrafts: true });
      } else errors.show(err);
      return;
    }
    try {
      const tip = await api(tipUrl());
      state.tip = tip;
      render();
      announce(done);
      showSaved(done);
    } catch (err) {
      // Moved out of this officer's unit: the tip is no longer theirs to see.
      // Back to the queue first: opening a screen clears the banner.
      if (err.status === 404) {
        app.backToQueue();
        banner(`${done} Tin không còn thuộc đơn vị của bạn.`, 'ok');
      } else banner(err.message);
    }
  }

  /**
   * "Người báo đọc họ tên và số điện thoại bằng tin nhắn thoại — bấm Xem danh tính để nghe." when the reporter answered
   * the identity questions by voice (the clips are not evidence: they open only with the audited reveal).
   */
  function spokenIdentityNote(r, canReveal) {
    const files = r.identityFiles ?? [];
    if (!files.length) return null;
    const said = [...new Set(files.map((f) => IDENTITY_STEPS[f.step]).filter(Boolean))];
    const voice = files.some((f) => f.kind === 'voice' || f.kind === 'audio');
    const what = said.length ? said.join(' và ') : 'danh tính';
    const how = voice ? `đọc ${what} bằng tin nhắn thoại` : `gửi tệp khi được hỏi ${what}`;
    return h('p', { class: 'notice', id: 'spoken-identity' }, canReveal
      ? `Người báo ${how} — bấm Xem danh tính để ${voice ? 'nghe' : 'xem'}.`
      : `Người báo ${how}. Tài khoản của bạn không được ${voice ? 'nghe' : 'xem'}.`);
  }

  /** The reporter's identity files, shown only after the reveal (each opening is audited again by the server). */
  function identityFile(f) {
    const label = IDENTITY_STEPS[f.step] ?? 'danh tính';
    const view = f.kind === 'voice' || f.kind === 'audio' || f.mime?.startsWith('audio/')
      ? h('audio', { src: f.url, controls: true, preload: 'none', 'aria-label': `Tin nhắn thoại: ${label}` })
      : h('a', { href: f.url, target: '_blank', rel: 'noopener' }, `Mở tệp (${label})`);
    return h('li', { class: 'attachment' }, h('strong', {}, `${label[0].toUpperCase()}${label.slice(1)}: `), view);
  }

  function reporterPanel(t) {
    const r = t.reporter ?? {};
    const kids = [];
    if (r.anonymous) kids.push(h('p', {}, 'Người báo tin ẩn danh.'), h('p', { class: 'muted small' }, 'Người báo tin đề nghị giữ bí mật danh tính. Không có thông tin nhận dạng.'));
    else if (state.identity) {
      const files = state.identity.files ?? [];
      // A phone read aloud is not a number: "(trả lời bằng tin nhắn thoại)" stays words, the clip below is the answer.
      const digits = String(state.identity.phone ?? '').replace(/[^\d+]/g, '');
      kids.push(dl([['Họ tên', state.identity.name], ['Số điện thoại', state.identity.phone && digits.length >= 9 ? h('a', { href: `tel:${digits}` }, state.identity.phone) : state.identity.phone]]),
        files.length ? h('ul', { class: 'evidence identity-files', 'aria-label': 'Tệp danh tính người báo tin' }, files.map(identityFile)) : null,
        h('p', { class: 'muted small' }, 'Việc xem danh tính đã được ghi vào nhật ký.'));
    } else if (r.identityAvailable) {
      const errors = errorBox();
      const btn = h('button', { type: 'button', class: 'btn danger', id: 'btn-reveal' }, 'Xem danh tính người báo tin');
      btn.addEventListener('click', async () => {
        const ok = await confirmDialog({
          title: 'Xem danh tính người báo tin?',
          text: 'Người báo tin để lại họ tên và số điện thoại. Việc xem danh tính được ghi vào nhật ký, kèm tên tài khoản của bạn và thời điểm xem. Chỉ xem khi cần cho việc giải quyết tin báo.',
          yes: 'Xem và ghi nhật ký',
        });
        if (!ok) return btn.focus();
        try {
          state.identity = await api(tipUrl('/identity'), { method: 'POST' });
          render();
          announce('Đã hiện danh tính người báo tin.');
        } catch (err) {
          errors.show(err);
        }
      });
      kids.push(h('p', {}, 'Người báo tin để lại danh tính.'), spokenIdentityNote(r, true), errors, btn);
    } else kids.push(h('p', {}, 'Người báo tin để lại danh tính.'), spokenIdentityNote(r, false), h('p', { class: 'muted small' }, 'Tài khoản của bạn không được xem danh tính người báo tin.'));
    return h('section', { class: 'panel', 'aria-labelledby': 'h-reporter' }, h('h2', { id: 'h-reporter' }, 'Người báo tin'), kids);
  }

  function evidencePanel(t) {
    const items = t.attachments ?? [];
    return h('section', { class: 'panel', 'aria-labelledby': 'h-evidence' },
      h('h2', { id: 'h-evidence' }, `Chứng cứ, tệp đính kèm${items.length ? ` (${items.length})` : ''}`),
      items.length ? h('ul', { class: 'evidence' }, items.map(attachment)) : h('p', { class: 'muted' }, 'Người báo tin không gửi tệp nào.'));
  }

  function attachment(a) {
    // The link carries the name the download gets (from the real type); the resident's own name is only text.
    const name = a.downloadName || KIND[a.kind] || 'Tệp';
    let view = null;
    if (a.url && a.status === 'stored') {
      if (a.kind === 'photo' || a.mime?.startsWith('image/')) view = h('a', { href: a.url, target: '_blank', rel: 'noopener' }, h('img', { src: a.url, alt: `${KIND.photo} do người báo tin gửi: ${a.originalName || name}`, loading: 'lazy' }));
      else if (a.kind === 'video' || a.mime?.startsWith('video/')) view = h('video', { src: a.url, controls: true, preload: 'metadata' });
      else if (a.kind === 'voice' || a.kind === 'audio' || a.mime?.startsWith('audio/')) view = h('audio', { src: a.url, controls: true, preload: 'metadata' });
    }
    return h('li', { class: 'attachment' },
      view,
      h('div', { class: 'att-meta' },
        h('strong', {}, `${KIND[a.kind] ?? a.kind}: `), a.url ? h('a', { href: a.url, target: '_blank', rel: 'noopener' }, name) : name,
        a.originalName ? h('div', { class: 'muted small original-name' }, 'Tên tệp người gửi đặt: ', h('bdi', {}, a.originalName)) : null,
        h('div', { class: 'muted small' }, [a.mime, fmtSize(a.size)].filter(Boolean).join(' · ')),
        a.sha256 ? h('div', { class: 'small hash' }, 'SHA-256: ', h('code', {}, a.sha256)) : null,
        a.status !== 'stored' ? h('div', { class: 'small late' }, `Không lưu được${a.rejectReason ? `: ${REJECTED[a.rejectReason] ?? a.rejectReason}` : ''}`) : null));
  }

  function threadPanel(t) {
    const byId = new Map((t.attachments ?? []).map((a) => [a.id, a]));
    const list = h('ol', { class: 'thread' }, (t.messages ?? []).map((m) => {
      const att = m.attachmentId ? byId.get(m.attachmentId) : null;
      const out = m.direction === 'out';
      return h('li', { class: out ? 'msg out' : 'msg in' },
        h('div', { class: 'who small' }, out ? (m.officerName ?? 'Cán bộ') : 'Người báo tin', ' · ', h('time', { datetime: m.createdAt }, fmtDateTime(m.createdAt))),
        m.body ? h('p', { class: 'body' }, m.body) : null,
        att ? h('p', { class: 'small' }, 'Tệp: ', att.url ? h('a', { href: att.url, target: '_blank', rel: 'noopener' }, att.downloadName || KIND[att.kind] || 'tệp') : att.originalName || KIND[att.kind] || 'tệp') : null,
        out ? h('div', { class: `delivery small d-${m.delivery ?? 'none'}` }, DELIVERY[m.delivery] ?? (m.deliveredAt ? 'Đã gửi' : ''), m.deliveredAt ? ` ${fmtDateTime(m.deliveredAt)}` : '') : null);
    }));
    const kids = [h('h2', { id: 'h-thread' }, 'Trao đổi với người báo tin'), t.messages?.length ? list : h('p', { class: 'muted' }, 'Chưa có tin nhắn nào.')];
    const win = t.replyWindow ?? { open: true };
    // A closed window is shown before anything is typed: the box stays, sending is off.
    if (t.allowed?.reply || (app.can('canAct') && !win.open)) {
      const errors = errorBox();
      const text = h('textarea', { id: 'reply', 'data-draft': 'reply', rows: 3, maxlength: 4000, 'aria-keyshortcuts': 'r' });
      const send = h('button', { type: 'submit', class: 'btn primary', disabled: !win.open }, 'Gửi cho người báo tin');
      const form = h('form', { class: 'stack reply', novalidate: true, 'aria-label': 'Trả lời người báo tin' },
        !win.open ? h('p', { class: 'notice warn', role: 'note' }, win.message ?? 'Kênh này không cho gửi tin nhắn cho người báo tin lúc này.') : null,
        win.open && win.closesAt ? h('p', { class: 'muted small' }, `Có thể nhắn đến ${fmtDateTime(win.closesAt)} (sau đó kênh không cho gửi).`) : null,
        errors,
        field('Tin nhắn cho người báo tin', text, 'Người báo tin sẽ nhận được tin này. Không ghi tên cán bộ hay thông tin nội bộ.'),
        send);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!win.open) return;
        const body = text.value.trim();
        if (!body) return errors.show({ message: 'Nhập nội dung tin nhắn.' });
        const ok = await act(form, errors, '/messages', { body }, { done: 'Đã gửi tin nhắn cho người báo tin.' });
        if (ok) main.querySelector('#reply')?.focus();
      });
      kids.push(form);
    }
    return h('section', { class: 'panel', 'aria-labelledby': 'h-thread' }, kids);
  }

  function notesPanel(t) {
    const kids = [
      h('h2', { id: 'h-notes' }, 'Ghi chú nội bộ — không gửi cho người báo tin'),
      t.notes?.length
        ? h('ul', { class: 'notes' }, t.notes.map((n) => h('li', {}, h('div', { class: 'who small' }, `${n.officerName ?? 'Cán bộ'} · ${fmtDateTime(n.createdAt)}`), h('p', { class: 'body' }, n.body))))
        : h('p', { class: 'muted' }, 'Chưa có ghi chú.'),
    ];
    if (t.allowed?.note) {
      const errors = errorBox();
      const text = h('textarea', { id: 'note', 'data-draft': 'note', rows: 2, maxlength: 4000 });
      const form = h('form', { class: 'stack', novalidate: true, 'aria-label': 'Thêm ghi chú nội bộ' }, errors, field('Ghi chú mới (chỉ cán bộ thấy)', text), h('button', { type: 'submit', class: 'btn' }, 'Lưu ghi chú'));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const body = text.value.trim();
        if (!body) return errors.show({ message: 'Nhập nội dung ghi chú.' });
        await act(form, errors, '/notes', { body }, { done: 'Đã lưu ghi chú nội bộ.' });
      });
      kids.push(form);
    }
    return h('section', { class: 'panel notes-panel', 'aria-labelledby': 'h-notes' }, kids);
  }

  function timelinePanel(t) {
    const label = (k, v) => app.label(k, v);
    return h('section', { class: 'panel', 'aria-labelledby': 'h-timeline' },
      h('h2', { id: 'h-timeline' }, 'Diễn biến'),
      t.events?.length ? null : h('p', { class: 'muted' }, 'Chưa có diễn biến nào.'),
      h('ol', { class: 'timeline', hidden: !t.events?.length }, (t.events ?? []).map((ev) => h('li', { dataset: { type: ev.type } },
        h('time', { datetime: ev.createdAt, class: 'small muted' }, fmtDateTime(ev.createdAt)),
        ' ', h('span', { class: 'small muted' }, actorOf(ev)), h('div', {}, describeEvent(ev, label))))));
  }

  // ----- actions -----
  function actionsPanel(t) {
    const a = t.allowed ?? {};
    const kids = [h('h2', { id: 'h-actions' }, 'Xử lý'),
      h('p', {}, t.assignedOfficer ? ['Cán bộ thụ lý: ', h('strong', {}, t.assignedOfficer.displayName)] : h('span', { class: 'muted' }, 'Chưa giao cho cán bộ nào.'))];
    if (a.claim) {
      const errors = errorBox();
      const form = h('form', { class: 'stack', novalidate: true }, errors,
        h('button', { type: 'submit', class: 'btn primary', id: 'btn-claim', 'aria-keyshortcuts': 'c' }, t.assignedOfficer ? 'Nhận xử lý thay' : 'Nhận xử lý', h('kbd', { class: 'hint-key', 'aria-hidden': 'true' }, 'c')));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        act(form, errors, '/claim', { version: state.tip.version }, { done: 'Bạn đã nhận xử lý tin này.', keepOnSuccess: true });
      });
      kids.push(form);
    }
    if (a.status && t.next?.length) kids.push(statusForm(t));
    if (a.assign) kids.push(assignForm(t));
    if (a.route) kids.push(routeForm(t));
    if (a.merge) kids.push(mergeForm(t));
    if (a.extend) kids.push(extendForm(t));
    if (kids.length === 2) kids.push(h('p', { class: 'muted small' }, 'Tài khoản của bạn chỉ được xem tin này.'));
    return h('section', { class: 'panel actions', 'aria-labelledby': 'h-actions' }, kids);
  }

  function statusForm(t) {
    const errors = errorBox();
    const next = h('select', { id: 'status-next', 'data-draft': 'status-next', 'data-versioned': '' }, h('option', { value: '' }, 'Chọn trạng thái mới'), t.next.map((n) => h('option', { value: n.value }, n.label)));
    const outcome = select({ id: 'status-outcome', 'data-draft': 'status-outcome' }, app.meta.outcomes ?? [], { empty: 'Chọn kết quả giải quyết' });
    const reason = h('textarea', { id: 'status-reason', 'data-draft': 'status-reason', rows: 2, maxlength: 1000 });
    const share = h('input', { id: 'status-share', 'data-draft': 'status-share', type: 'checkbox' });
    const outcomeField = field('Kết quả giải quyết', outcome);
    const reasonLabel = h('label', { for: 'status-reason' }, 'Lý do');
    const reasonField = h('div', { class: 'field' }, reasonLabel, reason);
    const sync = () => {
      const n = t.next.find((x) => x.value === next.value);
      outcomeField.hidden = !n?.needsOutcome;
      reasonLabel.textContent = n?.needsReason ? 'Lý do (bắt buộc)' : 'Lý do (không bắt buộc)';
      reasonField.hidden = !n;
    };
    next.addEventListener('change', sync);
    sync();
    const form = h('form', { class: 'stack', novalidate: true, 'aria-labelledby': 'h-status' },
      h('h3', { id: 'h-status' }, 'Đổi trạng thái'), errors,
      field('Trạng thái mới', next), outcomeField, reasonField,
      h('div', { class: 'field check' }, share, h('label', { for: 'status-share' }, 'Báo cho người báo tin')),
      h('button', { type: 'submit', class: 'btn primary', id: 'btn-status' }, 'Cập nhật trạng thái'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const n = t.next.find((x) => x.value === next.value);
      if (!n) return errors.show({ message: 'Chọn trạng thái mới.' });
      if (n.needsOutcome && !outcome.value) return errors.show({ message: 'Chọn kết quả giải quyết.' });
      if (n.needsReason && !reason.value.trim()) return errors.show({ message: 'Ghi lý do.' });
      const body = { version: state.tip.version, status: n.value, shareWithReporter: share.checked };
      if (n.needsOutcome) body.outcome = outcome.value;
      if (reason.value.trim()) body.reason = reason.value.trim();
      await act(form, errors, '/status', body, { done: `Đã chuyển sang «${n.label}».` });
    });
    return form;
  }

  function assignForm(t) {
    const errors = errorBox();
    const who = h('select', { id: 'assign-officer', 'data-draft': 'assign-officer', 'data-versioned': '' }, h('option', { value: '' }, 'Đang tải danh sách cán bộ…'));
    const reason = h('input', { id: 'assign-reason', 'data-draft': 'assign-reason' });
    const form = h('form', { class: 'stack', novalidate: true, 'aria-labelledby': 'h-assign', hidden: true },
      h('h3', { id: 'h-assign' }, 'Giao cho cán bộ'), errors, field('Cán bộ', who), field('Ghi chú (không bắt buộc)', reason),
      h('button', { type: 'submit', class: 'btn' }, 'Giao tin'));
    const fill = (list) => {
      const units = new Set((t.routing?.units ?? []).filter((u) => u.active).map((u) => u.unitId));
      const eligible = list.filter((o) => !o.disabled && o.id !== t.assignedOfficer?.id && (['admin', 'duty'].includes(o.role) || (['officer'].includes(o.role) && units.has(o.unitId))));
      const kept = who.value;
      clear(who).append(h('option', { value: '' }, eligible.length ? 'Chọn cán bộ' : 'Không có cán bộ nào khác xem được tin này'));
      for (const o of eligible) who.append(h('option', { value: o.id }, `${o.displayName} (${app.label('roles', o.role)})`));
      who.value = kept;
      form.hidden = false;
    };
    if (state.officers) fill(state.officers);
    else if (state.officers === undefined) {
      state.officers = null;
      api('/officers').then((r) => {
        state.officers = r.items;
        if (!state.disposed && form.isConnected) fill(r.items);
      }).catch(() => {
        state.officers = false; // not permitted: only "claim" is offered
      });
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!who.value) return errors.show({ message: 'Chọn cán bộ.' });
      const body = { version: state.tip.version, officerId: who.value };
      if (reason.value.trim()) body.reason = reason.value.trim();
      await act(form, errors, '/assign', body, { done: 'Đã giao tin cho cán bộ.' });
    });
    return form;
  }

  function routeForm(t) {
    const errors = errorBox();
    const unit = h('select', { id: 'route-unit', 'data-draft': 'route-unit', 'data-versioned': '' }, h('option', { value: '' }, 'Đang tải danh sách đơn vị…'));
    const reason = h('input', { id: 'route-reason', 'data-draft': 'route-reason' });
    const fill = (units) => {
      const kept = unit.value;
      clear(unit).append(h('option', { value: '' }, 'Chọn đơn vị'));
      for (const u of units.filter((x) => !x.disabled && x.id !== t.routing?.unitId)) unit.append(h('option', { value: u.id }, u.name));
      unit.value = kept;
    };
    if (state.units) fill(state.units);
    else api('/units').then((r) => {
      state.units = r.items;
      if (unit.isConnected) fill(r.items);
    }).catch((err) => errors.show(err));
    const form = h('form', { class: 'stack', novalidate: true },
      errors, field('Đơn vị nhận', unit), field('Lý do chuyển', reason),
      h('button', { type: 'submit', class: 'btn' }, 'Chuyển đơn vị'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!unit.value) return errors.show({ message: 'Chọn đơn vị nhận.' });
      if (reason.value.trim().length < 3) return errors.show({ message: 'Ghi lý do chuyển (ít nhất 3 ký tự).' });
      const name = unit.selectedOptions[0]?.textContent ?? unit.value;
      await routeTip(form, errors, { unitId: unit.value, reason: reason.value.trim() }, `Đã chuyển tin cho ${name}.`);
    });
    return h('details', { class: 'action', dataset: { key: 'route' } }, h('summary', {}, 'Chuyển đơn vị khác'), form);
  }

  function mergeForm(t) {
    const errors = errorBox();
    const list = h('div', { class: 'suggestions', role: 'group', 'aria-label': 'Tin có thể trùng' }, h('p', { class: 'muted small' }, 'Đang tìm tin có thể trùng…'));
    const ref = h('input', { id: 'merge-ref', 'data-draft': 'merge-ref', 'data-versioned': '', placeholder: 'QN-…', autocomplete: 'off', spellcheck: 'false' });
    const reason = h('input', { id: 'merge-reason', 'data-draft': 'merge-reason' });
    const WHY = { same_place_time: 'cùng nơi, gần cùng thời gian', similar_text: 'nội dung giống nhau' };
    const fill = (items) => {
      clear(list);
      if (!items.length) return list.append(h('p', { class: 'muted small' }, 'Không thấy tin nào có vẻ trùng. Có thể gõ mã tin bên dưới.'));
      for (const d of items) {
        const radio = h('input', { type: 'radio', name: 'merge-pick', id: `merge-${d.id}`, value: d.reference });
        radio.addEventListener('change', () => (ref.value = d.reference));
        list.append(h('div', { class: 'suggestion' }, radio, h('label', { for: `merge-${d.id}` },
          h('strong', {}, d.reference), ` · ${app.label('categories', d.category)} · ${app.label('statuses', d.status)} · ${fmtDateTime(d.createdAt)}`,
          d.communeName ? ` · ${d.communeName}` : '', h('br'), h('span', { class: 'muted small' }, `${WHY[d.why] ?? d.why ?? ''}${d.excerpt ? ` — ${d.excerpt}` : ''}`))));
      }
    };
    const details = h('details', { class: 'action', dataset: { key: 'merge' } }, h('summary', {}, 'Gộp vào tin trùng'));
    details.addEventListener('toggle', () => {
      if (!details.open) return;
      if (state.duplicates) return fill(state.duplicates);
      api(tipUrl('/duplicates')).then((r) => {
        state.duplicates = r.items;
        fill(r.items);
      }).catch((err) => {
        clear(list);
        errors.show(err);
      });
    });
    const form = h('form', { class: 'stack', novalidate: true }, errors, list, field('Mã tin trùng (hoặc chọn ở trên)', ref), field('Lý do (không bắt buộc)', reason),
      h('button', { type: 'submit', class: 'btn' }, 'Gộp tin'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const target = ref.value.trim().toUpperCase();
      if (!target) return errors.show({ message: 'Chọn hoặc gõ mã tin trùng.' });
      const ok = await confirmDialog({ title: `Gộp tin ${t.reference} vào ${target}?`, text: `Tin ${t.reference} sẽ chuyển sang «Trùng tin khác»; việc giải quyết tiếp tục ở tin ${target}.`, yes: 'Gộp tin' });
      if (!ok) return;
      const body = { version: state.tip.version, duplicateOf: target };
      if (reason.value.trim()) body.reason = reason.value.trim();
      await act(form, errors, '/merge', body, { done: `Đã gộp vào tin ${target}.` });
    });
    details.append(form);
    return details;
  }

  function extendForm(t) {
    const errors = errorBox();
    const days = h('input', { id: 'extend-days', 'data-draft': 'extend-days', type: 'number', min: 1, max: 60, value: '', inputmode: 'numeric' });
    const reason = h('textarea', { id: 'extend-reason', 'data-draft': 'extend-reason', 'data-versioned': '', rows: 2 });
    const form = h('form', { class: 'stack', novalidate: true }, errors,
      field('Thêm số ngày (1–60)', days), field('Lý do gia hạn', reason),
      h('button', { type: 'submit', class: 'btn' }, 'Gia hạn'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const n = Number(days.value);
      if (!Number.isInteger(n) || n < 1 || n > 60) return errors.show({ message: 'Số ngày gia hạn từ 1 đến 60.' });
      if (!reason.value.trim()) return errors.show({ message: 'Ghi lý do gia hạn.' });
      await act(form, errors, '/deadline', { version: state.tip.version, days: n, reason: reason.value.trim() }, { done: `Đã gia hạn thêm ${n} ngày.` });
    });
    return h('details', { class: 'action', dataset: { key: 'extend' } }, h('summary', {}, `Gia hạn giải quyết (hạn hiện tại ${fmtDateTime(t.deadlines?.settleDueAt)})`), form);
  }

  load();

  return {
    unmount() {
      state.disposed = true;
    },
    onTip(ev) {
      if (ev.id !== id || !state.tip) return;
      if (state.acting || Date.now() - state.actedAt < 1500) return; // our own action's echo
      // Only an officer action raises the version; a note, a resident's message or the same change seen twice (the
      // PostgreSQL poll repeats what this process already announced) leaves the officer's form valid.
      // An event without a version counts as newer than anything shown: its warning stays until the officer reloads.
      const version = typeof ev.version === 'number' ? ev.version : Infinity;
      state.announced = Math.max(state.announced, version);
      if (dirty() && version > state.tip.version) {
        banner(STALE_WARNING, 'info', { label: 'Tải lại', run: () => { banner(null); load({ keepDrafts: true }); } });
      } else load({ keepDrafts: true });
    },
    onResync() {
      if (state.tip && !dirty()) load({ keepDrafts: true });
    },
    onKey(e) {
      if (!state.tip) return false;
      if (e.key === 'c') {
        const btn = main.querySelector('#btn-claim');
        if (btn) {
          btn.click();
          return true;
        }
        return false;
      }
      if (e.key === 'r') {
        const reply = main.querySelector('#reply');
        if (reply) {
          reply.focus();
          reply.scrollIntoView({ block: 'center' });
          return true;
        }
      }
      return false;
    },
  };
}
