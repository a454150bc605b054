import type { Logger } from "pino";
import type { z } from "zod";
import type { CrmCommands } from "../crm/commands.js";
import { AiAnswerError } from "../errors/index.js";
import type { WorkerMetrics } from "../metrics.js";
import { PendingWrites } from "../store/pending-writes.js";
import type { AiUsage, SavedStep, StepRow, StepStore, StoredStep } from "../store/step-store.js";

export type { AiUsage };

/** What a step's work returns: its output, and what it took. */
export interface StepOutcome<T> {
  output: T;
  ai?: AiUsage;
  /** Tries inside this run (an AI step's HTTP requests); 1 when not said. */
  tries?: number;
}

/**
 * How an event's step rows reach Postgres, chosen before its pipeline runs:
 * - `immediate`: each outcome is stored by a statement of its own the moment it is known.
 *   Always so for a remote model's answer, which a retry must never ask for again, and for
 *   a connector's delivery.
 * - `batched`: an outcome waits (`PendingWrites`) for the runner's next statement: the CRM
 *   step's, a failure's or the finish. Only for work that may simply be done again should
 *   the worker die in between: the offline rules' answer, a Meta lead's read, handing a
 *   draft to the queue under its own id.
 */
export type StorageStrategy = "immediate" | "batched";

export interface StepRunnerOptions {
  store: StepStore;
  eventId: string;
  /** The event's steps stored by earlier runs. */
  previous: Map<string, StoredStep>;
  strategy: StorageStrategy;
  metrics: WorkerMetrics;
  logger: Logger;
}

export interface WriteOptions {
  /** Nothing runs after this step: its success also completes the event, in the same statement. */
  last?: boolean;
}

/**
 * Runs an event's named steps at most once to success, as `step.run` does in Inngest: a step
 * that succeeded in an earlier run is not run again, its stored output (validated by the
 * step's schema) is returned instead. Otherwise the work runs, and its outcome (output,
 * tries, AI usage, duration; or the failure) is stored, as the strategy says.
 */
export class StepRunner {
  private readonly pending = new PendingWrites();
  /** The statement that stored the last step also completed the event. */
  private finished = false;

  constructor(private readonly options: StepRunnerOptions) {}

  async run<S extends z.ZodType>(
    name: string,
    schema: S,
    work: () => Promise<StepOutcome<z.infer<S>>>,
  ): Promise<z.infer<S>> {
    const before = this.options.previous.get(name);
    if (before?.status === "succeeded") return schema.parse(before.output);
    const started = performance.now();
    try {
      const outcome = await work();
      const durationMs = Math.round(performance.now() - started);
      const row: StepRow = {
        name,
        status: "succeeded",
        output: outcome.output,
        error: null,
        rawResponse: null,
        attempts: (before?.attempts ?? 0) + (outcome.tries ?? 1),
        durationMs,
        ...outcome.ai,
      };
      if (this.options.strategy === "batched") this.pending.push(row);
      else await this.send((pending) => this.options.store.save(this.options.eventId, [...pending, row]));
      this.options.metrics.stepDuration.observe({ step: name, status: "succeeded" }, durationMs / 1000);
      return outcome.output;
    } catch (error) {
      await this.failed(name, before, started, error);
      throw error;
    }
  }

  /**
   * A step whose work is CRM writes: the store compiles `commands` into the statement that
   * also stores the step's row (and any pending ones), so they are committed together; the
   * output (the records' ids) comes back from Postgres.
   */
  async write<S extends z.ZodType>(
    name: string,
    schema: S,
    commands: () => CrmCommands,
    options: WriteOptions = {},
  ): Promise<z.infer<S>> {
    const before = this.options.previous.get(name);
    if (before?.status === "succeeded") return schema.parse(before.output);
    const started = performance.now();
    try {
      const crm = commands();
      const step = { name, attempts: (before?.attempts ?? 0) + 1 };
      const stored = await this.send((pending) =>
        this.options.store.write(this.options.eventId, pending, step, crm, options.last),
      );
      this.options.metrics.stepDuration.observe(
        { step: name, status: "succeeded" },
        (performance.now() - started) / 1000,
      );
      return schema.parse(stored?.output);
    } catch (error) {
      await this.failed(name, before, started, error);
      throw error;
    }
  }

  /** The pipeline is done: pending rows are stored, and the event completed unless its last step did. */
  async finish(): Promise<void> {
    if (this.finished && !this.pending.has()) return;
    await this.options.store.finish(this.options.eventId, "completed", this.pending.drain());
  }

  /** One statement carrying the pending rows: if it fails, they wait for the next (the failure's). */
  private async send(
    statement: (pending: StepRow[]) => Promise<SavedStep | undefined>,
  ): Promise<SavedStep | undefined> {
    const pending = this.pending.drain();
    let saved: SavedStep | undefined;
    try {
      saved = await statement(pending);
    } catch (error) {
      for (const row of pending) this.pending.push(row);
      throw error;
    }
    if (saved?.finished) this.finished = true;
    return saved;
  }

  /** The step failed: its row says why, with the tries it took (stored with anything pending). */
  private async failed(name: string, before: StoredStep | undefined, started: number, error: unknown): Promise<void> {
    const durationMs = Math.round(performance.now() - started);
    this.options.metrics.stepDuration.observe({ step: name, status: "failed" }, durationMs / 1000);
    const tries = typeof (error as { tries?: unknown }).tries === "number" ? (error as { tries: number }).tries : 1;
    const row: StepRow = {
      name,
      status: "failed",
      error: (error as Error).message.slice(0, 4000),
      rawResponse: error instanceof AiAnswerError ? error.rawResponse.slice(0, 100_000) : null,
      ...(error instanceof AiAnswerError ? error.usage : {}),
      attempts: (before?.attempts ?? 0) + tries,
      durationMs,
    };
    await this.options.store
      .save(this.options.eventId, [...this.pending.drain(), row])
      .catch((saveError: unknown) =>
        this.options.logger.error({ err: saveError, step: name }, "could not record the step's failure"),
      );
  }
}
