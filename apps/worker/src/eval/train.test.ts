import { describe, expect, it } from "vitest";
import { type LabelledInput, labelFolds, roundEnds, roundFolds } from "./train.js";

const labelled = (id: string, label: string): LabelledInput => ({ id, label, input: {}, features: [] });

describe("cross-validation folds", () => {
  it("deal random folds per label, so every fold holds every label", () => {
    const cases = ["a", "a", "b", "a", "b", "b"].map((label, i) => labelled(`t-${i + 1}`, label));
    expect(labelFolds(cases, 2)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it("put each writing round in a fold of its own, by the number its id ends with", () => {
    const cases = ["ticket-001", "ticket-232", "ticket-233", "ticket-0532", "ticket-533", "ticket-900"].map((id) =>
      labelled(id, "low"),
    );
    expect(roundFolds(cases, [232, 532])).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it("read the shipped rounds in ascending order for both trained tasks", () => {
    for (const task of ["lead", "ticket"] as const) {
      const ends = roundEnds(task);
      expect(ends.length).toBeGreaterThan(1);
      expect([...ends].sort((a, b) => a - b)).toEqual(ends);
    }
  });
});
