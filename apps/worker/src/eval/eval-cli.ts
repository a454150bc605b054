import { readFileSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Config, ConfigError, createDatabase, parseConfig, redactPaths } from "@aiops/shared";
import { type Logger, pino } from "pino";
import { OpenAiProvider, openAiOptionsFrom } from "../ai/openai-provider.js";
import type { PriceOverride } from "../ai/pricing.js";
import type { AiProvider } from "../ai/provider.js";
import { RedactingProvider } from "../ai/redacting-provider.js";
import { RulesProvider } from "../ai/rules-provider.js";
import { type EvalCase, type EvalSet, EvalSetError, parseEvalSet } from "./eval-set.js";
import {
  allPromptVersions,
  type EvalTask,
  type EvalTaskName,
  evalTask,
  evalTaskNames,
  evalTaskVersion,
} from "./eval-tasks.js";
import { exportFeedback } from "./feedback-export.js";
import { type CaseResult, computeMetrics, type Metrics } from "./metrics.js";
import { type Changes, changes, formatComparison, formatMetrics, table } from "./report.js";
import { EvalAbortError, runCases } from "./run-cases.js";
import { trainAll } from "./train.js";

export const usage = `usage: pnpm eval [--provider offline|openai] [--set FILE] [--task lead|ticket|payment]
                 [--split train|holdout|all] [--json FILE] [--min 0.8]
                 [--compare PROMPT_VERSION|MODEL|offline] [--concurrency N]
                 [--from-feedback [--since DATE] [--out DIR]]
       pnpm eval --train

Scores a labelled set (eval/*.jsonl by default) with the worker's own task code.
  --provider     offline: the rules provider; openai: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL
                 (default: openai when OPENAI_API_KEY is set, else offline)
  --set          one JSONL set; its task comes from its label field unless --task says
  --task         only this task (default: all three)
  --split        which cases to score (default: all, reported per split)
  --json         write every case's answer and the metrics to FILE
  --min          exit 1 when a task's accuracy on the selected split is below this (0 to 1)
  --compare      run the same cases again with another prompt version (${allPromptVersions().join(", ")}),
                 another model (through the OpenAI provider) or "offline", side by side
  --concurrency  cases in flight at once against a model (default 4)
  --from-feedback  export the reviewers' labels (POST /admin/events/:id/label) from DATABASE_URL as
                 sets in the same format, personal data replaced by placeholders, then score them
  --since        with --from-feedback: only labels given on or after this date (YYYY-MM-DD or ISO time)
  --out          with --from-feedback: where the sets are written (default eval/feedback)
  --train        refit the offline provider's models on the train split, rewrite
                 ai/tasks/*/model.generated.ts, and print their cross-validated accuracy: in 5
                 random folds, and with each writing round (eval/rounds.json) held out in turn`;

export interface EvalIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Exit codes: 0 scored (and above --min), 1 below --min or the run could not finish, 2 bad usage or set. */
export const EXIT_OK = 0;
export const EXIT_BELOW_MIN = 1;
export const EXIT_USAGE = 2;

const defaultSetDir = fileURLToPath(new URL("../../../../eval/", import.meta.url));

class UsageError extends Error {}
class HelpRequested extends Error {}

interface Runner {
  name: string;
  provider: AiProvider;
  /** The prompt version to run for a task; the current one when absent. */
  version?: string;
}

interface TaskRun {
  task: EvalTaskName;
  taskName: string;
  promptVersion: string;
  file: string;
  metrics: Record<string, Metrics>;
  cases: CaseResult[];
}

interface Options {
  provider?: string;
  set?: string;
  task?: EvalTaskName;
  split: "train" | "holdout" | "all";
  json?: string;
  min?: number;
  compare?: string;
  concurrency: number;
  fromFeedback: boolean;
  since?: Date;
  out: string;
  train: boolean;
}

function parseOptions(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        provider: { type: "string" },
        set: { type: "string" },
        task: { type: "string" },
        split: { type: "string", default: "all" },
        json: { type: "string" },
        min: { type: "string" },
        compare: { type: "string" },
        concurrency: { type: "string", default: "4" },
        "from-feedback": { type: "boolean", default: false },
        since: { type: "string" },
        out: { type: "string", default: "eval/feedback" },
        help: { type: "boolean", short: "h" },
        train: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) throw new HelpRequested();
  if (v.provider !== undefined && v.provider !== "offline" && v.provider !== "openai")
    throw new UsageError(`--provider must be offline or openai, got "${v.provider}"`);
  if (v.task !== undefined && !(evalTaskNames as readonly string[]).includes(v.task))
    throw new UsageError(`--task must be one of ${evalTaskNames.join(", ")}, got "${v.task}"`);
  if (v.split !== "train" && v.split !== "holdout" && v.split !== "all")
    throw new UsageError(`--split must be train, holdout or all, got "${v.split}"`);
  const min = v.min === undefined ? undefined : Number(v.min);
  if (min !== undefined && (v.min!.trim() === "" || !Number.isFinite(min) || min < 0 || min > 1))
    throw new UsageError(`--min must be a number from 0 to 1, got "${v.min}"`);
  const concurrency = Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a whole number of at least 1, got "${v.concurrency}"`);
  const fromFeedback = v["from-feedback"] === true;
  if (fromFeedback && v.set !== undefined)
    throw new UsageError("--from-feedback and --set exclude each other: the feedback export is the set");
  if (!fromFeedback && v.since !== undefined) throw new UsageError("--since needs --from-feedback");
  if (fromFeedback && v.task === "payment")
    throw new UsageError("--from-feedback exports leads and tickets: payments take no labels");
  const since = v.since === undefined ? undefined : new Date(v.since);
  if (since && (!/^\d{4}-\d{2}-\d{2}/.test(v.since!) || Number.isNaN(since.getTime())))
    throw new UsageError(`--since must be a date (YYYY-MM-DD) or an ISO time, got "${v.since}"`);
  return {
    provider: v.provider,
    set: v.set,
    task: v.task as EvalTaskName | undefined,
    split: v.split,
    json: v.json,
    min,
    compare: v.compare,
    concurrency,
    fromFeedback,
    since,
    out: v.out ?? "eval/feedback",
    train: v.train === true,
  };
}

function readSet(path: string, task: EvalTaskName | undefined): EvalSet {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new EvalSetError(
      `cannot read the set ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  // Messages and reports name the file as the user would, relative to where they are.
  return parseEvalSet(text, relative(process.cwd(), path) || path, task);
}

/** Writes the feedback export and reads it back as sets, so it is scored exactly as a shipped set would be. */
async function feedbackSets(config: Config, options: Options, env: NodeJS.ProcessEnv, io: EvalIo): Promise<EvalSet[]> {
  const database = createDatabase(config.DATABASE_URL);
  try {
    const outDir = resolve(env.INIT_CWD ?? process.cwd(), options.out);
    const exported = await exportFeedback(database.prisma, { since: options.since, outDir });
    const counts = Object.entries(exported.cases)
      .map(([task, n]) => `${n} ${task}`)
      .join(", ");
    io.stderr.write(
      `exported ${counts} case(s) from reviewers' labels${options.since ? ` since ${options.since.toISOString()}` : ""} to ${relative(process.cwd(), outDir) || outDir}\n`,
    );
    for (const { eventId, reason } of exported.skipped) io.stderr.write(`skipped ${eventId}: ${reason}\n`);
    const tasks = options.task ? [options.task] : (["lead", "ticket"] as const);
    const sets = tasks.flatMap((task) => {
      const file = exported.files[task];
      return file ? [readSet(file, task)] : [];
    });
    if (sets.length === 0)
      throw new EvalSetError(
        `no labelled ${options.task ?? "lead or ticket"} events${options.since ? " since that date" : ""}: label some with POST /admin/events/:id/label`,
      );
    return sets;
  } finally {
    await database.close();
  }
}

/** The model as the worker asks it: with personal data redacted when AI_REDACT_PII is on. */
function openAi(config: Config, model: string, logger: Logger): AiProvider {
  if (!config.OPENAI_API_KEY)
    throw new UsageError(`OPENAI_API_KEY is not set: the openai provider (model ${model}) needs it`);
  const provider = new OpenAiProvider(
    openAiOptionsFrom(config, { apiKey: config.OPENAI_API_KEY, model, logger: logger.child({ component: "openai" }) }),
  );
  return config.AI_REDACT_PII ? new RedactingProvider(provider) : provider;
}

function runnerName(provider: AiProvider, version?: string): string {
  return `${provider.name}/${provider.model}${version ? ` ${version}` : ""}`;
}

/** The second runner of `--compare`: a prompt version of a selected task, "offline", or a model. */
function compareRunner(value: string, first: AiProvider, sets: EvalSet[], config: Config, logger: Logger): Runner {
  if (value === "offline") return { name: runnerName(new RulesProvider()), provider: new RulesProvider() };
  const byVersion = sets.filter((set) => evalTaskVersion(set.task.name, value));
  if (byVersion.length > 0) return { name: runnerName(first, value), provider: first, version: value };
  if (/^(lead|ticket|payment)-v\d+$/.test(value))
    throw new UsageError(
      `--compare ${value}: no such prompt version for the selected task(s); known: ${allPromptVersions().join(", ")}`,
    );
  const provider = openAi(config, value, logger);
  return { name: runnerName(provider), provider };
}

function selectCases(cases: EvalCase[], split: Options["split"]): EvalCase[] {
  return split === "all" ? cases : cases.filter((item) => item.split === split);
}

function metricsBySplit(task: EvalTask, results: CaseResult[], split: Options["split"]): Record<string, Metrics> {
  const out: Record<string, Metrics> = {};
  for (const name of split === "all" ? ["train", "holdout"] : [split]) {
    const part = results.filter((r) => r.split === name);
    if (part.length > 0) out[name] = computeMetrics(task.classes, part);
  }
  if (split === "all") out.all = computeMetrics(task.classes, results);
  return out;
}

function progress(io: EvalIo, label: string): (done: number, total: number) => void {
  const every = (total: number) => Math.max(10, Math.ceil(total / 10));
  return (done, total) => {
    if (io.stderr.isTTY) io.stderr.write(`\r${label} ${done}/${total}${done === total ? "\n" : ""}`);
    else if (done % every(total) === 0 || done === total) io.stderr.write(`${label} ${done}/${total}\n`);
  };
}

async function runAll(
  runner: Runner,
  sets: EvalSet[],
  options: Options,
  io: EvalIo,
  prices: PriceOverride,
): Promise<TaskRun[]> {
  const runs: TaskRun[] = [];
  for (const set of sets) {
    const task = runner.version ? (evalTaskVersion(set.task.name, runner.version) ?? set.task) : set.task;
    const cases = selectCases(set.cases, options.split);
    const concurrency = runner.provider.remote ? options.concurrency : 1;
    const results = await runCases(task, runner.provider, cases, {
      concurrency,
      prices,
      onProgress: progress(io, `${task.name} · ${runner.name}`),
    });
    runs.push({
      task: task.name,
      taskName: task.taskName,
      promptVersion: task.promptVersion,
      file: set.file,
      metrics: metricsBySplit(task, results, options.split),
      cases: results,
    });
  }
  return runs;
}

function summary(name: string, runs: TaskRun[]): string {
  const splitNames = Object.keys(runs[0]?.metrics ?? {});
  const rows = [
    ["task", ...splitNames],
    ...runs.map((run) => [
      run.task,
      ...splitNames.map((s) => (run.metrics[s] ? `${(run.metrics[s].accuracy * 100).toFixed(1)}%` : "–")),
    ]),
  ];
  return `accuracy, ${name}\n${table(rows)}`;
}

/** `pnpm eval`: returns the exit code; writes the report to stdout and progress and errors to stderr. */
export async function runEvalCli(argv: string[], env: NodeJS.ProcessEnv, io: EvalIo): Promise<number> {
  const startedAt = new Date().toISOString();
  let options: Options;
  let config: Config;
  try {
    options = parseOptions(argv);
    config = parseConfig(env);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.stdout.write(`${usage}\n`);
      return EXIT_OK;
    }
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n\n${usage}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
  if (options.train) {
    trainAll((line) => io.stdout.write(`${line}\n`));
    return EXIT_OK;
  }
  const logger = pino(
    { level: env.LOG_LEVEL ?? "warn", redact: { paths: redactPaths, censor: "[redacted]" } },
    pino.destination(2),
  );
  const prices: PriceOverride = {
    prompt: config.AI_PRICE_PROMPT_PER_MTOK,
    completion: config.AI_PRICE_COMPLETION_PER_MTOK,
  };

  let sets: EvalSet[];
  let runners: Runner[];
  try {
    sets = options.fromFeedback
      ? await feedbackSets(config, options, env, io)
      : options.set
        ? [readSet(resolve(env.INIT_CWD ?? process.cwd(), options.set), options.task)]
        : (options.task ? [options.task] : evalTaskNames).map((name) =>
            readSet(resolve(defaultSetDir, evalTask(name).defaultFile), name),
          );
    for (const set of sets)
      if (selectCases(set.cases, options.split).length === 0)
        throw new EvalSetError(`${set.file}: no ${options.split} cases`);
    const kind = options.provider ?? (config.OPENAI_API_KEY ? "openai" : "offline");
    const provider = kind === "openai" ? openAi(config, config.OPENAI_MODEL, logger) : new RulesProvider();
    runners = [{ name: runnerName(provider), provider }];
    if (options.compare) runners.push(compareRunner(options.compare, provider, sets, config, logger));
  } catch (error) {
    if (error instanceof EvalSetError || error instanceof UsageError) {
      io.stderr.write(`${error.message}\n\n${usage}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }

  const results: TaskRun[][] = [];
  try {
    for (const runner of runners) results.push(await runAll(runner, sets, options, io, prices));
  } catch (error) {
    if (error instanceof EvalAbortError) {
      io.stderr.write(`eval stopped: ${error.message}\n`);
      return EXIT_BELOW_MIN;
    }
    throw error;
  }

  const out: string[] = [];
  for (const [r, runner] of runners.entries()) {
    out.push(`\n== ${runner.name} ==`);
    for (const run of results[r]!)
      for (const [split, metrics] of Object.entries(run.metrics))
        out.push(
          `\n${run.task} (${run.taskName}, prompt ${run.promptVersion}, ${run.file}) · ${split}\n${formatMetrics(split, metrics)}`,
        );
  }
  const comparison: Array<{ task: string; split: string; changes: Changes }> = [];
  if (runners.length === 2) {
    out.push(`\n== ${runners[0]!.name} vs ${runners[1]!.name} ==`);
    for (const [t, a] of results[0]!.entries()) {
      const b = results[1]![t]!;
      for (const split of Object.keys(a.metrics)) {
        const pick = (run: TaskRun) => (split === "all" ? run.cases : run.cases.filter((c) => c.split === split));
        const diff = changes(pick(a), pick(b));
        comparison.push({ task: a.task, split, changes: diff });
        out.push(
          `\n${a.task} · ${split}\n${formatComparison(split, [runners[0]!.name, runners[1]!.name], a.metrics[split]!, b.metrics[split]!, diff)}`,
        );
      }
    }
  }
  for (const [r, runner] of runners.entries()) out.push("", summary(runner.name, results[r]!));

  const checked = options.split;
  const below =
    options.min === undefined ? [] : results[0]!.filter((run) => run.metrics[checked]!.accuracy < options.min!);
  if (options.min !== undefined)
    out.push(
      below.length === 0
        ? `\n--min ${options.min}: every task at or above it on ${checked}`
        : `\n--min ${options.min}: below it on ${checked}: ${below.map((run) => `${run.task} ${(run.metrics[checked]!.accuracy * 100).toFixed(1)}%`).join(", ")}`,
    );
  io.stdout.write(`${out.join("\n")}\n`);

  if (options.json) {
    const report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      options: { ...options, provider: runners[0]!.provider.name },
      runs: runners.map((runner, r) => ({
        name: runner.name,
        provider: runner.provider.name,
        model: runner.provider.model,
        tasks: results[r],
      })),
      comparison: runners.length === 2 ? comparison : undefined,
      passed: below.length === 0,
    };
    writeFileSync(resolve(env.INIT_CWD ?? process.cwd(), options.json), `${JSON.stringify(report, null, 2)}\n`);
    io.stderr.write(`wrote ${options.json}\n`);
  }
  return below.length === 0 ? EXIT_OK : EXIT_BELOW_MIN;
}
