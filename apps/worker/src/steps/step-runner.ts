import { type Prisma, type PrismaClient, type Sql, type StepResult, sqlFor } from "@aiops/shared";
import type { Logger } from "pino";
import type { z } from "zod";
import { AiAnswerError } from "../errors/index.js";
import type { WorkerMetrics } from "../metrics.js";
import { type DatabaseWrite, json, Params } from "./params.js";

/** What the runner needs to know of a stored step. */
export type KnownStep = Pick<StepResult, "status" | "attempts" | "output">;

/** Who produced an AI step's output, and what it cost. */
export interface AiUsage {
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  cached: boolean;
  /** Why the configured model did not answer, e.g. "daily AI budget reached". */
  note?: string;
}

export interface StepOutcome<T> {
  output: T;
  ai?: AiUsage;
  /** Tries inside this run (an AI step's HTTP requests); 1 when not said. */
  tries?: number;
  /**
   * Work that may simply be done again should the worker die before its result is stored:
   * local and deterministic (the offline rules), or a read that changes nothing anywhere
   * (a Meta lead from the Graph API). Its result may be stored with the step runner's next
   * statement instead of one of its own.
   */
  repeatable?: boolean;
}

/** The columns of `step_results` a step's row sets, in the order `saveStatement` writes them. */
const STEP_COLUMNS = `id, event_id, name, status, output, error, raw_response, attempts, duration_ms,
  provider, model, prompt_tokens, completion_tokens, cost_usd, cached, note, updated_at`;

/**
 * One statement that stores step rows, whether or not an earlier try left them: a new row
 * is inserted; a failed one is updated (a field the outcome leaves out keeps its value); a
 * succeeded one is final and left alone (a stalled job taken over by another worker). It
 * returns the row of step `current` as it then stands. With `finishAt`, a success of
 * `current` also finishes the event: the pipeline said this step is its last. `ctes` (a
 * database step's own writes) run in the same statement, so they and the step's row are
 * committed together or not at all. With `eventRow` (a first run, see `FirstRun`) the
 * statement also inserts the event's row, already finished, and writes nothing unless
 * that insert did.
 */
function saveStatement(
  p: Params,
  eventId: string,
  rows: StepRowSql[],
  current: string,
  finishAt: string | null,
  ctes: string[] = [],
  eventRow?: string,
): string {
  const event = p.add(eventId);
  const name = p.add(current);
  const values = rows.map(
    (row) => `gen_random_uuid(), ${event}::text, ${p.add(row.name)}::text, ${p.add(row.status)}::"StepStatus",
      ${row.outputSql ?? `${p.add(json(row.output))}::jsonb`}, ${p.add(row.error)}::text, ${p.add(row.rawResponse)}::text,
      ${p.add(row.attempts)}::int, ${row.durationSql ?? `${p.add(row.durationMs)}::int`}, ${p.add(row.provider)}::text,
      ${p.add(row.model)}::text, ${p.add(row.promptTokens)}::int, ${p.add(row.completionTokens)}::int,
      ${p.add(row.costUsd)}::numeric, ${p.add(row.cached ?? false)}::boolean, ${p.add(row.note ?? null)}::text, (now() AT TIME ZONE 'UTC')`,
  );
  const step = `step AS (
      INSERT INTO step_results (${STEP_COLUMNS}) ${p.rows(...values)}
      ON CONFLICT (event_id, name) DO UPDATE SET
        status = EXCLUDED.status, output = COALESCE(EXCLUDED.output, step_results.output), error = EXCLUDED.error,
        raw_response = EXCLUDED.raw_response, attempts = EXCLUDED.attempts, duration_ms = EXCLUDED.duration_ms,
        provider = COALESCE(EXCLUDED.provider, step_results.provider), model = COALESCE(EXCLUDED.model, step_results.model),
        prompt_tokens = COALESCE(EXCLUDED.prompt_tokens, step_results.prompt_tokens),
        completion_tokens = COALESCE(EXCLUDED.completion_tokens, step_results.completion_tokens),
        cost_usd = COALESCE(EXCLUDED.cost_usd, step_results.cost_usd), cached = EXCLUDED.cached OR step_results.cached,
        note = COALESCE(EXCLUDED.note, step_results.note), updated_at = EXCLUDED.updated_at
      WHERE step_results.status <> 'succeeded'
      RETURNING name, status, attempts, output)`;
  // The event's first run: its row is inserted completed by `eventRow`, and every write is
  // subject to that insert (the guard of `p`); nothing comes back when the row existed.
  if (eventRow)
    return `WITH ${[eventRow, ...ctes, step].join(",\n")}
  SELECT status, attempts, output, true AS finished FROM step WHERE name = ${name}`;
  const finish = p.add(finishAt);
  return `WITH ${[
    ...ctes,
    step,
    `finish AS (
      UPDATE webhook_events SET status = 'completed', finished_at = (${finish}::timestamptz AT TIME ZONE 'UTC'), last_error = NULL,
             updated_at = (now() AT TIME ZONE 'UTC')
      WHERE id = ${event} AND ${finish}::timestamptz IS NOT NULL
        AND EXISTS (SELECT 1 FROM step WHERE name = ${name} AND status = 'succeeded')
      RETURNING 1)`,
  ].join(",\n")}
  SELECT status, attempts, output, EXISTS (SELECT 1 FROM finish) AS finished FROM step WHERE name = ${name}
  UNION ALL
  SELECT status, attempts, output, false FROM step_results
  WHERE event_id = ${event} AND name = ${name} AND NOT EXISTS (SELECT 1 FROM step WHERE name = ${name})`;
}

/** A database step's time inside Postgres, up to the moment its row is written. */
const STATEMENT_MS = "(EXTRACT(EPOCH FROM clock_timestamp() - statement_timestamp()) * 1000)::int";

/**
 * An event's first run in one statement. The event's row does not exist yet: every step
 * before the last keeps its outcome in memory, which only `repeatable` work may do (the
 * offline rules, a Graph API read), and the last step's statement inserts the row with
 * everything else.
 * `eventRow` gives that insert as the CTE `event_row`, yielding a row only if it inserted
 * one; the statement's other writes are subject to it.
 */
export type FirstRun = (p: Params, finishedAt: string) => string;

/**
 * A first run (`FirstRun`) that cannot go on: a step needs its outcome stored before the
 * last, or the event's row exists already (a re-delivery, a job taken over). Nothing was
 * stored; the event is to be run the ordinary way.
 */
export class NotFirstRun extends Error {
  constructor(reason: string) {
    super(`not an event's first run in one statement: ${reason}`);
    this.name = "NotFirstRun";
  }
}

const FIRST_RUN_GUARD = "EXISTS (SELECT 1 FROM event_row)";

export interface StepOptions {
  /**
   * Nothing runs after this step: its success also finishes the event (`completed`), in
   * the same statement. `finished` then says so, and the event is not finished again.
   */
  last?: boolean;
}

/**
 * Runs an event's named steps at most once to success. A step that succeeded in an earlier
 * attempt is not run again: its stored output is returned, validated by the step's schema.
 * Every outcome is stored the moment it is known, with its timing, tries and AI usage, with
 * one exception: an outcome marked `repeatable` (work that may simply be done again, such as
 * the offline rules) is stored by the next statement the runner sends, saving a round trip;
 * should the worker die before that, the retry simply repeats it. With `firstRun` the runner
 * stores nothing before the last step (see `FirstRun`).
 */
export class StepRunner {
  private readonly sql: Sql;
  /** Repeatable successes not stored yet: they go with the next statement. */
  private unsaved: StepRowSql[] = [];
  /** The event was finished by the statement that stored its last step. */
  finished = false;
  /** A first run's failure, stored once the event's row exists (`begun`). */
  private failure: (() => Promise<void>) | undefined;

  constructor(
    db: PrismaClient,
    private readonly eventId: string,
    private readonly previous: Map<string, KnownStep>,
    private readonly metrics: WorkerMetrics,
    private readonly logger: Logger,
    private firstRun?: FirstRun,
  ) {
    this.sql = sqlFor(db);
  }

  async run<S extends z.ZodType>(
    name: string,
    schema: S,
    work: () => Promise<StepOutcome<z.infer<S>>>,
    options: StepOptions = {},
  ): Promise<z.infer<S>> {
    const before = this.previous.get(name);
    if (before?.status === "succeeded") return schema.parse(before.output);

    const started = performance.now();
    try {
      const outcome = await work();
      const durationMs = Math.round(performance.now() - started);
      const row: StepRowSql = {
        name,
        status: "succeeded",
        output: outcome.output,
        error: null,
        rawResponse: null,
        attempts: (before?.attempts ?? 0) + (outcome.tries ?? 1),
        durationMs,
        ...(outcome.ai ?? {}),
      };
      if (outcome.repeatable && !options.last) {
        this.unsaved.push(row);
        this.previous.set(name, {
          status: "succeeded",
          attempts: row.attempts,
          output: outcome.output as Prisma.JsonValue,
        });
      } else {
        if (this.firstRun) throw new NotFirstRun(`step ${name} has an outcome to store`);
        await this.save(new Params(), row, options.last ?? false);
      }
      this.metrics.stepDuration.observe({ step: name, status: "succeeded" }, durationMs / 1000);
      return outcome.output;
    } catch (error) {
      await this.failed(name, before, started, error);
      throw error;
    }
  }

  /**
   * A step whose work is a database write (the CRM's): the write and the step's row go in
   * one statement, so they are committed together; its output comes back from Postgres.
   */
  async write<S extends z.ZodType>(
    name: string,
    schema: S,
    build: (p: Params) => DatabaseWrite,
    options: StepOptions = {},
  ): Promise<z.infer<S>> {
    const before = this.previous.get(name);
    if (before?.status === "succeeded") return schema.parse(before.output);

    if (this.firstRun && !options.last) throw new NotFirstRun(`step ${name} is not the last`);
    const started = performance.now();
    try {
      const p = new Params(this.firstRun ? FIRST_RUN_GUARD : undefined);
      const write = build(p);
      const row: StepRowSql = {
        name,
        status: "succeeded",
        outputSql: write.output,
        error: null,
        rawResponse: null,
        attempts: (before?.attempts ?? 0) + 1,
        durationSql: STATEMENT_MS,
      };
      const stored = await this.save(p, row, options.last ?? false, write.ctes);
      if (!stored && this.firstRun) throw new NotFirstRun("the event's row exists");
      this.firstRun = undefined;
      this.metrics.stepDuration.observe({ step: name, status: "succeeded" }, (performance.now() - started) / 1000);
      return schema.parse(stored?.output);
    } catch (error) {
      await this.failed(name, before, started, error);
      throw error;
    }
  }

  /** Stores what is still unsaved (see `repeatable`); nothing to do most of the time. */
  async flush(): Promise<void> {
    if (!this.unsaved.length) return;
    if (this.firstRun) throw new NotFirstRun("the last step left outcomes unstored");
    await this.save(new Params(), this.unsaved.pop()!, false);
  }

  /**
   * A first run is over and the event's row exists now, created the ordinary way: the
   * runner goes on as an ordinary one, and stores the failure the first run met, if any.
   */
  async begun(): Promise<void> {
    this.firstRun = undefined;
    const failure = this.failure;
    this.failure = undefined;
    await failure?.();
  }

  /**
   * The step failed: its row says why, with the tries it took (stored with anything
   * unsaved). In a first run the row cannot be stored yet: it waits for `begun`.
   */
  private async failed(
    name: string,
    before: KnownStep | undefined,
    started: number,
    error: unknown,
    ended = performance.now(),
  ): Promise<void> {
    if (error instanceof NotFirstRun) return;
    if (this.firstRun) {
      this.failure = () => this.failed(name, before, started, error, ended);
      return;
    }
    const durationMs = Math.round(ended - started);
    this.metrics.stepDuration.observe({ step: name, status: "failed" }, durationMs / 1000);
    const tries = typeof (error as { tries?: unknown }).tries === "number" ? (error as { tries: number }).tries : 1;
    await this.save(
      new Params(),
      {
        name,
        status: "failed",
        error: (error as Error).message.slice(0, 4000),
        rawResponse: error instanceof AiAnswerError ? error.rawResponse.slice(0, 100_000) : null,
        ...(error instanceof AiAnswerError ? error.usage : {}),
        attempts: (before?.attempts ?? 0) + tries,
        durationMs,
      },
      false,
    ).catch((saveError: unknown) =>
      this.logger.error({ err: saveError, step: name }, "could not record the step's failure"),
    );
  }

  /** Stores `row`, with every unsaved row, in one statement; returns `row`'s stored state. */
  private async save(p: Params, row: StepRowSql, last: boolean, ctes: string[] = []): Promise<KnownStep | undefined> {
    const unsaved = this.unsaved;
    this.unsaved = [];
    // The finish time comes from this process's clock, like the acknowledgement time the ingress reports.
    const finishedAt = last ? new Date().toISOString() : null;
    const eventRow = this.firstRun && finishedAt ? this.firstRun(p, finishedAt) : undefined;
    const text = saveStatement(p, this.eventId, [...unsaved, row], row.name, finishedAt, ctes, eventRow);
    let rows: Array<KnownStep & { finished: boolean }>;
    try {
      rows = await this.sql.query<KnownStep & { finished: boolean }>(text, p.values);
    } catch (error) {
      // Not stored: they go with the next statement (the step's failure, usually).
      this.unsaved = [...unsaved, ...this.unsaved];
      throw error;
    }
    const stored = rows[0];
    if (!stored) return undefined;
    const { finished, ...state } = stored;
    this.previous.set(row.name, state);
    if (finished) this.finished = true;
    return state;
  }
}

/** The columns a step's outcome sets; `outputSql` and `durationSql` are SQL computed by the statement itself. */
interface StepRowSql {
  name: string;
  status: "succeeded" | "failed";
  output?: unknown;
  outputSql?: string;
  error: string | null;
  rawResponse: string | null;
  attempts: number;
  durationMs?: number;
  durationSql?: string;
  provider?: string;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  cached?: boolean;
  note?: string;
}
