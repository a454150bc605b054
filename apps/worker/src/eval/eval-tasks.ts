import { paymentStatuses } from "@aiops/shared/canonical";
import { z } from "zod";
import type { PromptFolder } from "../ai/prompt-files.js";
import type { AiAnswer, AiProvider } from "../ai/provider.js";
import type { AiTask } from "../ai/task.js";
import { leadPrompts, leadTask } from "../ai/tasks/lead/task.js";
import { paymentPrompts, paymentTask } from "../ai/tasks/payment/task.js";
import { ticketPrompts, ticketTask } from "../ai/tasks/ticket/task.js";

export const evalTaskNames = ["lead", "ticket", "payment"] as const;
export type EvalTaskName = (typeof evalTaskNames)[number];

/** One task as the eval sees it: the worker's own task, plus how to read a case and score an answer. */
export interface EvalTask {
  readonly name: EvalTaskName;
  /** The worker's task name, also the JSON schema's name in a model request. */
  readonly taskName: string;
  readonly promptVersion: string;
  /** The label's field in a case and in the answer: `category`, `priority`, `risk`. */
  readonly labelKey: string;
  readonly classes: readonly string[];
  /** The set shipped in `eval/`. */
  readonly defaultFile: string;
  /** Throws a ZodError when a case's input is not what the worker would hand this task. */
  parseInput(value: unknown): unknown;
  /** Asks the provider through the task's schema, prompt and validation; returns the answer's label. */
  ask(provider: AiProvider, input: unknown): Promise<{ label: string; answer: AiAnswer<unknown> }>;
}

interface Spec<I, S extends z.ZodType> {
  name: EvalTaskName;
  task: AiTask<I, S>;
  /** The task's prompts folder, for the versions besides the worker's. */
  prompts: PromptFolder;
  input: z.ZodType<I>;
  labelKey: string;
  classes: readonly string[];
  labelOf(output: z.infer<S>): string;
  defaultFile: string;
}

function define<I, S extends z.ZodType>(spec: Spec<I, S>): EvalTask {
  return {
    name: spec.name,
    taskName: spec.task.name,
    promptVersion: spec.task.promptVersion,
    labelKey: spec.labelKey,
    classes: spec.classes,
    defaultFile: spec.defaultFile,
    parseInput: (value) => spec.input.parse(value),
    async ask(provider, value) {
      const answer = await provider.complete(spec.task, spec.input.parse(value));
      return { label: spec.labelOf(answer.output), answer };
    },
  };
}

// The shapes of LeadInput, TicketInput and PaymentInput (ai/tasks/<task>/input.ts), strict so a misspelt
// field in a set is an error rather than a case the task silently reads without it.
const leadInputSchema = z.strictObject({
  name: z.string().optional(),
  company: z.string().optional(),
  emailDomain: z.string().optional(),
  message: z.string().optional(),
  source: z.string().min(1),
});
const ticketInputSchema = z.strictObject({
  subject: z.string().min(1),
  description: z.string().optional(),
  requesterName: z.string().optional(),
  source: z.string().min(1),
});
const paymentInputSchema = z.strictObject({
  kind: z.string().min(1),
  status: z.enum(paymentStatuses),
  amount: z.int(),
  currency: z.string().length(3),
  failureReason: z.string().optional(),
  customerName: z.string().optional(),
});

/**
 * A task at every prompt version kept in its prompts folder (`ai/tasks/<task>/prompts/`),
 * the worker's current version first: the others differ only in their instructions.
 */
function defineVersions<I, S extends z.ZodType>(spec: Spec<I, S>): EvalTask[] {
  const others = spec.prompts.versions().filter((version) => version !== spec.task.promptVersion);
  return [
    define(spec),
    ...others.map((version) =>
      define({
        ...spec,
        task: { ...spec.task, promptVersion: version, instructions: spec.prompts.load(version) },
      }),
    ),
  ];
}

/** Every version of each task's prompt the eval can run, by `promptVersion`. */
const versions: Record<EvalTaskName, EvalTask[]> = {
  lead: defineVersions({
    name: "lead",
    task: leadTask,
    prompts: leadPrompts,
    input: leadInputSchema,
    labelKey: "category",
    classes: leadTask.schema.shape.category.options,
    labelOf: (output) => output.category,
    defaultFile: "leads.jsonl",
  }),
  ticket: defineVersions({
    name: "ticket",
    task: ticketTask,
    prompts: ticketPrompts,
    input: ticketInputSchema,
    labelKey: "priority",
    classes: ticketTask.schema.shape.priority.options,
    labelOf: (output) => output.priority,
    defaultFile: "tickets.jsonl",
  }),
  payment: defineVersions({
    name: "payment",
    task: paymentTask,
    prompts: paymentPrompts,
    input: paymentInputSchema,
    labelKey: "risk",
    classes: paymentTask.schema.shape.risk.options,
    labelOf: (output) => output.risk,
    defaultFile: "payments.jsonl",
  }),
};

/** The task the worker runs today. */
export function evalTask(name: EvalTaskName): EvalTask {
  return versions[name][0]!;
}

/** A task at a given prompt version, if that version exists. */
export function evalTaskVersion(name: EvalTaskName, promptVersion: string): EvalTask | undefined {
  return versions[name].find((task) => task.promptVersion === promptVersion);
}

export function allPromptVersions(): string[] {
  return evalTaskNames.flatMap((name) => versions[name].map((task) => task.promptVersion));
}

/** The task whose label field a case carries. */
export function taskForLabelKey(key: string): EvalTaskName | undefined {
  return evalTaskNames.find((name) => evalTask(name).labelKey === key);
}
