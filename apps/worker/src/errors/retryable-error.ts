/** A failure that may pass later (a 5xx, a 429, a timeout): the queue retries with backoff. */
export class RetryableError extends Error {
  override readonly name: string = "RetryableError";
  /** How many times the failing work was tried in this run (an AI step counts its HTTP requests). */
  tries = 1;

  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** What the downstream asked for, when it said (`retry-after`). */
  readonly retryAfterMs: number | undefined;
}
