import type { Logger } from "pino";
import type { z } from "zod";
import type { CrmCommands } from "../crm/commands.js";
import { AiAnswerError } from "../errors/index.js";
import type { WorkerMetrics } from "../metrics.js";
import { PendingWrites } from "../store/pending-writes.js";
import type { AiUsage, NewEvent, SavedStep, StepRow, StepStore, StoredStep } from "../store/step-store.js";

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
 * - `first-run`: `batched`, for a job's first run, whose event has no row yet: the runner's
 *   first statement inserts it, so an offline event is one statement in all. Every write of
 *   that statement is conditional on the insert: should the row exist after all (a provider
 *   re-sending an event Redis no longer remembers, a replay), the statement writes nothing,
 *   the runner is `superseded`, and the processor puts the job back for the next run, which
 *   records the event the `batched` way and resumes it.
 */
export type StorageStrategy = "immediate" | "batched" | "first-run";

/** A `first-run` statement found the event recorded already: it wrote nothing, and this run ends here. */
export class EventRecordedBefore extends Error {
  override readonly name = "EventRecordedBefore";
  constructor(eventId: string) {
    super(`event ${eventId} was recorded before this run: nothing written, it runs again from its stored steps`);
  }
}

export interface StepRunnerOptions {
  store: StepStore;
  eventId: string;
  /** The event's steps stored by earlier runs. */
  previous: Map<string, StoredStep>;
  strategy: StorageStrategy;
  /** `first-run`: the event whose row the runner's first statement inserts. */
  insert?: NewEvent;
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
  /** `first-run`: the event's row, until a statement has inserted it. */
  private unrecorded: NewEvent | undefined;
  /** A `first-run` statement found the event recorded before: nothing of this run was written. */
  superseded = false;

  constructor(private readonly options: StepRunnerOptions) {
    if (options.strategy === "first-run") {
      if (!options.insert) throw new Error("the first-run strategy needs the event to insert");
      this.unrecorded = options.insert;
    }
  }

  /** Whether a statement of this run (or an earlier one) has recorded the event's row. */
  get recorded(): boolean {
    return this.unrecorded === undefined && !this.superseded;
  }

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
      if (this.options.strategy === "immediate")
        await this.send((pending, insert) => this.options.store.save(this.options.eventId, [...pending, row], insert));
      else this.pending.push(row);
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
      const stored = await this.send((pending, insert) =>
        this.options.store.write(this.options.eventId, pending, step, crm, options.last, insert),
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
    const recorded = await this.options.store.finish(
      this.options.eventId,
      "completed",
      this.pending.drain(),
      this.unrecorded,
    );
    this.recordedBy(recorded);
  }

  /**
   * One statement carrying the pending rows (and, in a `first-run` not yet recorded, the
   * event's row): if it fails, they wait for the next (the failure's).
   */
  private async send(
    statement: (pending: StepRow[], insert: NewEvent | undefined) => Promise<SavedStep | undefined>,
  ): Promise<SavedStep | undefined> {
    if (this.superseded) throw new EventRecordedBefore(this.options.eventId);
    const pending = this.pending.drain();
    let saved: SavedStep | undefined;
    try {
      saved = await statement(pending, this.unrecorded);
    } catch (error) {
      for (const row of pending) this.pending.push(row);
      throw error;
    }
    this.recordedBy(saved?.recorded ?? true);
    if (saved?.finished) this.finished = true;
    return saved;
  }

  /** After a statement: the event's row is there now, or (`first-run`) it was before and nothing was written. */
  private recordedBy(recorded: boolean): void {
    if (this.unrecorded === undefined) return;
    if (!recorded) {
      this.superseded = true;
      throw new EventRecordedBefore(this.options.eventId);
    }
    this.unrecorded = undefined;
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
    // A superseded run wrote nothing and records nothing (`send` refuses): the next run starts from what is stored.
    await this.send((pending, insert) =>
      this.options.store.save(this.options.eventId, [...pending, row], insert),
    ).catch((saveError: unknown) => {
      if (!(saveError instanceof EventRecordedBefore))
        this.options.logger.error({ err: saveError, step: name }, "could not record the step's failure");
    });
  }
}
