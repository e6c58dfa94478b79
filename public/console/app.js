// Tin Báo police console: session, navigation, screens, keyboard shortcuts and the live stream.
// Plain ES modules, no build step, no external resources. Data is inserted as text only.

import { api, ApiError, setCsrf } from './api.js';
import { $, h, clear, banner, busy, errorBox, field } from './dom.js';
import * as queue from './queue.js';
import * as dashboard from './dashboard.js';
import * as tip from './tip.js';
import * as tipPrint from './tip-print.js';
import * as questions from './questions.js';
import * as faq from './faq.js';
import * as quiz from './quiz.js';
import * as outreachProgress from './outreach-progress.js';
import * as campaignResults from './campaign-results.js';
import * as officers from './officers.js';
import * as audit from './audit.js';
import * as campaigns from './campaigns.js';
import * as reports from './reports.js';
import * as translations from './translations.js';
import { showFirstPassword } from './first-password.js';

const BASE = '/console';
/** Roles whose first screen (/console) is the dashboard. */
const DASHBOARD_FIRST = ['admin', 'duty'];
/** The queue's URL keys (queue.js FILTERS): a /console link with one of them is an old queue link. */
const QUEUE_KEYS = ['q', 'statusGroup', 'status', 'category', 'urgent', 'communeCode', 'unitId', 'channel', 'language', 'from', 'to', 'assignee', 'overdue'];

function dashboardFirst() {
  return DASHBOARD_FIRST.includes(app.officer?.role) && app.can('canReadReports');
}

/** Where a screen's nav link points: the dashboard is /console for those who land on it. */
function screenHref(s) {
  if (s.module === dashboard && dashboardFirst()) return BASE;
  return `${BASE}${s.path ? `/${s.path}` : ''}`;
}
const main = $('main');

const app = {
  officer: null,
  meta: null,
  perms: {},
  /** Path and filters of the queue last shown, below /console: "/tips?status=new". */
  lastQueue: '/tips',
  screen: null,
  live: null,
  /** Label of a value from /api/meta (statuses, outcomes, categories, channels, languages, roles). */
  label(kind, value) {
    if (value == null || value === '') return '';
    return this.meta?.[kind]?.find((x) => x.value === value)?.label ?? String(value);
  },
  navigate(path, { replace = false } = {}) {
    const url = path.startsWith('/') ? path : `${BASE}/${path}`;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    route();
  },
  backToQueue() {
    this.navigate(`${BASE}${this.lastQueue}`);
  },
  can(perm) {
    return Boolean(this.perms[perm]);
  },
};

// The queue lives at /console/tips; /console is the dashboard for the province desks (admin, duty desk), whose
// first question is "how are we doing", while a unit's officers land on their queue (their daily work) and find
// their unit's dashboard at /console/dashboard. Old queue links (/console?status=…) still open the queue.
const SCREENS = [
  { path: 'dashboard', module: dashboard, perm: 'canReadReports', nav: 'Tổng quan' },
  { path: 'tips', module: queue, perm: 'canListTips', nav: 'Tin báo' },
  { path: 'questions', module: questions, perm: 'canReadQuestions', nav: 'Câu hỏi' },
  { path: 'faq', module: faq, nav: 'Hỏi đáp' },
  { path: 'quiz', module: quiz, nav: 'Cuộc thi 19/8' },
  { path: 'outreach-progress', module: outreachProgress, perm: 'canReadCampaigns', nav: 'Tiến độ 19/8' },
  { path: 'officers', module: officers, perm: 'canManageOfficers', nav: 'Cán bộ' },
  { path: 'reports', module: reports, perm: 'canReadReports', nav: 'Báo cáo' },
  { path: 'audit', module: audit, perm: 'canReadAudit', nav: 'Nhật ký' },
  { path: 'campaigns', module: campaigns, roles: campaigns.ROLES, nav: 'Tuyên truyền' },
  { path: 'translations', module: translations, roles: translations.ROLES, nav: 'Dịch tiếng dân tộc' },
];
/** A role without tips opens on its own work: a translator on the workbench (others on the first screen they may use). */
const FIRST_SCREEN = { translator: 'translations' };

/** A screen is shown when the account has its permission (from /api/meta) or, for `roles`, one of those roles. */
function allowed(s) {
  return (!s.perm || app.can(s.perm)) && (!s.roles || s.roles.includes(app.officer?.role));
}

// ---------- session ----------

async function start() {
  try {
    const session = await api('/auth/me', { quiet401: true });
    await signedIn(session);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) showLogin();
    else showFatal(err);
  }
}

async function signedIn(session) {
  app.officer = session.officer;
  setCsrf(session.csrfToken);
  if (session.mustChangePassword) return mustChangePassword();
  $('btn-password').hidden = false;
  try {
    app.meta = await api('/meta');
  } catch (err) {
    if (err.status === 401) return;
    showFatal(err);
    return;
  }
  app.perms = app.meta?.officer?.permissions ?? app.meta?.permissions ?? {};
  showWho();
  $('who').hidden = false;
  renderNav();
  startLive();
  route();
}

/** The signed-in officer in the header: the name, then the role only when the name is not already the role ("Quản trị hệ thống"). */
function showWho() {
  const name = app.officer.displayName;
  const role = app.label('roles', app.officer.role);
  const same = name.trim().toLowerCase() === role.trim().toLowerCase();
  clear($('who-name')).append(h('strong', {}, name), same || !role ? '' : h('span', { class: 'who-role' }, ` · ${role}`));
  $('who-name').title = `Đăng nhập bằng tài khoản ${app.officer.username}`;
}

/** A generated password: nothing but the password form (and signing out) until the officer chooses their own. */
function mustChangePassword() {
  stopLive();
  app.screen?.unmount?.();
  app.screen = null;
  $('nav').hidden = true;
  $('btn-password').hidden = true;
  $('who-name').textContent = app.officer.displayName;
  $('who').hidden = false;
  banner(null);
  showFirstPassword(main, app.officer, async () => {
    try {
      await signedIn(await api('/auth/me', { quiet401: true }));
      banner('Đã đổi mật khẩu. Từ nay hãy đăng nhập bằng mật khẩu mới của bạn.', 'ok');
    } catch (err) {
      if (err.status === 401) showLogin();
      else showFatal(err);
    }
  });
}

window.addEventListener('tb:password-change-required', () => {
  if (app.officer) mustChangePassword();
});

function showFatal(err) {
  clear(main).append(h('section', { class: 'panel narrow' }, h('h1', {}, 'Không mở được bàn làm việc'), h('p', { class: 'error', role: 'alert' }, err.message), h('button', { class: 'btn', type: 'button', onclick: () => location.reload() }, 'Tải lại trang')));
}

function showLogin(message) {
  stopLive();
  app.screen?.unmount?.();
  app.screen = null;
  app.officer = null;
  $('nav').hidden = true;
  $('who').hidden = true;
  banner(null);
  const errors = errorBox();
  const user = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'panel login stack', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Đăng nhập'),
    h('p', { class: 'muted' }, 'Bàn làm việc tiếp nhận và xử lý tin báo, tố giác tội phạm.'),
    errors,
    field('Tên đăng nhập', user),
    field('Mật khẩu', pass),
    h('button', { class: 'btn primary', type: 'submit' }, 'Đăng nhập'));
  if (message) errors.show({ message });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.hide();
    if (!user.value.trim() || !pass.value) {
      errors.show({ message: 'Nhập tên đăng nhập và mật khẩu.' });
      (user.value.trim() ? pass : user).focus();
      return;
    }
    try {
      const session = await busy(form, () => api('/auth/login', { method: 'POST', body: { username: user.value.trim(), password: pass.value }, quiet401: true }));
      pass.value = '';
      await signedIn(session);
    } catch (err) {
      errors.show(err);
      pass.value = '';
      pass.focus();
    }
  });
  document.title = 'Đăng nhập – Tin Báo';
  clear(main).append(form);
  user.focus();
}

window.addEventListener('tb:unauthorized', () => {
  if (app.officer) showLogin('Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.');
});

$('btn-logout').addEventListener('click', async () => {
  try {
    await api('/auth/logout', { method: 'POST', quiet401: true });
  } catch {
    /* signed out either way */
  }
  history.replaceState(null, '', BASE);
  showLogin();
});

// ---------- change own password ----------
const pwDialog = $('dlg-password');
$('btn-password').addEventListener('click', () => {
  $('form-password').reset();
  $('password-error').hidden = true;
  pwDialog.showModal();
  $('pw-current').focus();
});
$('pw-cancel').addEventListener('click', () => pwDialog.close());
$('form-password').addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = $('password-error');
  const fail = (text) => {
    out.textContent = text;
    out.hidden = false;
  };
  const current = $('pw-current').value;
  const next = $('pw-new').value;
  if (!current || !next) return fail('Nhập mật khẩu hiện tại và mật khẩu mới.');
  if (next.length < 12) return fail('Mật khẩu mới cần ít nhất 12 ký tự.');
  if (next !== $('pw-repeat').value) return fail('Hai lần nhập mật khẩu mới không giống nhau.');
  try {
    await busy(e.target, () => api('/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: next }, quiet401: true }));
    pwDialog.close();
    banner('Đã đổi mật khẩu.', 'ok');
  } catch (err) {
    if (err.status === 404 && err.code === 'not_found') fail('Máy chủ này chưa có chức năng đổi mật khẩu. Vui lòng báo quản trị hệ thống.');
    else fail(err.message);
  }
});

$('btn-help').addEventListener('click', () => $('dlg-help').showModal());

// ---------- navigation ----------

function visibleScreens() {
  const visible = SCREENS.filter(allowed);
  const first = visible.find((s) => s.path === FIRST_SCREEN[app.officer?.role]);
  return first ? [first, ...visible.filter((s) => s !== first)] : visible;
}

function renderNav() {
  const nav = clear($('nav'));
  nav.append(h('ul', {}, visibleScreens().map((s) => h('li', {}, h('a', { href: screenHref(s), dataset: { screen: s.path } }, s.nav)))));
  nav.hidden = false;
}

function markNav(screenPath) {
  for (const a of $('nav').querySelectorAll('a')) {
    if (a.dataset.screen === screenPath) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function parseRoute() {
  const rest = location.pathname.replace(/^\/console\/?/, '').replace(/\/+$/, '');
  if (rest === '') {
    const search = new URLSearchParams(location.search);
    const queueLink = QUEUE_KEYS.some((k) => search.has(k));
    if (queueLink || !dashboardFirst()) return { redirect: `${BASE}/tips${location.search}` };
    return { screen: SCREENS[0], module: dashboard, params: {}, navPath: 'dashboard' };
  }
  const printMatch = /^tips\/([^/]+)\/print$/.exec(rest);
  if (printMatch) return { screen: SCREENS[1], module: tipPrint, params: { id: decodeURIComponent(printMatch[1]) }, navPath: 'tips' };
  const tipMatch = /^tips\/([^/]+)$/.exec(rest);
  if (tipMatch) return { screen: SCREENS[1], module: tip, params: { id: decodeURIComponent(tipMatch[1]) }, navPath: 'tips' };
  const resultsMatch = /^campaigns\/([^/]+)\/results$/.exec(rest);
  if (resultsMatch) return { screen: SCREENS.find((s) => s.path === 'outreach-progress'), module: campaignResults, params: { id: decodeURIComponent(resultsMatch[1]) }, navPath: 'campaigns' };
  const campaignMatch = /^campaigns\/([^/]+)$/.exec(rest);
  if (campaignMatch) return { screen: SCREENS.find((s) => s.module === campaigns), module: campaigns, params: { id: decodeURIComponent(campaignMatch[1]) }, navPath: 'campaigns' };
  const screen = SCREENS.find((s) => s.path === rest);
  return screen ? { screen, module: screen.module, params: {}, navPath: screen.path } : null;
}

function route() {
  if (!app.officer) return;
  app.screen?.unmount?.();
  app.screen = null;
  banner(null);
  const r = parseRoute();
  if (r?.redirect) return app.navigate(r.redirect, { replace: true });
  clear(main);
  if (!r) {
    main.append(notFound('Không tìm thấy trang này.'));
    return;
  }
  if (!allowed(r.screen)) {
    const first = visibleScreens()[0];
    if ((r.module === queue || r.module === dashboard) && first) return app.navigate(screenHref(first), { replace: true });
    main.append(notFound('Tài khoản của bạn không dùng được chức năng này.'));
    return;
  }
  if (r.module === queue) app.lastQueue = `/tips${location.search}`;
  markNav(r.navPath);
  app.screen = r.module.mount(main, app, { params: r.params, query: new URLSearchParams(location.search) }) ?? null;
}

function notFound(text) {
  return h('section', { class: 'panel narrow' }, h('h1', {}, text), h('p', {}, h('a', { href: `${BASE}/tips` }, 'Về danh sách tin báo')));
}

window.addEventListener('popstate', route);

// Same-origin links inside the console open without reloading the page.
document.addEventListener('click', (e) => {
  const a = e.target.closest?.('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !(url.pathname === BASE || url.pathname.startsWith(`${BASE}/`)) || url.pathname.startsWith(`${BASE}/static/`)) return;
  e.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) app.navigate(url.pathname + url.search);
  else route();
});

// ---------- keyboard ----------

function typing(el) {
  return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

document.addEventListener('keydown', (e) => {
  if (!app.officer || e.ctrlKey || e.metaKey || e.altKey) return;
  if (document.querySelector('dialog[open]')) return; // dialogs handle their own keys (Esc closes)
  const active = document.activeElement;
  if (e.key === 'Escape') {
    if (typing(active)) {
      active.blur();
      main.focus();
      return;
    }
    if (app.screen?.onKey?.(e)) return;
    if (parseRoute()?.module !== queue && app.can('canListTips')) {
      e.preventDefault();
      app.backToQueue();
    }
    return;
  }
  if (typing(active)) return;
  if (e.key === '?') {
    e.preventDefault();
    $('dlg-help').showModal();
    return;
  }
  if (app.screen?.onKey?.(e)) e.preventDefault();
});

// ---------- live stream of tip changes ----------

const liveState = $('live-state');
let liveRetry = null;
let liveDelay = 2000;

function setLive(state) {
  liveState.hidden = false;
  liveState.dataset.state = state;
  liveState.textContent = state === 'on' ? 'Trực tuyến' : 'Đang kết nối lại…';
  liveState.title = state === 'on' ? 'Tin mới hiện ngay, không cần tải lại trang' : 'Mất kết nối cập nhật trực tiếp; đang thử lại';
}

function startLive() {
  stopLive();
  if (!app.can('canListTips') || typeof EventSource === 'undefined') return;
  let hadError = false;
  const es = new EventSource('/api/tips/stream');
  app.live = es;
  setLive('off');
  es.addEventListener('open', () => {
    liveDelay = 2000;
    setLive('on');
    if (hadError) app.screen?.onResync?.();
    hadError = false;
  });
  es.addEventListener('tip', (ev) => {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (data && typeof data.id === 'string') app.screen?.onTip?.(data);
  });
  es.addEventListener('error', () => {
    hadError = true;
    setLive('off');
    // The browser retries by itself unless the server refused the stream (closed): then we do.
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      const wait = liveDelay;
      liveDelay = Math.min(liveDelay * 2, 30000);
      liveRetry = setTimeout(async () => {
        try {
          await api('/auth/me', { quiet401: true });
          startLive();
          app.screen?.onResync?.();
        } catch (err) {
          if (err.status === 401) window.dispatchEvent(new CustomEvent('tb:unauthorized'));
          else startLiveLater();
        }
      }, wait);
    }
  });
}

function startLiveLater() {
  clearTimeout(liveRetry);
  liveRetry = setTimeout(startLive, liveDelay);
}

function stopLive() {
  clearTimeout(liveRetry);
  app.live?.close();
  app.live = null;
  liveState.hidden = true;
}

start();
