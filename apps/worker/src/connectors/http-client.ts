import { downstreamError, RetryableError } from "../errors/index.js";

export interface HttpRequest {
  method?: "GET" | "POST" | "PATCH" | "PUT";
  headers?: Record<string, string>;
  /** Sent as is when a string (signed bodies must not be re-serialised), else as JSON. */
  body?: unknown;
  timeoutMs: number;
  /** A refusal the service documents as passing (a rate limit it answers with 400, say): retried, not failed. */
  transient?: (status: number, text: string) => boolean;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * One request to a downstream service. Network failures and timeouts are retryable; an
 * answer outside 2xx is sorted by `downstreamError` (4xx permanent, except 408, 429 and
 * what `transient` says passes).
 */
export async function request(service: string, url: string, options: HttpRequest): Promise<HttpAnswer> {
  const body = options.body === undefined || typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new RetryableError(`${service}_unreachable`, `${service} request failed: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text().catch(() => "");
  if (!response.ok)
    throw downstreamError(service, response.status, text, response.headers.get("retry-after"), options.transient?.(response.status, text));
  return { status: response.status, text };
}

export function json<T>(answer: HttpAnswer): T {
  return JSON.parse(answer.text) as T;
}
