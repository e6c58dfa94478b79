// @ts-check
// A clip for the translators' workbench: recorded in the browser (MediaRecorder) or chosen from a file, listened
// to before it is saved, recorded again if it is not right. The widget only produces a Blob; `onSave(blob)` sends it.
// Nothing leaves the browser until the translator presses "Lưu đoạn ghi âm".

import { h, clear } from './dom.js';

/** Longest recording (the API refuses clips over 3 minutes): the recorder stops by itself. */
export const MAX_RECORD_MS = 3 * 60 * 1000;
/** Largest file the API takes. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Content types the API takes as they are (src/console/translation-audio-routes.ts); others go as plain bytes. */
const SENT_TYPES = ['audio/webm', 'audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/wav', 'audio/x-m4a', 'audio/aac', 'audio/flac'];
const LISTEN_FIRST = 'Nghe lại đoạn ghi trước khi lưu.';
/** What the recorder asks for, in order: Opus in WebM (Chromium, Firefox), Opus in Ogg, AAC (Safari). */
const RECORD_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/mp4'];

/** 75_000 → "1:15" */
export function fmtClock(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Why the microphone cannot be used, in words a translator can act on. */
function micError(err) {
  const name = err && typeof err === 'object' && 'name' in err ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Trình duyệt không cho dùng micrô. Bấm vào biểu tượng bên trái địa chỉ trang, chọn cho phép micrô, rồi bấm «Ghi âm» lại. Hoặc tải lên một tệp ghi âm.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'Không tìm thấy micrô trên máy này. Cắm micrô (hoặc tai nghe có micrô) rồi thử lại, hoặc tải lên một tệp ghi âm.';
  if (name === 'NotReadableError') return 'Micrô đang bị một chương trình khác dùng. Đóng chương trình đó rồi thử lại.';
  return 'Không ghi âm được trên trình duyệt này. Hãy tải lên một tệp ghi âm.';
}

/**
 * The recorder and file picker. `label` names the clip for screen readers ("tiếng Hrê");
 * `onSave(blob)` resolves when the server took the clip (rejects with an ApiError, shown by the caller).
 * Returns the element and `dispose()` (stops the microphone and frees the recording).
 *
 * @param {{ label: string, idPrefix: string, onSave: (blob: Blob) => Promise<void>, onError: (err: unknown) => void }} options
 */
export function voiceRecorder({ label, idPrefix, onSave, onError }) {
  /** @type {{ stream: MediaStream | null, recorder: MediaRecorder | null, chunks: Blob[], startedAt: number, timer: number | undefined, blob: Blob | null, url: string | null, listened: boolean, disposed: boolean }} */
  const s = { stream: null, recorder: null, chunks: [], startedAt: 0, timer: undefined, blob: null, url: null, listened: false, disposed: false };
  const canRecord = Boolean(navigator.mediaDevices?.getUserMedia) && typeof MediaRecorder !== 'undefined';

  const status = h('p', { class: 'rec-status', role: 'status' });
  const clock = h('span', { class: 'rec-clock', 'aria-hidden': 'true' });
  const recordBtn = h('button', { type: 'button', class: 'btn', onclick: () => start() }, 'Ghi âm');
  const stopBtn = h('button', { type: 'button', class: 'btn danger', hidden: true, onclick: () => stop() }, 'Dừng');
  const player = /** @type {HTMLAudioElement} */ (h('audio', { controls: true, preload: 'auto', class: 'rec-player', 'aria-label': `Nghe lại đoạn ghi ${label}` }));
  const playBtn = h('button', { type: 'button', class: 'btn', onclick: () => void player.play().catch(() => {}) }, 'Nghe lại');
  const againBtn = h('button', { type: 'button', class: 'btn', onclick: () => { discard(); start(); } }, 'Ghi lại');
  const saveBtn = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'btn primary', disabled: true, onclick: () => save() }, 'Lưu đoạn ghi âm'));
  const cancelBtn = h('button', { type: 'button', class: 'btn ghost', onclick: () => { discard(); show('idle'); } }, 'Bỏ đoạn này');
  const saveHint = h('small', { class: 'hint' }, LISTEN_FIRST);
  const review = h('div', { class: 'rec-review', hidden: true }, player, h('div', { class: 'row-actions' }, playBtn, againBtn, saveBtn, cancelBtn), saveHint);

  const fileInput = /** @type {HTMLInputElement} */ (h('input', { id: `${idPrefix}-file`, type: 'file', class: 'file', accept: 'audio/*,.ogg,.opus,.oga,.m4a,.mp3,.wav,.webm,.aac,.amr,.3gp' }));
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.value = '';
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) return fail('Tệp lớn hơn 10 MB. Hãy chọn tệp ngắn hơn (tối đa 3 phút).');
    if (file.size === 0) return fail('Tệp này trống.');
    discard();
    // A type the API does not name (or none: some phones) goes as plain bytes; the server reads what it really is.
    useClip(new Blob([file], { type: SENT_TYPES.includes(file.type) ? file.type : 'application/octet-stream' }), `Tệp «${file.name}»`);
  });
  const pick = h('span', { class: 'file-pick' }, fileInput, h('label', { for: fileInput.id, class: 'btn' }, 'Tải lên tệp ghi âm…'));
  const controls = h('div', { class: 'row-actions' }, canRecord ? recordBtn : null, stopBtn, clock, pick);
  const el = h('div', { class: 'recorder' }, controls, status, review);
  player.addEventListener('play', () => {
    s.listened = true;
    saveBtn.disabled = false;
    saveHint.hidden = true;
  });
  // A phone's file this browser cannot play (AMR, 3GP…) may still be a good recording: the server reads and converts
  // it, and the saved copy plays here. Saving is allowed, and the translator is told why they heard nothing.
  player.addEventListener('error', () => {
    if (!s.blob) return;
    s.listened = true;
    saveBtn.disabled = false;
    saveHint.textContent = 'Trình duyệt này không phát được tệp này. Máy chủ sẽ kiểm tra khi lưu; lưu xong bạn nghe lại được bản đã chuyển đổi.';
    saveHint.hidden = false;
  });
  if (!canRecord) status.textContent = window.isSecureContext ? 'Trình duyệt này không ghi âm được; hãy tải lên một tệp ghi âm.' : 'Chỉ ghi âm được khi trang mở bằng địa chỉ https; hãy tải lên một tệp ghi âm.';

  /** @param {'idle' | 'recording' | 'review' | 'saving'} mode */
  function show(mode) {
    recordBtn.hidden = mode === 'recording';
    recordBtn.disabled = mode === 'saving';
    stopBtn.hidden = mode !== 'recording';
    clock.hidden = mode !== 'recording';
    pick.hidden = mode === 'recording';
    review.hidden = mode !== 'review' && mode !== 'saving';
    for (const b of [playBtn, againBtn, cancelBtn]) /** @type {HTMLButtonElement} */ (b).disabled = mode === 'saving';
    saveBtn.disabled = mode === 'saving' || !s.listened;
    againBtn.hidden = !canRecord;
    if (mode === 'idle') status.textContent = '';
  }

  /** @param {string} text */
  function fail(text) {
    show('idle');
    status.textContent = text;
  }

  async function start() {
    status.textContent = 'Đang mở micrô…';
    try {
      s.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      return fail(micError(err));
    }
    if (s.disposed) return release();
    const type = RECORD_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    try {
      s.recorder = new MediaRecorder(s.stream, type ? { mimeType: type } : undefined);
    } catch (err) {
      release();
      return fail(micError(err));
    }
    s.chunks = [];
    s.recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size) s.chunks.push(e.data);
    });
    s.recorder.addEventListener('stop', () => {
      const lengthMs = Date.now() - s.startedAt;
      const blob = new Blob(s.chunks, { type: (s.recorder?.mimeType || type || 'audio/webm').split(';')[0] });
      release();
      if (s.disposed) return;
      if (!blob.size) return fail('Không thu được tiếng nào. Kiểm tra micrô rồi ghi lại.');
      useClip(blob, `Đoạn ghi dài ${fmtClock(lengthMs)}`);
    });
    s.startedAt = Date.now();
    s.recorder.start(250);
    tick();
    s.timer = window.setInterval(tick, 250);
    show('recording');
    status.textContent = `Đang ghi âm ${label}. Bấm «Dừng» khi nói xong (tối đa 3 phút).`;
    stopBtn.focus();
  }

  function tick() {
    const ms = Date.now() - s.startedAt;
    clock.textContent = `● ${fmtClock(ms)} / ${fmtClock(MAX_RECORD_MS)}`;
    if (ms >= MAX_RECORD_MS) stop();
  }

  function stop() {
    window.clearInterval(s.timer);
    if (s.recorder && s.recorder.state !== 'inactive') s.recorder.stop();
  }

  /** Stops the microphone (the browser's recording light goes off). */
  function release() {
    window.clearInterval(s.timer);
    for (const t of s.stream?.getTracks() ?? []) t.stop();
    s.stream = null;
    s.recorder = null;
  }

  /**
   * @param {Blob} blob
   * @param {string} what
   */
  function useClip(blob, what) {
    s.blob = blob;
    s.url = URL.createObjectURL(blob);
    s.listened = false;
    player.src = s.url;
    show('review');
    status.textContent = `${what}. Bấm «Nghe lại» để kiểm tra, rồi «Lưu đoạn ghi âm».`;
    playBtn.focus();
  }

  function discard() {
    player.pause();
    player.removeAttribute('src');
    player.load();
    if (s.url) URL.revokeObjectURL(s.url);
    s.blob = null;
    s.url = null;
    s.listened = false;
    saveHint.textContent = LISTEN_FIRST;
    saveHint.hidden = false;
  }

  async function save() {
    if (!s.blob || !s.listened) return;
    player.pause();
    show('saving');
    status.textContent = 'Đang lưu và chuyển đổi đoạn ghi âm…';
    try {
      await onSave(s.blob);
      discard();
      show('idle');
      status.textContent = 'Đã lưu đoạn ghi âm (bản nháp).';
    } catch (err) {
      show('review');
      status.textContent = '';
      onError(err);
    }
  }

  show('idle');
  return {
    el,
    dispose() {
      s.disposed = true;
      stop();
      release();
      discard();
      clear(status);
    },
  };
}
