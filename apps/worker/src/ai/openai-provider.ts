import { setTimeout as sleep } from "node:timers/promises";
import type { Config } from "@aiops/shared";
import OpenAI from "openai";
import type { Logger } from "pino";
import type { z } from "zod";
import { AiAnswerError, PermanentError, parseRetryAfter, RetryableError } from "../errors/index.js";
import { capInput } from "./input-cap.js";
import { strictJsonSchema } from "./json-schema.js";
import { buildMessages } from "./prompt.js";
import type { AiAnswer, AiProvider } from "./provider.js";
import type { AiTask } from "./task.js";

export interface OpenAiProviderOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Asked once `model`'s retries are exhausted on 5xx or timeouts (`OPENAI_FALLBACK_MODEL`). */
  fallbackModel?: string;
  timeoutMs: number;
  /** Most characters of event text in one request (`AI_MAX_INPUT_CHARS`); longer fields are cut with a marker. */
  maxInputChars: number;
  /** Retries of one request on 429, 5xx, timeouts and connection errors. */
  maxRetries: number;
  retryBaseMs: number;
  /** A longer `retry-after` than this is not waited out in the step: the queue's backoff takes over. */
  retryMaxDelayMs: number;
  /** Called before every request, retries included: the fleet-wide rate limit. */
  beforeRequest?: () => Promise<void>;
  logger: Logger;
}

/** The provider's options as the configuration sets them; the worker and `pnpm eval` share this. */
export function openAiOptionsFrom(
  config: Config,
  overrides: { apiKey: string; model?: string; beforeRequest?: () => Promise<void>; logger: Logger },
): OpenAiProviderOptions {
  return {
    apiKey: overrides.apiKey,
    baseURL: config.OPENAI_BASE_URL,
    model: overrides.model ?? config.OPENAI_MODEL,
    // `pnpm eval --compare MODEL` scores that model alone: no fallback behind it.
    fallbackModel: overrides.model ? undefined : config.OPENAI_FALLBACK_MODEL,
    timeoutMs: config.AI_TIMEOUT_MS,
    maxInputChars: config.AI_MAX_INPUT_CHARS,
    maxRetries: config.AI_MAX_RETRIES,
    retryBaseMs: config.AI_RETRY_BASE_MS,
    retryMaxDelayMs: config.AI_RETRY_MAX_DELAY_MS,
    beforeRequest: overrides.beforeRequest,
    logger: overrides.logger,
  };
}

interface Usage {
  promptTokens: number;
  completionTokens: number;
  requests: number;
}

/**
 * Any OpenAI-compatible chat completions server, with structured outputs. The SDK's own
 * retries are off: this class retries so it can count requests, honour `retry-after` and
 * share the fleet's rate limit on every attempt.
 */
export class OpenAiProvider implements AiProvider {
  readonly name = "openai";
  readonly remote = true;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: 0,
    });
  }

  /**
   * An answer that does not fit the schema is asked for once more, then the step fails for
   * good. When the model is down (5xx or timeouts through every retry) the fallback model,
   * if any, is asked the same question; the answer names the model that gave it.
   */
  async complete<I, S extends z.ZodType>(task: AiTask<I, S>, input: I): Promise<AiAnswer<z.infer<S>>> {
    const usage: Usage = { promptTokens: 0, completionTokens: 0, requests: 0 };
    const messages = buildMessages(task as AiTask<unknown>, capInput(input, this.options.maxInputChars));
    const jsonSchema = strictJsonSchema(task.schema);
    const { fallbackModel } = this.options;
    try {
      return await this.completeWith(this.model, task, messages, jsonSchema, usage);
    } catch (error) {
      if (!fallbackModel || fallbackModel === this.model || !(error instanceof RetryableError) || !modelDown(error))
        throw error;
      this.options.logger.warn(
        { task: task.name, model: this.model, fallbackModel, err: error.message },
        "AI model unavailable; asking the fallback model",
      );
      return await this.completeWith(fallbackModel, task, messages, jsonSchema, usage);
    }
  }

  private async completeWith<S extends z.ZodType>(
    model: string,
    task: AiTask<unknown, S>,
    messages: ReturnType<typeof buildMessages>,
    jsonSchema: Record<string, unknown>,
    usage: Usage,
  ): Promise<AiAnswer<z.infer<S>>> {
    let problem = "";
    let raw = "";
    for (let answer = 1; answer <= 2; answer++) {
      raw = await this.request(model, task.name, messages, jsonSchema, usage);
      const parsed = this.parse(task.schema, raw);
      if (parsed.ok) return { output: parsed.value, provider: this.name, model, ...usage };
      problem = parsed.problem;
      this.options.logger.warn({ task: task.name, answer, problem }, "model answer does not fit the schema");
    }
    const error = new AiAnswerError(`the model's answer does not fit the ${task.name} schema twice: ${problem}`, raw, {
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
    });
    error.tries = usage.requests;
    throw error;
  }

  private parse<S extends z.ZodType>(
    schema: S,
    raw: string,
  ): { ok: true; value: z.infer<S> } | { ok: false; problem: string } {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { ok: false, problem: "not JSON" };
    }
    const result = schema.safeParse(json);
    return result.success
      ? { ok: true, value: result.data }
      : { ok: false, problem: result.error.message.slice(0, 500) };
  }

  private async request(
    model: string,
    name: string,
    messages: ReturnType<typeof buildMessages>,
    schema: Record<string, unknown>,
    usage: Usage,
  ): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      await this.options.beforeRequest?.();
      usage.requests += 1;
      try {
        const completion = await this.client.chat.completions.create({
          model,
          messages,
          temperature: 0,
          response_format: { type: "json_schema", json_schema: { name, schema, strict: true } },
        });
        usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
        usage.completionTokens += completion.usage?.completion_tokens ?? 0;
        const message = completion.choices[0]?.message;
        return message?.content ?? message?.refusal ?? "";
      } catch (error) {
        const failure = this.classify(error);
        failure.tries = usage.requests;
        if (failure instanceof PermanentError || attempt >= this.options.maxRetries) throw failure;
        const delay = failure.retryAfterMs ?? this.backoff(attempt);
        if (delay > this.options.retryMaxDelayMs) throw failure;
        this.options.logger.warn(
          { attempt: attempt + 1, delayMs: delay, err: failure.message },
          "AI request failed; retrying",
        );
        await sleep(delay);
      }
    }
  }

  private backoff(attempt: number): number {
    const base = this.options.retryBaseMs * 2 ** attempt;
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }

  /** 429, 408, 409 and 5xx pass with time; other 4xx mean the request itself is wrong. Timeouts are connection errors. */
  private classify(error: unknown): RetryableError | PermanentError {
    if (error instanceof OpenAI.APIConnectionError)
      return new RetryableError("ai_unreachable", `AI request failed: ${error.message}`, { cause: error });
    if (error instanceof OpenAI.APIError && typeof error.status === "number") {
      const status = error.status;
      const headers = error.headers;
      const retryAfterMs = Number(headers?.get("retry-after-ms")) || parseRetryAfter(headers?.get("retry-after"));
      const message = `AI server answered ${status}: ${error.message}`;
      const retryAfter = retryAfterMs === undefined ? {} : { retryAfterMs };
      if (status === 408 || status >= 500) return new RetryableError("ai_unavailable", message, retryAfter);
      if (status === 409 || status === 429) return new RetryableError("ai_rate_limited", message, retryAfter);
      return new PermanentError("ai_rejected", message, { cause: error });
    }
    return new RetryableError("ai_failed", `AI request failed: ${(error as Error).message}`, { cause: error });
  }
}

/** The model itself is down (5xx, timeouts, no connection): another model may answer. A 429 or a 4xx would not change. */
function modelDown(error: RetryableError): boolean {
  return error.code === "ai_unavailable" || error.code === "ai_unreachable";
}
