// One date control for the whole console: dd/mm/yyyy whatever the browser's language (the native
// <input type="date"> follows the browser and showed mm/dd/yyyy). A text box that also takes
// d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and a pasted YYYY-MM-DD; URLs and the API keep YYYY-MM-DD.

import { h } from './dom.js';

const SHAPE = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "3/12/2026" → { iso: "2026-12-03" }; '' → { iso: '' }; otherwise { error } in words an officer can act on. */
export function parseVnDate(text) {
  const s = String(text ?? '').trim();
  if (!s) return { iso: '' };
  let d, m, y;
  const vn = SHAPE.exec(s);
  const iso = ISO.exec(s);
  if (vn) [d, m, y] = [Number(vn[1]), Number(vn[2]), Number(vn[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return { error: `«${s}» không phải là ngày. Nhập theo dạng ngày/tháng/năm, ví dụ 03/12/2026.` };
  if (m < 1 || m > 12) return { error: `Không có tháng ${m}: tháng chỉ từ 1 đến 12 (nhập ngày trước, rồi tháng, rồi năm, ví dụ 03/12/2026).` };
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d < 1 || d > days) return { error: `Ngày ${d}/${m}/${y} không có: tháng ${m} năm ${y} chỉ có ${days} ngày.` };
  if (y < 2000 || y > 2100) return { error: `Năm ${y} không hợp lệ. Nhập năm đủ bốn chữ số, ví dụ 2026.` };
  return { iso: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** "2026-12-03" → "03/12/2026"; anything else is returned as it was. */
export function isoToVn(iso) {
  const m = ISO.exec(String(iso ?? ''));
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(iso ?? '');
}

/**
 * A labelled date field. `field.input.isoDate()` gives YYYY-MM-DD, '' when empty, or null when the
 * text is not a date (the error is then shown under the box and read out).
 *
 * @example const from = dateField('Từ ngày', { id: 'f-from', value: '2026-03-01' }); from.input.isoDate()
 */
export function dateField(label, { id, value = '', required = false } = {}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const input = h('input', {
    id, type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false', class: 'date-input',
    placeholder: 'dd/mm/yyyy', pattern: '\\d{1,2}[/.\\-]\\d{1,2}[/.\\-]\\d{4}', maxlength: 10, size: 11,
    'aria-describedby': hintId, required: required || null, value: isoToVn(value),
  });
  const error = h('small', { id: errorId, class: 'field-error', role: 'alert', hidden: true });
  const show = (message) => {
    error.textContent = message ?? '';
    error.hidden = !message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${hintId} ${errorId}`);
    } else {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', hintId);
    }
  };
  input.isoDate = () => {
    const r = parseVnDate(input.value);
    if (r.error) {
      show(r.error);
      return null;
    }
    show(null);
    if (r.iso) input.value = isoToVn(r.iso);
    return r.iso;
  };
  input.setIsoDate = (iso) => {
    input.value = isoToVn(iso);
    show(null);
  };
  input.addEventListener('blur', () => input.isoDate());
  const wrap = h('div', { class: 'field date-field' },
    h('label', { for: id }, label), input,
    h('small', { id: hintId, class: 'hint' }, 'ngày/tháng/năm, ví dụ 03/12/2026'), error);
  wrap.input = input;
  return wrap;
}
