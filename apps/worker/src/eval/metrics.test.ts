import { describe, expect, it } from "vitest";
import { type CaseResult, computeMetrics, percentile } from "./metrics.js";

function result(
  id: string,
  expected: string,
  predicted: string | undefined,
  extra: Partial<CaseResult> = {},
): CaseResult {
  return {
    id,
    split: "train",
    expected,
    predicted,
    outcome: predicted === undefined ? "invalid" : "answered",
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    latencyMs: 0,
    ...extra,
  };
}

describe("eval metrics", () => {
  // Ten cases worked out by hand:
  //            answered hot  warm  cold  (none)
  // label hot        3     1     0     0
  // label warm       1     2     0     1
  // label cold       0     0     1     0
  // spam: no case, never answered.
  const classes = ["hot", "warm", "cold", "spam"];
  const results = [
    result("1", "hot", "hot"),
    result("2", "hot", "hot"),
    result("3", "hot", "hot"),
    result("4", "hot", "warm"),
    result("5", "warm", "warm"),
    result("6", "warm", "warm"),
    result("7", "warm", "hot"),
    result("8", "warm", undefined, { outcome: "invalid" }),
    result("9", "cold", "cold"),
    result("10", "cold", undefined, { outcome: "failed" }),
  ];
  const m = computeMetrics(classes, results);

  it("counts accuracy over every case, invalid and failed answers as wrong", () => {
    expect(m).toMatchObject({ cases: 10, correct: 6, accuracy: 0.6, invalid: 1, failed: 1 });
  });

  it("computes precision over the answers naming a class and recall over the cases labelled it", () => {
    expect(m.perClass.hot).toEqual({ precision: 3 / 4, recall: 3 / 4, support: 4, predicted: 4 });
    expect(m.perClass.warm).toEqual({ precision: 2 / 3, recall: 2 / 4, support: 4, predicted: 3 });
    expect(m.perClass.cold).toEqual({ precision: 1, recall: 1 / 2, support: 2, predicted: 1 });
    // Nothing labelled or answered spam: neither figure exists, rather than a misleading 0 or 100%.
    expect(m.perClass.spam).toEqual({ precision: null, recall: null, support: 0, predicted: 0 });
  });

  it("builds the confusion matrix with rows as labels and a column for no valid answer", () => {
    expect(m.confusion.columns).toEqual(["hot", "warm", "cold", "spam", "invalid"]);
    expect(m.confusion.counts).toEqual([
      [3, 1, 0, 0, 0],
      [1, 2, 0, 0, 1],
      [0, 0, 1, 0, 1],
      [0, 0, 0, 0, 0],
    ]);
  });

  it("sums tokens and cost and takes nearest-rank latency percentiles", () => {
    const timed = [10, 20, 30, 40].map((latencyMs, i) =>
      result(String(i), "hot", "hot", { latencyMs, promptTokens: 100, completionTokens: 10 + i, costUsd: 0.001 }),
    );
    const t = computeMetrics(classes, timed);
    expect(t.tokens).toEqual({ prompt: 400, completion: 46, promptPerCase: 100, completionPerCase: 11.5 });
    expect(t.costUsd.total).toBeCloseTo(0.004, 9);
    expect(t.costUsd.perCase).toBeCloseTo(0.001, 9);
    expect(t.latencyMs).toEqual({ p50: 20, p95: 40 });
    expect(percentile([5, 1, 9, 3, 7, 2, 8, 4, 6, 10], 95)).toBe(10);
    expect(percentile([5, 1, 9, 3, 7, 2, 8, 4, 6, 10], 50)).toBe(5);
    expect(percentile([], 50)).toBe(0);
  });

  it("refuses a label outside the task's classes", () => {
    expect(() => computeMetrics(classes, [result("x", "lukewarm", "hot")])).toThrow(/lukewarm/);
  });
});
