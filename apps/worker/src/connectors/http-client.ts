import { setTimeout as sleep } from "node:timers/promises";
import { downstreamError, RetryableError } from "../errors/index.js";

export interface HttpRequest {
  method?: "GET" | "POST" | "PATCH" | "PUT";
  headers?: Record<string, string>;
  /** Sent as is when a string (signed bodies must not be re-serialised), else as JSON. */
  body?: unknown;
  timeoutMs: number;
  /** A refusal the service documents as passing (a rate limit it answers with 400, say): retried, not failed. */
  transient?: (status: number, text: string) => boolean;
  /**
   * The longest `retry-after` of a 429 waited out here before asking again (twice at most);
   * a longer one, or none, fails the request as retryable: the queue's backoff takes over.
   */
  retryAfterMaxMs?: number;
}

/** What bounds a connector's requests, from the configuration (`CONNECTOR_TIMEOUT_MS`, `CONNECTOR_RETRY_MAX_DELAY_MS`). */
export type RequestLimits = Pick<HttpRequest, "timeoutMs" | "retryAfterMaxMs">;

/** Requests a 429 with a short enough `retry-after` may take in all. */
const MAX_TRIES = 3;

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * One request to a downstream service. Network failures and timeouts are retryable; an
 * answer outside 2xx is sorted by `downstreamError` (4xx permanent, except 408, 429 and
 * what `transient` says passes). A 429 whose `retry-after` is within `retryAfterMaxMs` is
 * waited out and asked again.
 */
export async function request(service: string, url: string, options: HttpRequest): Promise<HttpAnswer> {
  const body =
    options.body === undefined || typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  for (let tries = 1; ; tries++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: options.method ?? "POST",
        headers: { "content-type": "application/json", ...options.headers },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new RetryableError(`${service}_unreachable`, `${service} request failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => "");
    if (response.ok) return { status: response.status, text };
    const error = downstreamError(
      service,
      response.status,
      text,
      response.headers.get("retry-after"),
      options.transient?.(response.status, text),
    );
    // A 429 says the request was not acted on, so asking again cannot do anything twice.
    const wait = response.status === 429 && error instanceof RetryableError ? error.retryAfterMs : undefined;
    if (wait === undefined || wait > (options.retryAfterMaxMs ?? 0) || tries >= MAX_TRIES) throw error;
    await sleep(wait);
  }
}

export function json<T>(answer: HttpAnswer): T {
  return JSON.parse(answer.text) as T;
}
