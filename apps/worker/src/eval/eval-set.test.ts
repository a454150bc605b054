import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EvalSetError, parseEvalSet } from "./eval-set.js";
import { evalTask, evalTaskNames } from "./eval-tasks.js";

const lead = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    split: "train",
    input: { name: "Ana", message: "pricing for 40 seats by March?", source: "new-lead" },
    label: { category: "hot" },
    ...extra,
  });

function errorOf(text: string, task?: "lead" | "ticket" | "payment"): string {
  try {
    parseEvalSet(text, "set.jsonl", task);
  } catch (error) {
    expect(error).toBeInstanceOf(EvalSetError);
    return (error as Error).message;
  }
  throw new Error("the set was accepted");
}

describe("reading a labelled set", () => {
  it("reads cases, skips blank lines and takes the task from the label field", () => {
    const set = parseEvalSet(`${lead("a")}\n\n${lead("b", { split: "holdout" })}\n`, "set.jsonl");
    expect(set.task.name).toBe("lead");
    expect(set.cases.map((c) => [c.id, c.split, c.expected, c.line])).toEqual([
      ["a", "train", "hot", 1],
      ["b", "holdout", "hot", 3],
    ]);
  });

  it("names the file and line of a malformed case", () => {
    expect(errorOf(`${lead("a")}\n{"id": "b", "split": "train",\n`)).toMatch(/^set\.jsonl:2: not valid JSON/);
    expect(errorOf(`${lead("a")}\n${lead("b", { split: "test" })}`)).toMatch(/^set\.jsonl:2: split: /);
    expect(errorOf(`${lead("a")}\n${lead("b", { label: { category: "lukewarm" } })}`)).toBe(
      'set.jsonl:2: label category must be one of hot, warm, cold, spam, got "lukewarm"',
    );
    expect(errorOf(lead("a", { input: { mesage: "typo", source: "new-lead" } }))).toMatch(
      /^set\.jsonl:1: input is not a lead task input: .*mesage/,
    );
    expect(errorOf(`${lead("a")}\n${lead("a")}`)).toBe('set.jsonl:2: duplicate id "a" (first on line 1)');
    expect(errorOf(lead("a", { label: { mood: "happy" } }))).toMatch(/^set\.jsonl:1: unknown label field "mood"/);
  });

  it("refuses a case of another task, and a set with no case", () => {
    const ticket = JSON.stringify({
      id: "t",
      split: "train",
      input: { subject: "down", source: "slack" },
      label: { priority: "urgent" },
    });
    expect(errorOf(`${lead("a")}\n${ticket}`)).toMatch(/^set\.jsonl:2: a ticket case in a lead set/);
    expect(errorOf(lead("a"), "payment")).toMatch(/^set\.jsonl:1: a lead case in a payment set/);
    expect(errorOf("\n\n")).toBe("set.jsonl: no cases");
  });
});

describe("the shipped sets", () => {
  for (const name of evalTaskNames) {
    it(`${name}: every line parses, classes are balanced and each has ten or more held-out cases`, () => {
      const task = evalTask(name);
      const file = fileURLToPath(new URL(`../../../../eval/${task.defaultFile}`, import.meta.url));
      const { cases } = parseEvalSet(readFileSync(file, "utf8"), file, name);
      expect(cases.length).toBeGreaterThanOrEqual(name === "payment" ? 30 : 130);
      for (const label of task.classes) {
        const of = cases.filter((c) => c.expected === label);
        // Balanced: every class has at least 80% of an even share.
        expect(of.length, label).toBeGreaterThanOrEqual(Math.floor((0.8 * cases.length) / task.classes.length));
        const held = of.filter((c) => c.split === "holdout").length;
        // The holdout cases are never trained or tuned on: the first writers' 44 per task, and
        // three later writers' 180 per task, written as holdout from the start.
        expect(held, label).toBeGreaterThanOrEqual(name === "payment" ? 3 : 10);
        expect(held / of.length, label).toBeLessThan(0.4);
      }
    });
  }
});
