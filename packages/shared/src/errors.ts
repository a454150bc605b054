/** Stable, machine-readable error codes and the HTTP status each maps to. */
export const errorStatus = {
  invalid_json: 400,
  invalid_payload: 400,
  invalid_request: 400,
  missing_signature: 401,
  invalid_signature: 401,
  stale_timestamp: 401,
  source_not_configured: 401,
  unauthorized: 401,
  forbidden: 403,
  unknown_source: 404,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  queue_unavailable: 503,
  unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** An error meant for the caller: its code and message are safe to return as they are. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = errorStatus[code];
  }
}
