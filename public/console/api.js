// The console JSON API (/api): cookie session + X-CSRF-Token, one error shape.

let csrfToken = null;

export function setCsrf(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

const NETWORK = 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.';

/**
 * api('/tips', { query: {q:'ma tuy'} }) · api('/tips/1/claim', { method: 'POST', body: {version} }) · body: a File/Blob is sent as is
 * @param {string} path
 * @param {{ method?: string, body?: any, query?: Record<string, unknown>, quiet401?: boolean }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, { method = 'GET', body, query, quiet401 = false } = {}) {
  let url = `/api${path}`;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  const headers = { Accept: 'application/json' };
  // A file (a campaign image) goes as the whole body, with its own type.
  const isFile = typeof Blob !== 'undefined' && body instanceof Blob;
  if (body !== undefined) headers['Content-Type'] = isFile ? body.type : 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : isFile ? body : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', NETWORK);
  }
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const e = data?.error;
    const retry = Number(res.headers.get('retry-after')) || undefined;
    const err = new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? `Máy chủ trả lời lỗi ${res.status}.`, e?.details, retry);
    if (res.status === 401 && !quiet401) window.dispatchEvent(new CustomEvent('tb:unauthorized', { detail: err }));
    if (err.code === 'password_change_required') window.dispatchEvent(new CustomEvent('tb:password-change-required', { detail: err }));
    throw err;
  }
  return data;
}

/** Query string of an object, skipping empty values. */
export function qs(obj) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
