import { performance } from "node:perf_hooks";
import { estimateCostUsd, type PriceOverride } from "../ai/pricing.js";
import type { AiProvider } from "../ai/provider.js";
import { AiAnswerError, PermanentError } from "../errors/index.js";
import type { EvalCase } from "./eval-set.js";
import type { EvalTask } from "./eval-tasks.js";
import type { CaseResult } from "./metrics.js";

export interface RunOptions {
  /** Cases in flight at once; the offline provider needs no more than one. */
  concurrency: number;
  prices?: PriceOverride;
  /** Called after each case, in completion order. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The model server refused the request itself (a wrong key, an unknown model): every other
 * case would fail the same way, so the run stops rather than scoring a wall of failures.
 */
export class EvalAbortError extends Error {
  override readonly name = "EvalAbortError";
}

async function runCase(
  task: EvalTask,
  provider: AiProvider,
  item: EvalCase,
  prices: PriceOverride | undefined,
): Promise<CaseResult> {
  const base = { id: item.id, split: item.split, expected: item.expected };
  const started = performance.now();
  try {
    const { label, answer } = await task.ask(provider, item.input);
    const { promptTokens, completionTokens } = answer;
    return {
      ...base,
      predicted: label,
      outcome: "answered",
      output: answer.output,
      promptTokens,
      completionTokens,
      costUsd: estimateCostUsd(answer.model, promptTokens, completionTokens, prices),
      latencyMs: performance.now() - started,
    };
  } catch (error) {
    const latencyMs = performance.now() - started;
    if (error instanceof AiAnswerError) {
      const { promptTokens, completionTokens } = error.usage;
      const costUsd = estimateCostUsd(provider.model, promptTokens, completionTokens, prices);
      return { ...base, outcome: "invalid", error: error.message, promptTokens, completionTokens, costUsd, latencyMs };
    }
    if (error instanceof PermanentError)
      throw new EvalAbortError(`case ${item.id}: ${error.message}`, { cause: error });
    return {
      ...base,
      outcome: "failed",
      error: (error as Error).message,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      latencyMs,
    };
  }
}

/** Runs every case through the task and provider, keeping the cases' order in the results. */
export async function runCases(
  task: EvalTask,
  provider: AiProvider,
  cases: EvalCase[],
  options: RunOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  let aborted = false;
  async function lane(): Promise<void> {
    while (next < cases.length && !aborted) {
      const index = next++;
      try {
        results[index] = await runCase(task, provider, cases[index]!, options.prices);
      } catch (error) {
        aborted = true;
        throw error;
      }
      options.onProgress?.(++done, cases.length);
    }
  }
  const lanes = Math.max(1, Math.min(options.concurrency, cases.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
