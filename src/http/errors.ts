/** One error type for the HTTP layer, one table from code to status, one body shape. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  password_change_required: 403,
  not_found: 404,
  conflict: 409,
  stale: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** Well-formed but not acceptable as it is (a translation that drops a {{variable}}, a file that is not a readable recording, a clip too long). */
  unprocessable: 422,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
  insufficient_storage: 507,
  /** The database is locked by another process (SQLite): nothing was stored, retry shortly. */
  database_locked: 503,
  /** The disk is full: nothing was stored, retry later. */
  disk_full: 503,
  /** The evidence folder cannot be written (read-only, permissions). */
  media_unwritable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  toBody(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
