// The screen an officer on a generated password sees after signing in (first login, or after an
// administrator's reset): nothing else works until they choose their own password, and it says why.

import { api } from './api.js';
import { h, clear, busy, errorBox, field } from './dom.js';

/** Shows the form in `main`; calls `done()` once the password is changed. */
export function showFirstPassword(main, officer, done) {
  const errors = errorBox();
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', autocomplete: 'new-password', minlength: '12', required: true });
  const again = h('input', { type: 'password', autocomplete: 'new-password', minlength: '12', required: true });
  const form = h('form', { class: 'panel narrow stack', novalidate: true, 'aria-labelledby': 'first-password-title' },
    h('h1', { id: 'first-password-title' }, 'Đổi mật khẩu'),
    h('p', {}, `Chào ${officer.displayName}. Bạn đang dùng mật khẩu do quản trị hệ thống cấp (hoặc in ra khi cài đặt). `
      + 'Người khác có thể đã thấy mật khẩu đó, nên trước khi làm việc, hãy đặt mật khẩu của riêng bạn. '
      + 'Sau khi đổi, mật khẩu cũ hết hiệu lực.'),
    h('p', { class: 'small muted' }, 'Mật khẩu mới cần ít nhất 12 ký tự và không phải mật khẩu phổ biến hay dễ đoán '
      + '(lặp ký tự, dãy số, tên đăng nhập, họ tên). Dễ nhớ nhất: ghép 4–5 từ ngẫu nhiên thành một câu.'),
    errors,
    field('Mật khẩu đang dùng (được cấp)', current),
    field('Mật khẩu mới của bạn', next),
    field('Nhập lại mật khẩu mới', again),
    h('button', { class: 'btn primary', type: 'submit' }, 'Đổi mật khẩu và bắt đầu làm việc'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.hide();
    if (!current.value || !next.value) return errors.show({ message: 'Nhập mật khẩu đang dùng và mật khẩu mới.' });
    if (next.value !== again.value) return errors.show({ message: 'Hai lần nhập mật khẩu mới không giống nhau.' });
    try {
      await busy(form, () => api('/auth/password', { method: 'POST', body: { currentPassword: current.value, newPassword: next.value }, quiet401: true }));
      done();
    } catch (err) {
      errors.show({ message: err.message });
      (err.status === 403 ? current : next).focus();
    }
  });
  document.title = 'Đổi mật khẩu – Tin Báo';
  clear(main).append(form);
  current.focus();
}
