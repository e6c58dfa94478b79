// One tip's file on A4 paper, for the paper file police keep: reference, dates dd/mm/yyyy, category,
// place, status, assigned officer, description, the timeline and the evidence list (names, types,
// sizes, SHA-256). The reporter's identity only when this officer may open it and chose to include
// it (opening it is audited as always). Printing is audited too: by the "In hồ sơ" button, and by
// the browser's own print command (Ctrl+P) through `beforeprint`.

import { api } from './api.js';
import { h, clear, fmtDateTime, fmtSize, errorBox, confirmDialog, announce } from './dom.js';
import { describeEvent, actorOf, ruleText } from './timeline.js';
import { KIND } from './tip.js';

/** "image/jpeg" → "JPEG": the file type in words an officer reads. */
function typeOf(a) {
  const sub = String(a.mime ?? '').split('/')[1]?.replace(/^x-/, '').replace(/;.*/, '') ?? '';
  const named = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', mp4: 'MP4', quicktime: 'MOV', ogg: 'OGG', mpeg: 'MP3', pdf: 'PDF', 'vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word', msword: 'Word' }[sub];
  return [KIND[a.kind] ?? 'Tệp', named ?? sub.toUpperCase()].filter(Boolean).join(' ');
}

export function mount(main, app, { params }) {
  const id = params.id;
  const state = { tip: null, identity: null, withIdentity: false, auditedAt: 0, disposed: false };
  const errors = errorBox();
  document.title = 'In hồ sơ tin báo – Tin Báo';
  clear(main).append(h('p', { class: 'loading' }, 'Đang tải hồ sơ…'));
  const tipUrl = (suffix = '') => `/tips/${encodeURIComponent(id)}${suffix}`;

  /** Records the print once per print (the button and the print dialog it opens count as one). */
  async function audit() {
    if (Date.now() - state.auditedAt < 5000) return true;
    try {
      await api(tipUrl('/print'), { method: 'POST', body: { withIdentity: Boolean(state.withIdentity && state.identity) } });
      state.auditedAt = Date.now();
      return true;
    } catch (err) {
      errors.show(err);
      return false;
    }
  }
  const onBeforePrint = () => {
    if (state.tip) void audit();
  };
  window.addEventListener('beforeprint', onBeforePrint);

  async function load() {
    try {
      state.tip = await api(tipUrl());
      if (!state.disposed) render();
    } catch (err) {
      if (state.disposed) return;
      clear(main).append(h('section', { class: 'panel narrow' }, h('h1', {}, 'Không mở được hồ sơ để in'), h('p', { class: 'error', role: 'alert' }, err.message),
        h('p', {}, h('a', { href: `/console${app.lastQueue}` }, '← Về danh sách tin báo'))));
    }
  }

  function render() {
    const t = state.tip;
    document.title = `In hồ sơ ${t.reference} – Tin Báo`;
    clear(main).append(toolbar(t), errors, paper(t));
  }

  function toolbar(t) {
    const canInclude = !t.reporter?.anonymous && t.reporter?.identityAvailable;
    const include = canInclude ? h('input', { type: 'checkbox', id: 'print-identity', checked: state.withIdentity }) : null;
    include?.addEventListener('change', async () => {
      errors.hide();
      if (include.checked && !state.identity) {
        const ok = await confirmDialog({
          title: 'In kèm danh tính người báo tin?',
          text: 'Họ tên và số điện thoại người báo tin sẽ hiện trên trang và trên giấy. Việc xem và việc in đều được ghi vào nhật ký. Chỉ in khi hồ sơ giấy cần danh tính.',
          yes: 'Xem và in kèm danh tính',
        });
        if (!ok) {
          include.checked = false;
          return;
        }
        try {
          state.identity = await api(tipUrl('/identity'), { method: 'POST' });
        } catch (err) {
          include.checked = false;
          errors.show(err);
          return;
        }
      }
      state.withIdentity = include.checked;
      render();
      main.querySelector('#print-identity')?.focus();
      announce(state.withIdentity ? 'Bản in có danh tính người báo tin.' : 'Bản in không có danh tính người báo tin.');
    });
    const print = h('button', { type: 'button', class: 'btn primary', id: 'btn-print' }, 'In hồ sơ');
    print.addEventListener('click', async () => {
      errors.hide();
      if (await audit()) window.print();
    });
    return h('div', { class: 'print-toolbar no-print' },
      h('p', { class: 'back' }, h('a', { href: `/console/tips/${encodeURIComponent(id)}` }, `← Về hồ sơ ${t.reference}`)),
      h('p', { class: 'muted small' }, 'Trang này in vừa khổ A4. Việc in được ghi vào nhật ký.'),
      include ? h('div', { class: 'field check' }, include, h('label', { for: 'print-identity' }, 'Kèm danh tính người báo tin')) : null,
      print);
  }

  function row(label, value) {
    return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, value || '—'));
  }

  function paper(t) {
    const loc = t.location ?? {};
    const place = [loc.communeName, loc.placeText ? `người báo tin ghi: «${loc.placeText}»` : null].filter(Boolean).join('; ');
    const extended = t.settleExtensions ? ` (đã gia hạn ${t.settleExtensions} lần)` : '';
    const reporter = t.reporter?.anonymous
      ? 'Ẩn danh (người báo tin đề nghị giữ bí mật danh tính)'
      : state.withIdentity && state.identity
        ? [state.identity.name, state.identity.phone].filter(Boolean).join(' — ')
        : 'Có để lại danh tính (không in trong bản này)';
    const events = t.events ?? [];
    const files = t.attachments ?? [];
    return h('article', { class: 'print-file', 'aria-labelledby': 'print-title' },
      h('header', { class: 'print-head' },
        h('p', { class: 'print-org' }, 'CÔNG AN TỈNH QUẢNG NGÃI'),
        h('h1', { id: 'print-title' }, 'HỒ SƠ TIN BÁO, TỐ GIÁC TỘI PHẠM'),
        h('p', { class: 'print-ref' }, `Mã tin: ${t.reference}`)),
      h('table', { class: 'print-facts' }, h('tbody', {},
        row('Loại tin', app.label('categories', t.category)),
        row('Mức độ', t.urgent ? `Khẩn${t.urgentReason ? ` — ${t.urgentReason}` : ''}` : 'Không khẩn'),
        row('Nhận lúc', fmtDateTime(t.createdAt)),
        row('Kênh, ngôn ngữ', `${app.label('channels', t.channel)}, ${app.label('languages', t.language)}`),
        row('Thời gian xảy ra', t.occurredLabel),
        row('Nơi xảy ra', place),
        row('Trạng thái', app.label('statuses', t.status)),
        t.outcome ? row('Kết quả giải quyết', app.label('outcomes', t.outcome)) : null,
        row('Đơn vị phụ trách', t.routing?.unitName ? `${t.routing.unitName}${t.routing.rule ? ` (${ruleText(t.routing.rule)})` : ''}` : null),
        row('Cán bộ thụ lý', t.assignedOfficer?.displayName ?? 'Chưa giao'),
        row('Hạn tiếp nhận', `${fmtDateTime(t.deadlines?.ackDueAt)}${t.acknowledgedAt ? ` (đã tiếp nhận ${fmtDateTime(t.acknowledgedAt)})` : ''}`),
        row('Hạn giải quyết', `${fmtDateTime(t.deadlines?.settleDueAt)}${extended}`),
        t.closedAt ? row('Kết thúc lúc', fmtDateTime(t.closedAt)) : null,
        t.duplicateOf ? row('Trùng với tin', t.duplicateOf.reference) : null,
        row('Người báo tin', reporter))),
      h('section', { class: 'print-section' }, h('h2', {}, 'Nội dung tin báo'), h('p', { class: 'print-description' }, t.description)),
      h('section', { class: 'print-section' }, h('h2', {}, `Diễn biến (${events.length})`),
        events.length
          ? h('table', { class: 'print-grid' },
            h('thead', {}, h('tr', {}, ['Thời điểm', 'Người thực hiện', 'Nội dung'].map((x) => h('th', { scope: 'col' }, x)))),
            h('tbody', {}, events.map((ev) => h('tr', {}, h('td', { class: 'nowrap' }, fmtDateTime(ev.createdAt)), h('td', {}, actorOf(ev)), h('td', {}, describeEvent(ev, (k, v) => app.label(k, v)))))))
          : h('p', {}, 'Chưa có diễn biến nào.')),
      h('section', { class: 'print-section' }, h('h2', {}, `Chứng cứ, tệp đính kèm (${files.length})`),
        files.length
          ? h('table', { class: 'print-grid evidence-list' },
            h('thead', {}, h('tr', {}, ['STT', 'Tên tệp', 'Loại', 'Dung lượng', 'Mã kiểm tra SHA-256'].map((x) => h('th', { scope: 'col' }, x)))),
            h('tbody', {}, files.map((a, i) => h('tr', {},
              h('td', {}, String(i + 1)),
              h('td', {}, a.downloadName || KIND[a.kind] || 'Tệp', a.originalName ? h('div', { class: 'small' }, `(người gửi đặt tên: ${a.originalName})`) : null,
                a.status !== 'stored' ? h('div', { class: 'small' }, 'Không lưu được tệp này') : null),
              h('td', {}, typeOf(a)),
              h('td', { class: 'nowrap' }, fmtSize(a.size)),
              h('td', { class: 'hash' }, a.sha256 ?? '—')))))
          : h('p', {}, 'Người báo tin không gửi tệp nào.')),
      h('footer', { class: 'print-foot' }, `In lúc ${fmtDateTime(new Date().toISOString())} bởi ${app.officer.displayName}. Giờ Việt Nam.`));
  }

  load();
  return {
    unmount() {
      state.disposed = true;
      window.removeEventListener('beforeprint', onBeforePrint);
    },
  };
}
