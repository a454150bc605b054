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

/**
 * Rubric signals and form fields are kept however rarely they fire (each was written for a
 * reason); a word must appear in two training cases, and a pair of ticket signals in two, as
 * rarer ones only memorise those cases. Both take a light L2 penalty, now that the train split
 * holds hundreds of cases per label. Chosen by cross-validation on the train split, with the
 * cases held out by writing round as well as in random folds (docs/ai.md).
 */
export const trainOptions: Record<"lead" | "ticket", TrainOptions> = {
  lead: { l2: 0.005, minCount: (feature) => (feature.startsWith("w:") ? 2 : 1) },
  ticket: { l2: 0.005, minCount: (feature) => (feature.startsWith("w:") || feature.startsWith("p:") ? 2 : 1) },
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
  input: unknown;
}

export function trainingCases(trainable: Trainable): LabelledInput[] {
  const task = evalTask(trainable.task);
  const set = parseEvalSet(readFileSync(`${setDir}${task.defaultFile}`, "utf8"), task.defaultFile, trainable.task);
  return set.cases
    .filter((item) => item.split === "train")
    .map((item) => {
      const input = task.parseInput(item.input);
      return { input, features: trainable.features(input), label: item.expected };
    });
}

/**
 * Accuracy over k folds of the whole offline answer (rules and model): each case is answered
 * with a model trained without it. Folds are dealt per label in file order, so each holds
 * every label and the split never changes.
 */
export function crossValidate(
  trainable: Trainable,
  classes: readonly string[],
  cases: readonly LabelledInput[],
  folds = FOLDS,
): number {
  const seen = new Map<string, number>();
  const fold = cases.map((item) => {
    const n = seen.get(item.label) ?? 0;
    seen.set(item.label, n + 1);
    return n % folds;
  });
  let correct = 0;
  for (let f = 0; f < folds; f++) {
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

/** Trains and writes every model; returns the lines to print. */
export function trainAll(): string[] {
  return trainables.map((trainable) => {
    const { model, cases, classes } = trainModel(trainable);
    writeFileSync(modelPath(trainable), modelSource(trainable, model));
    const cv = crossValidate(trainable, classes, cases);
    return `${trainable.task}: trained on ${cases.length} train cases, ${Object.keys(model.weights).length} features kept; ${FOLDS}-fold cross-validated accuracy ${(cv * 100).toFixed(1)}% → ${trainable.file}`;
  });
}
