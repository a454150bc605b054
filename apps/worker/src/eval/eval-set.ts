import { z } from "zod";
import { type EvalTask, type EvalTaskName, evalTask, taskForLabelKey } from "./eval-tasks.js";

export const splits = ["train", "holdout"] as const;
export type Split = (typeof splits)[number];

export interface EvalCase {
  id: string;
  split: Split;
  input: unknown;
  /** The label from the set. */
  expected: string;
  /** 1-based line in its file, for messages. */
  line: number;
}

export interface EvalSet {
  file: string;
  task: EvalTask;
  cases: EvalCase[];
}

/** A set file that cannot be scored as it is; the message names the file and line. */
export class EvalSetError extends Error {
  override readonly name = "EvalSetError";
}

const lineSchema = z.strictObject({
  id: z.string().min(1),
  split: z.enum(splits),
  input: z.record(z.string(), z.unknown()),
  label: z.record(z.string(), z.unknown()),
});

function problem(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/**
 * Reads a JSONL set: one `{ id, split, input, label }` per line, blank lines skipped. The task
 * is `expected` when given, otherwise the one whose label field the first case carries; every
 * case must then belong to it. Throws an EvalSetError at the first bad line.
 */
export function parseEvalSet(text: string, file: string, expected?: EvalTaskName): EvalSet {
  let task: EvalTask | undefined = expected && evalTask(expected);
  const cases: EvalCase[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const fail = (message: string): never => {
      throw new EvalSetError(`${file}:${line}: ${message}`);
    };
    if (raw.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      fail(`not valid JSON (${(error as Error).message})`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) fail(problem(parsed.error));
    const { id, split, input, label } = parsed.data!;
    const keys = Object.keys(label);
    const key =
      keys.length === 1
        ? keys[0]!
        : fail(`label must have exactly one field (category, priority or risk), found ${keys.length}`);
    const named =
      taskForLabelKey(key) ??
      fail(`unknown label field "${key}": use category (lead), priority (ticket) or risk (payment)`);
    task ??= evalTask(named);
    if (named !== task.name)
      fail(`a ${named} case in a ${task.name} set (label field "${key}", expected "${task.labelKey}")`);
    const value = label[key];
    if (typeof value !== "string" || !task.classes.includes(value))
      fail(`label ${key} must be one of ${task.classes.join(", ")}, got ${JSON.stringify(value)}`);
    try {
      task.parseInput(input);
    } catch (error) {
      fail(
        `input is not a ${task.name} task input: ${error instanceof z.ZodError ? problem(error) : (error as Error).message}`,
      );
    }
    if (seen.has(id)) fail(`duplicate id "${id}" (first on line ${seen.get(id)})`);
    seen.set(id, line);
    cases.push({ id, split, input, expected: value as string, line });
  }
  if (!task || cases.length === 0) throw new EvalSetError(`${file}: no cases`);
  return { file, task, cases };
}
