import type { ServerResponse } from "node:http";
import { type FakeRequest, FakeService, sendJson } from "./http-fake.js";

/** One scripted answer; the script is used up first, then every request gets a good answer. */
export type FakeAiBehaviour =
  | { kind: "error"; status: number; retryAfter?: string }
  | { kind: "content"; content: string }
  | { kind: "hang" };

/** What the fake model answers for each task (the json_schema name), when not scripted otherwise. */
export const fakeAnswers: Record<string, unknown> = {
  lead_analysis: {
    category: "hot",
    urgency: 91,
    reasons: ["the fake model says so"],
    draftReply: "Hello from the model",
  },
  ticket_triage: {
    priority: "urgent",
    category: "outage",
    sentiment: "negative",
    summary: "The fake model's summary",
    draftReply: "We are on it",
  },
  payment_risk: { risk: "high", reasons: ["the fake model says so"], customerMessage: "Please update your card" },
};

export const FAKE_USAGE = { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 };

/**
 * An OpenAI-compatible `/v1/chat/completions` server, so the real SDK code path runs. It
 * can fail, rate limit, answer garbage or be slow, and counts what it was asked.
 */
export class FakeOpenAiServer extends FakeService {
  readonly script: FakeAiBehaviour[] = [];
  /** Added to every answer, like a real model's latency. */
  delayMs = 0;
  /** While set, every request not scripted otherwise gets this answer: an outage that lasts. */
  always: FakeAiBehaviour | undefined;
  /** Models that answer this way whatever the script says: a model that is down while another is up. */
  readonly byModel = new Map<string, FakeAiBehaviour>();
  /** Requests waiting for `release()`; each answers as it would have, once released. */
  private held: Array<() => void> | undefined;

  get baseURL(): string {
    return `${this.http.url}/v1`;
  }

  /** The OpenAI SDK's `baseURL`. */
  override get url(): string {
    return this.baseURL;
  }

  /** Chat completion requests received, failed ones included. */
  override get requests(): FakeRequest[] {
    return this.http.requests.filter((request) => request.path.endsWith("/chat/completions"));
  }

  /** From now on, answers wait until `release()`: a job is then surely in flight, whatever the machine's load. */
  hold(): this {
    this.held ??= [];
    return this;
  }

  /** Requests held right now. */
  get waiting(): number {
    return this.held?.length ?? 0;
  }

  /** Answers every held request and stops holding. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const answer of held) answer();
  }

  /** The next answers, in order. */
  respondWith(...behaviours: FakeAiBehaviour[]): this {
    this.script.push(...behaviours);
    return this;
  }

  protected override async handle(request: FakeRequest, response: ServerResponse): Promise<void> {
    if (!request.path.endsWith("/chat/completions"))
      return sendJson(response, 404, { error: { message: "not found" } });
    if (request.headers.authorization !== "Bearer test-openai-key")
      return sendJson(response, 401, {
        error: { message: "Incorrect API key provided", type: "invalid_request_error" },
      });
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    const body = JSON.parse(request.body) as { model: string; response_format?: { json_schema?: { name?: string } } };
    const behaviour = this.byModel.get(body.model) ?? this.script.shift() ?? this.always;
    if (behaviour?.kind === "hang") return;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (behaviour?.kind === "error") {
      const headers: Record<string, string> = behaviour.retryAfter ? { "retry-after": behaviour.retryAfter } : {};
      return sendJson(
        response,
        behaviour.status,
        { error: { message: `scripted ${behaviour.status}`, type: "server_error" } },
        headers,
      );
    }
    const task = body.response_format?.json_schema?.name ?? "";
    const content = behaviour?.kind === "content" ? behaviour.content : JSON.stringify(fakeAnswers[task] ?? {});
    sendJson(response, 200, {
      id: `chatcmpl-${this.http.requests.length}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        { index: 0, message: { role: "assistant", content, refusal: null }, finish_reason: "stop", logprobs: null },
      ],
      usage: FAKE_USAGE,
    });
  }
}
