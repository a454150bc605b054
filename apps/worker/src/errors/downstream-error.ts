import { PermanentError } from "./permanent-error.js";
import { RetryableError } from "./retryable-error.js";

/** Parses `retry-after`: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Sorts a downstream HTTP answer: a 4xx will not change on retry (the request itself is
 * wrong), except 408 and 429 which say "later", and one the caller knows to be `transient`;
 * 5xx and anything else are retried.
 */
export function downstreamError(
  service: string,
  status: number,
  detail: string,
  retryAfter?: string | null,
  transient = false,
): Error {
  const message = `${service} answered ${status}: ${detail.slice(0, 500)}`;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429 && !transient)
    return new PermanentError(`${service}_rejected`, message);
  const retryAfterMs = parseRetryAfter(retryAfter);
  return new RetryableError(`${service}_unavailable`, message, retryAfterMs === undefined ? {} : { retryAfterMs });
}
