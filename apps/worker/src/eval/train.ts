// `pnpm eval --train`: fits the offline provider's models on the TRAIN split of the labelled
// set, reports k-fold cross-validated accuracy on that split, and writes each model as a
// generated source file in its task's folder. The holdout split is never read here, so
// the holdout figures of `pnpm eval` measure cases the shipped model has not seen.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type LinearModel, type TrainingCase, type TrainOptions, trainLinearModel } from "../ai/linear-model.js";
import type { LeadInput } from "../ai/tasks/lead/input.js";
import { leadAnalysis, leadFeatures } from "../ai/tasks/lead/rules.js";
import type { TicketInput } from "../ai/tasks/ticket/input.js";
import { ticketAnalysis, ticketFeatures } from "../ai/tasks/ticket/rules.js";
import { parseEvalSet } from "./eval-set.js";
import { type EvalTaskName, evalTask } from "./eval-tasks.js";

const setDir = fileURLToPath(new URL("../../../../eval/", import.meta.url));
const tasksDir = fileURLToPath(new URL("../ai/tasks/", import.meta.url));

/** A task with a trained model: how its features are read, and where the model is written. */
interface Trainable {
  task: EvalTaskName;
  exportName: string;
  file: string;
  features(input: unknown): string[];
  /** How its model is fitted (`trainOptions`). */
  options: TrainOptions;
  /** The offline provider's label for an input, with this model: the rules around the model included. */
  label(input: unknown, model: LinearModel): string;
}

/** Ticket words and signal pairs must appear in two training cases, stems and word pairs in three. */
function ticketMinCount(feature: string): number {
  if (feature.startsWith("w:") || feature.startsWith("p:")) return 2;
  return feature.startsWith("b:") || feature.startsWith("x:") ? 3 : 1;
}

/**
 * Rubric signals and form fields are kept however rarely they fire (each was written for a
 * reason); a word must appear in two training cases, and a pair of ticket signals in two (a
 * ticket word's stem or a pair of words in three), as rarer ones only memorise those cases.
 * Both tasks take a light L2 penalty, now that the train split holds hundreds of cases per
 * label. Chosen by cross-validation on the train split, with the cases held out by writing
 * round as well as in random folds (docs/ai.md).
 */
export const trainOptions: Record<"lead" | "ticket", TrainOptions> = {
  lead: { l2: 0.005, minCount: (feature) => (feature.startsWith("w:") ? 2 : 1) },
  ticket: { l2: 0.005, minCount: ticketMinCount },
};

export const trainables: readonly Trainable[] = [
  {
    task: "lead",
    exportName: "leadModel",
    file: "lead/model.generated.ts",
    options: trainOptions.lead,
    features: (input) => leadFeatures(input as LeadInput),
    label: (input, model) => leadAnalysis(input as LeadInput, model).category,
  },
  {
    task: "ticket",
    exportName: "ticketModel",
    file: "ticket/model.generated.ts",
    options: trainOptions.ticket,
    features: (input) => ticketFeatures(input as TicketInput),
    label: (input, model) => ticketAnalysis(input as TicketInput, model).priority,
  },
];

export const FOLDS = 5;

/** The train split of a task's shipped set, as training cases; holdout cases are dropped here. */
export interface LabelledInput extends TrainingCase {
  id: string;
  input: unknown;
}

export function trainingCases(trainable: Trainable): LabelledInput[] {
  const task = evalTask(trainable.task);
  const set = parseEvalSet(readFileSync(`${setDir}${task.defaultFile}`, "utf8"), task.defaultFile, trainable.task);
  return set.cases
    .filter((item) => item.split === "train")
    .map((item) => {
      const input = task.parseInput(item.input);
      return { id: item.id, input, features: trainable.features(input), label: item.expected };
    });
}

/**
 * Random folds: dealt per label in file order, so each holds every label and the split never
 * changes.
 */
export function labelFolds(cases: readonly LabelledInput[], folds = FOLDS): number[] {
  const seen = new Map<string, number>();
  return cases.map((item) => {
    const n = seen.get(item.label) ?? 0;
    seen.set(item.label, n + 1);
    return n % folds;
  });
}

/**
 * One fold per writing round: the cases one group of writers wrote together, from one brief.
 * `eval/rounds.json` gives, per task, the number of each round's last case ("ticket-0232" is
 * 232); cases after the last round form one more.
 */
export function roundFolds(cases: readonly LabelledInput[], roundEnds: readonly number[]): number[] {
  return cases.map((item) => {
    const number = Number(item.id.slice(item.id.lastIndexOf("-") + 1));
    const round = roundEnds.findIndex((end) => number <= end);
    return round === -1 ? roundEnds.length : round;
  });
}

export function roundEnds(task: EvalTaskName): readonly number[] {
  const rounds = JSON.parse(readFileSync(`${setDir}rounds.json`, "utf8")) as Record<string, number[]>;
  return rounds[task] ?? [];
}

/**
 * Accuracy of the whole offline answer (rules and model) with each case answered by a model
 * trained without its fold. Held-out writing rounds are the closer estimate of a set written
 * by people the model has never read; random folds mix every writer into every fold.
 */
export function crossValidate(
  trainable: Trainable,
  classes: readonly string[],
  cases: readonly LabelledInput[],
  fold: readonly number[],
): number {
  let correct = 0;
  for (const f of new Set(fold)) {
    const model = trainLinearModel(
      classes,
      cases.filter((_, i) => fold[i] !== f),
      trainable.options,
    );
    cases.forEach((item, i) => {
      if (fold[i] === f && trainable.label(item.input, model) === item.label) correct += 1;
    });
  }
  return correct / cases.length;
}

export function trainModel(trainable: Trainable): {
  model: LinearModel;
  cases: LabelledInput[];
  classes: readonly string[];
} {
  const classes = evalTask(trainable.task).classes;
  const cases = trainingCases(trainable);
  return { model: trainLinearModel(classes, cases, trainable.options), cases, classes };
}

/** The generated file's text: stable key order and rounded weights, so a retrain is a readable diff. */
export function modelSource(trainable: Trainable, model: LinearModel): string {
  const weights = Object.entries(model.weights)
    .map(([feature, values]) => `    ${JSON.stringify(feature)}: ${JSON.stringify(values)},`)
    .join("\n");
  return `// Generated by \`pnpm eval --train\` from the train split of eval/; do not edit by hand.
import type { LinearModel } from "../../linear-model.js";

export const ${trainable.exportName}: LinearModel = {
  classes: ${JSON.stringify(model.classes)},
  bias: ${JSON.stringify(model.bias)},
  weights: {
${weights}
  },
};
`;
}

export function modelPath(trainable: Trainable): string {
  return `${tasksDir}${trainable.file}`;
}

/** Trains and writes every model, then cross-validates it; reports a line per task as it finishes. */
export function trainAll(report: (line: string) => void): void {
  for (const trainable of trainables) {
    const { model, cases, classes } = trainModel(trainable);
    writeFileSync(modelPath(trainable), modelSource(trainable, model));
    const kept = Object.keys(model.weights).length;
    report(`${trainable.task}: trained on ${cases.length} train cases, ${kept} features kept → ${trainable.file}`);
    const percent = (fold: number[]) => `${(crossValidate(trainable, classes, cases, fold) * 100).toFixed(1)}%`;
    const random = percent(labelFolds(cases));
    const byRound = roundFolds(cases, roundEnds(trainable.task));
    const rounds = `${percent(byRound)} with each of its ${new Set(byRound).size} writing rounds held out in turn`;
    report(`${trainable.task}: cross-validated accuracy ${random} in ${FOLDS} random folds, ${rounds}`);
  }
}
