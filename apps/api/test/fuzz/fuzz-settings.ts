import type { Parameters } from "fast-check";

/**
 * Generated requests per run of the whole fuzz suite, shared out between its properties.
 * `FUZZ_RUNS=100000 pnpm test:fuzz` searches longer; `FUZZ_SEED=<seed>` (printed by
 * fast-check on a failure, with the path to the failing case) replays a run.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/** fast-check settings for a property that gets `share` of the runs. */
export function runs(share: number): Parameters<unknown> {
  const seed = process.env.FUZZ_SEED;
  return { numRuns: Math.max(1, Math.round(FUZZ_RUNS * share)), ...(seed ? { seed: Number(seed) } : {}) };
}

/** A property's time limit: generous, since a slow machine is not a failure; a hang is. */
export const PROPERTY_TIMEOUT_MS = 60_000 + FUZZ_RUNS * 20;

/** The body limit of the API under test: low, so generated bodies cross it both ways. */
export const LIMIT_BYTES = 32_768;
