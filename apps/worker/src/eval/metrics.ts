/** What happened to one case. */
export interface CaseResult {
  id: string;
  split: string;
  expected: string;
  /** The answer's label; absent when the answer was invalid or the request failed. */
  predicted?: string;
  /**
   * `answered`: the answer fits the schema. `invalid`: it did not, twice (a refusal is one
   * such answer). `failed`: no answer, the requests failed after their retries.
   */
  outcome: "answered" | "invalid" | "failed";
  error?: string;
  /** The validated answer, drafts included. */
  output?: unknown;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMs: number;
}

export interface ClassMetrics {
  /** Of the answers naming this class, the share that were right; null when none named it. */
  precision: number | null;
  /** Of the cases labelled this class, the share answered right; null when there were none. */
  recall: number | null;
  /** Cases labelled this class. */
  support: number;
  /** Answers naming this class. */
  predicted: number;
}

export interface Metrics {
  cases: number;
  correct: number;
  /** Correct answers over all cases: invalid and failed answers count as wrong. */
  accuracy: number;
  invalid: number;
  failed: number;
  perClass: Record<string, ClassMetrics>;
  /** `counts[i][j]`: cases labelled `labels[i]` answered `columns[j]`; the last column is no valid answer. */
  confusion: { labels: string[]; columns: string[]; counts: number[][] };
  tokens: { prompt: number; completion: number; promptPerCase: number; completionPerCase: number };
  costUsd: { total: number; perCase: number };
  latencyMs: { p50: number; p95: number };
}

export const NO_ANSWER = "invalid";

/** Nearest-rank percentile of an unsorted list; 0 for an empty one. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export function computeMetrics(classes: readonly string[], results: CaseResult[]): Metrics {
  const labels = [...classes];
  const columns = [...labels, NO_ANSWER];
  const counts = labels.map(() => columns.map(() => 0));
  for (const result of results) {
    const row = labels.indexOf(result.expected);
    if (row < 0) throw new Error(`case ${result.id}: label "${result.expected}" is not one of ${labels.join(", ")}`);
    const column = result.predicted === undefined ? columns.length - 1 : labels.indexOf(result.predicted);
    counts[row]![column < 0 ? columns.length - 1 : column]! += 1;
  }
  const correct = labels.reduce((sum, _, i) => sum + counts[i]![i]!, 0);
  const perClass: Record<string, ClassMetrics> = {};
  for (const [i, label] of labels.entries()) {
    const support = counts[i]!.reduce((a, b) => a + b, 0);
    const predicted = counts.reduce((sum, row) => sum + row[i]!, 0);
    perClass[label] = {
      precision: ratio(counts[i]![i]!, predicted),
      recall: ratio(counts[i]![i]!, support),
      support,
      predicted,
    };
  }
  const n = results.length;
  const prompt = results.reduce((sum, r) => sum + r.promptTokens, 0);
  const completion = results.reduce((sum, r) => sum + r.completionTokens, 0);
  const cost = results.reduce((sum, r) => sum + r.costUsd, 0);
  const latencies = results.map((r) => r.latencyMs);
  return {
    cases: n,
    correct,
    accuracy: n === 0 ? 0 : correct / n,
    invalid: results.filter((r) => r.outcome === "invalid").length,
    failed: results.filter((r) => r.outcome === "failed").length,
    perClass,
    confusion: { labels, columns, counts },
    tokens: { prompt, completion, promptPerCase: n ? prompt / n : 0, completionPerCase: n ? completion / n : 0 },
    costUsd: { total: Math.round(cost * 1e6) / 1e6, perCase: n ? cost / n : 0 },
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
  };
}
