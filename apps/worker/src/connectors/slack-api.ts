import { PermanentError, RetryableError } from "../errors/index.js";
import { json, type RequestLimits, request } from "./http-client.js";

export interface SlackApiOptions extends RequestLimits {
  botToken: string;
  /** `https://slack.com/api` */
  apiUrl: string;
}

/** Slack's own errors that say "try again later" rather than "this request is wrong". */
const TRANSIENT = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"]);

export type SlackAnswer = { ok: boolean; error?: string } & Record<string, unknown>;

/**
 * Slack's Web API with a bot token. Slack answers 200 with `ok: false` for most failures:
 * those are sorted here (`accept` lists errors that mean the work is done already).
 */
export class SlackApi {
  constructor(private readonly options: SlackApiOptions) {}

  async call<T extends SlackAnswer>(
    method: string,
    body: Record<string, unknown>,
    accept: readonly string[] = [],
  ): Promise<T> {
    const answer = json<T>(
      await request("slack", `${this.options.apiUrl.replace(/\/$/, "")}/${method}`, {
        body,
        headers: {
          authorization: `Bearer ${this.options.botToken}`,
          "content-type": "application/json; charset=utf-8",
        },
        timeoutMs: this.options.timeoutMs,
        retryAfterMaxMs: this.options.retryAfterMaxMs,
      }),
    );
    if (answer.ok || (answer.error && accept.includes(answer.error))) return answer;
    const message = `slack ${method} answered ${answer.error ?? "an error"}`;
    if (answer.error && TRANSIENT.has(answer.error)) throw new RetryableError("slack_unavailable", message);
    throw new PermanentError("slack_rejected", message);
  }
}
