// @ts-check
// One string of the translators' workbench, opened: where it appears, the chat bubble as the resident would see it,
// the text with its variables and length per channel, the voice clip (recorded or uploaded, heard before saving),
// and the review (approve another speaker's draft, send a reviewed string back). The server decides every
// permission; this page explains what it can before the click (your own draft cannot be approved by you).

import { api } from './api.js';
import { h, errorBox, busy, announce, fmtDateTime } from './dom.js';
import { voiceRecorder } from './voice-recorder.js';
import { chatPreview, extraVariables, lengthCounter, missingVariables, put, savedClip, stateBadge, variableChips } from './translation-parts.js';

const STALE = 'Câu này vừa được người khác sửa hoặc duyệt. Trang đã tải lại bản mới nhất bên dưới; xem lại rồi làm tiếp.';

/** The path of one string's API: /translations/hre/report.askDescription */
const pathOf = (lang, key, rest = '') => `/translations/${encodeURIComponent(lang)}/${encodeURIComponent(key)}${rest}`;

/**
 * @param {object} options
 * @param {any} options.entry the entry as GET /api/translations gives it
 * @param {string} options.lang "hre"
 * @param {string} options.langLabel "Tiếng Hrê"
 * @param {{ id: string }} options.officer the signed-in officer
 * @param {(key: string) => string} options.buttonLabel a button's label in this language (else Vietnamese)
 * @param {(entry: any) => void} options.onChanged the server's new entry after a save or review
 * @param {(key: string) => Promise<any>} options.reload reads the entry again (after a stale form); resolves to it
 * @param {string} options.idPrefix unique per card, for labels
 */
export function translationEditor({ entry, lang, langLabel, officer, buttonLabel, onChanged, reload, idPrefix }) {
  let current = entry;
  const el = h('div', { class: 'tr-editor', id: `${idPrefix}-editor` });
  const lower = langLabel.replace(/^Tiếng/, 'tiếng');
  // One recorder for the editor's life: a save or review redraws the rest, never a recording in progress.
  const voiceErrors = errorBox();
  const recorder = voiceRecorder({ label: lower, idPrefix, onError: (err) => voiceErrors.show(err), onSave: saveClip });

  /**
   * Sends a change; a stale form reloads the entry and says so in plain words. The editor is drawn again from the
   * server's answer, and the focus goes to `focusAfter` in it (the text box, the review heading).
   */
  async function send(form, errs, work, done, focusAfter) {
    errs.hide();
    try {
      const next = await busy(form, work);
      current = next;
      onChanged(next);
      render();
      /** @type {HTMLElement | null} */ (el.querySelector(focusAfter))?.focus();
      announce(done);
      return true;
    } catch (err) {
      if (/** @type {any} */ (err).status === 409) {
        const fresh = await reload(current.key).catch(() => null);
        if (fresh) {
          current = fresh;
          onChanged(fresh);
        }
        render();
        const box = /** @type {HTMLElement | null} */ (el.querySelector('.tr-stale'));
        if (box) {
          box.textContent = STALE;
          box.hidden = false;
          box.focus();
        }
        return false;
      }
      errs.show(err);
      return false;
    }
  }

  function render() {
    put(el,
      h('p', { class: 'notice warn tr-stale', role: 'alert', tabindex: '-1', hidden: true }),
      current.sourceChanged ? h('p', { class: 'notice warn' }, 'Câu tiếng Việt đã đổi sau khi bản dịch này được làm. Đọc lại câu tiếng Việt rồi sửa bản dịch cho khớp.') : null,
      textSection(),
      voiceSection(),
      reviewSection());
  }

  // ---------- text ----------
  function textSection() {
    const errs = errorBox();
    const isButton = Boolean(current.context?.limits && current.context.limits.telegram && current.context.limits.telegram <= 64);
    const input = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: `${idPrefix}-text`, rows: isButton ? 2 : 4, class: 'native', lang, spellcheck: 'false' }));
    input.value = current.text ?? '';
    const counter = lengthCounter(current.context?.limits, { button: isButton });
    const preview = chatPreview(current, buttonLabel, lower);
    const varWarning = h('p', { class: 'field-error', role: 'status' });
    const names = current.variables ?? [];
    const chips = variableChips(names, (v) => {
      const at = input.selectionStart ?? input.value.length;
      input.setRangeText(`{{${v}}}`, at, input.selectionEnd ?? at, 'end');
      input.focus();
      update();
    });
    const saveBtn = h('button', { type: 'submit', class: 'btn primary' }, 'Lưu bản nháp');
    const form = h('form', { class: 'stack tr-text-form', novalidate: true },
      errs,
      h('div', { class: 'field' },
        h('label', { for: input.id }, `Bản dịch ${lower}`),
        input,
        h('small', { class: 'hint' }, current.context?.limits ? 'Viết như người nói tiếng này thường nói. Không dùng máy dịch.' : 'Những cách nói người dân có thể gõ, cách nhau bằng dấu |.')),
      names.length ? h('div', { class: 'tr-vars-field' },
        h('p', { class: 'small' }, 'Giữ nguyên những phần này (bot thay bằng mã tin báo, tên, số…); bấm để chèn vào chỗ con trỏ:'), chips) : null,
      varWarning,
      counter.el,
      h('div', { class: 'row-actions' }, saveBtn));
    function update() {
      const missing = missingVariables(current, input.value);
      const extra = extraVariables(current, input.value);
      const problems = [];
      if (input.value.trim() && missing.length) problems.push(`Bản dịch thiếu ${missing.map((v) => `{{${v}}}`).join(', ')}: phải giữ nguyên, nếu không máy chủ sẽ không nhận.`);
      if (extra.length) problems.push(`${extra.map((v) => `{{${v}}}`).join(', ')} không có trong câu tiếng Việt: xóa đi.`);
      varWarning.textContent = problems.join(' ');
      varWarning.hidden = !problems.length;
      input.setAttribute('aria-invalid', problems.length ? 'true' : 'false');
      counter.update(input.value);
      preview.update(input.value, current.audio);
    }
    input.addEventListener('input', update);
    update();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) {
        errs.show({ message: current.audio ? 'Chưa có chữ để lưu. Đoạn ghi âm đã lưu riêng ở phần ghi âm.' : `Nhập bản dịch ${lower} trước khi lưu.` });
        input.focus();
        return;
      }
      if (text === (current.text ?? '').trim() && current.state === 'draft') {
        announce('Bản nháp không có gì thay đổi.');
        return;
      }
      // Missing variables are refused by the server too, with its own words; saying it first saves a round trip.
      const typed = input.value;
      const ok = await send(form, errs, () => api(pathOf(lang, current.key), { method: 'PUT', body: { text, version: current.version } }), 'Đã lưu bản nháp.', 'textarea');
      if (!ok && el.querySelector('.tr-stale:not([hidden])')) showUnsaved(typed);
      else if (ok) el.querySelector('.tr-saved')?.removeAttribute('hidden');
    });
    return h('div', { class: 'tr-work' },
      h('section', { class: 'tr-text', 'aria-label': 'Bản dịch chữ' },
        h('p', { class: 'small muted' }, current.context?.where ?? ''),
        form,
        h('p', { class: 'ok-text tr-saved', role: 'status', hidden: true }, 'Đã lưu bản nháp. Người dân chưa thấy bản này cho đến khi một người khác duyệt.')),
      preview.el);
  }

  /** After a stale form: what the translator had typed, so nothing is lost. */
  function showUnsaved(text) {
    const form = el.querySelector('.tr-text-form');
    form?.after(h('div', { class: 'notice' }, h('p', { class: 'small' }, 'Bản bạn vừa gõ (chưa lưu):'), h('p', { class: 'answer-text', lang }, text)));
  }

  // ---------- voice ----------
  /** Sends the recording heard back; the recorder shows what went wrong (a stale form says so and reloads). */
  async function saveClip(blob) {
    voiceErrors.hide();
    try {
      const next = await api(pathOf(lang, current.key, '/audio'), { method: 'PUT', body: blob, query: { version: current.version } });
      current = next;
      onChanged(next);
      announce('Đã lưu đoạn ghi âm.');
      // Redrawn a moment later so the recorder can say it saved first; the focus goes to the clip.
      setTimeout(() => {
        render();
        /** @type {HTMLElement | null} */ (el.querySelector('.tr-voice h3'))?.focus();
      }, 0);
    } catch (err) {
      if (/** @type {any} */ (err).status === 409) {
        const fresh = await reload(current.key).catch(() => null);
        if (fresh) {
          current = fresh;
          onChanged(fresh);
        }
        render();
        throw { message: `${STALE} Bấm «Lưu đoạn ghi âm» lại nếu vẫn muốn lưu đoạn này.` };
      }
      throw err;
    }
  }

  function voiceSection() {
    return h('section', { class: 'tr-voice', 'aria-labelledby': `${idPrefix}-voice-title` },
      h('h3', { id: `${idPrefix}-voice-title`, tabindex: '-1' }, `Ghi âm ${lower}`),
      current.audio
        ? savedClip(current.audio, lower)
        : h('p', { class: 'small muted' }, 'Chưa có đoạn ghi âm. Người dân nghe được lời nói dễ hơn đọc chữ: hãy ghi âm câu này.'),
      voiceErrors,
      recorder.el);
  }

  // ---------- review ----------
  function reviewSection() {
    const errs = errorBox();
    const box = h('section', { class: 'tr-review', 'aria-labelledby': `${idPrefix}-review-title` },
      h('h3', { id: `${idPrefix}-review-title`, tabindex: '-1' }, 'Duyệt'), errs);
    const who = h('p', { class: 'small' }, stateBadge(current.state), ' ', statusLine());
    box.append(who);
    if (current.state === 'draft') {
      if (current.draftedById === officer.id) {
        box.append(h('p', { class: 'notice tr-own' }, `Bạn là người làm bản nháp này nên không tự duyệt được. Cần một người khác biết ${lower} duyệt thì người dân mới thấy.`));
      } else {
        const form = h('form', { class: 'row-actions' },
          h('button', { type: 'submit', class: 'btn primary' }, 'Duyệt'),
          h('small', { class: 'hint' }, 'Duyệt khi bạn đã đọc (và nghe) và thấy đúng. Sau khi duyệt, người dân nhận ngay ở tin nhắn tiếp theo.'));
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          void send(form, errs, () => api(pathOf(lang, current.key, '/approve'), { method: 'POST', body: { version: current.version } }), 'Đã duyệt. Người dân sẽ nhận bản này.', '.tr-review h3');
        });
        box.append(form);
      }
    } else if (current.state === 'reviewed' && !current.fromFile) {
      const reason = h('input', { id: `${idPrefix}-reason`, maxlength: 500, autocomplete: 'off' });
      const form = h('form', { class: 'tr-send-back' },
        h('div', { class: 'field' }, h('label', { for: reason.id }, 'Lý do trả lại (không bắt buộc)'), reason),
        h('div', { class: 'row-actions' },
          h('button', { type: 'submit', class: 'btn' }, 'Trả lại bản nháp'),
          h('small', { class: 'hint' }, 'Người dân sẽ nhận lại câu tiếng Việt cho đến khi bản dịch được duyệt lại.')));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const body = { version: current.version, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) };
        void send(form, errs, () => api(pathOf(lang, current.key, '/send-back'), { method: 'POST', body }), 'Đã trả lại thành bản nháp.', '.tr-review h3');
      });
      box.append(form);
    } else if (current.state === 'missing') {
      box.append(h('p', { class: 'small muted' }, 'Chưa có gì để duyệt.'));
    }
    return box;
  }

  function statusLine() {
    if (current.fromFile) return 'Có sẵn trong phần mềm.';
    const parts = [];
    if (current.draftedBy) parts.push(`Người làm: ${current.draftedById === officer.id ? 'bạn' : current.draftedBy}`);
    if (current.state === 'reviewed' && current.reviewedBy) parts.push(`duyệt bởi ${current.reviewedById === officer.id ? 'bạn' : current.reviewedBy}${current.reviewedAt ? ` lúc ${fmtDateTime(current.reviewedAt)}` : ''}`);
    if (current.updatedAt) parts.push(`sửa lần cuối ${fmtDateTime(current.updatedAt)}`);
    return parts.join(' · ');
  }

  render();
  return {
    el,
    idPrefix,
    focus() {
      /** @type {HTMLElement | null} */ (el.querySelector('textarea'))?.focus();
    },
    dispose() {
      recorder.dispose();
    },
  };
}
