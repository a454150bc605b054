import type { Logger } from "pino";
import type { z } from "zod";
import { AiAnswerError } from "../errors/index.js";
import type { WorkerMetrics } from "../metrics.js";
import type { StepOutcome } from "../steps/step-runner.js";
import type { AiCache } from "./ai-cache.js";
import { BUDGET_REACHED, type DailyBudget } from "./daily-budget.js";
import { PiiMap, redactPii, restorePii } from "./pii.js";
import { estimateCostUsd, type PriceOverride } from "./pricing.js";
import type { AiProvider } from "./provider.js";
import type { AiTask } from "./task.js";

export interface AiServiceOptions {
  provider: AiProvider;
  /** Off when AI_CACHE=false; never used for the offline provider, whose answers cost nothing. */
  cache?: AiCache;
  metrics: WorkerMetrics;
  prices?: PriceOverride;
  /**
   * `AI_REDACT_PII`: a remote provider sees placeholders for personal data, and the cache
   * keeps its answers with placeholders too; the step's output gets the real values back.
   */
  redactPii?: boolean;
  /** `AI_DAILY_BUDGET_USD`: past it, a remote provider's steps are answered by `offline` instead. */
  budget?: DailyBudget;
  offline?: AiProvider;
  logger: Logger;
}

/** Asks the provider, through the cache, and turns the answer into a step's outcome with its cost. */
export class AiService {
  constructor(private readonly options: AiServiceOptions) {}

  get provider(): AiProvider {
    return this.options.provider;
  }

  async ask<I, S extends z.ZodType>(task: AiTask<I, S>, input: I): Promise<StepOutcome<z.infer<S>>> {
    const { provider, metrics } = this.options;
    const cache = provider.remote ? this.options.cache : undefined;
    const { value: asked, map } =
      provider.remote && this.options.redactPii ? redactPii(input) : { value: input, map: new PiiMap() };
    const key = cache?.key(
      provider.name,
      provider.model,
      { version: task.promptVersion, text: task.instructions },
      asked,
    );
    const hit = key ? await cache!.get(key) : undefined;
    if (hit) {
      const parsed = task.schema.safeParse(restorePii(hit.output, map));
      if (parsed.success) {
        metrics.aiRequests.inc({ provider: hit.provider, model: hit.model, cached: "true" });
        const { provider: name, model, promptTokens, completionTokens } = hit;
        return {
          output: parsed.data,
          tries: 1,
          ai: { provider: name, model, promptTokens, completionTokens, costUsd: 0, cached: true },
        };
      }
      this.options.logger.warn({ task: task.name }, "cached AI answer no longer fits the schema; asking again");
    }

    const { budget, offline } = this.options;
    if (provider.remote && budget && offline && (await budget.reached())) {
      metrics.aiBudgetFallbacks.inc({ task: task.name });
      return this.answerOffline(offline, task, input, BUDGET_REACHED);
    }

    try {
      const answer = await provider.complete(task, asked);
      const costUsd = this.count(answer.provider, answer.model, answer.promptTokens, answer.completionTokens);
      budget?.record(costUsd);
      metrics.aiRequests.inc({ provider: answer.provider, model: answer.model, cached: "false" });
      if (key) await cache!.set(key, answer);
      const { provider: name, model, promptTokens, completionTokens, requests } = answer;
      return {
        output: restorePii(answer.output, map),
        tries: Math.max(1, requests),
        ai: { provider: name, model, promptTokens, completionTokens, costUsd, cached: false },
      };
    } catch (error) {
      // Invalid answers were billed too.
      if (error instanceof AiAnswerError)
        budget?.record(
          this.count(provider.name, provider.model, error.usage.promptTokens, error.usage.completionTokens),
        );
      throw error;
    }
  }

  /** The offline rules' answer in place of the model's, with the reason stored beside it. */
  private async answerOffline<I, S extends z.ZodType>(
    offline: AiProvider,
    task: AiTask<I, S>,
    input: I,
    note: string,
  ): Promise<StepOutcome<z.infer<S>>> {
    const answer = await offline.complete(task, input);
    this.options.metrics.aiRequests.inc({ provider: answer.provider, model: answer.model, cached: "false" });
    return {
      output: answer.output,
      tries: 1,
      ai: {
        provider: answer.provider,
        model: answer.model,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
        cached: false,
        note,
      },
    };
  }

  private count(provider: string, model: string, promptTokens: number, completionTokens: number): number {
    const { metrics } = this.options;
    metrics.aiTokens.inc({ provider, model, kind: "prompt" }, promptTokens);
    metrics.aiTokens.inc({ provider, model, kind: "completion" }, completionTokens);
    const costUsd = estimateCostUsd(model, promptTokens, completionTokens, this.options.prices);
    metrics.aiCost.inc({ provider, model }, costUsd);
    return costUsd;
  }
}
