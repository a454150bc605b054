import { type EventJob, Prisma, type Sql, type StepResult } from "@aiops/shared";
import type { CrmCommands } from "../crm/commands.js";
import { crmStatement, json } from "./crm-statement.js";

/** A step as stored: all a resumed run needs to know of it. */
export type StoredStep = Pick<StepResult, "status" | "attempts" | "output">;

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

/** A step's outcome, as its row in `step_results` records it. */
export interface StepRow extends Partial<AiUsage> {
  name: string;
  status: "succeeded" | "failed";
  output?: unknown;
  error: string | null;
  rawResponse: string | null;
  attempts: number;
  durationMs: number;
}

/**
 * The step's row as the statement left it, whether that statement also finished the event,
 * and whether the event's row is there: `false` only when a `first-run` statement found the
 * event recorded before it (it then wrote nothing at all).
 */
export type SavedStep = StoredStep & { finished: boolean; recorded: boolean };

/** An event not recorded yet (the `first-run` strategy): the first statement of its run inserts its row. */
export interface NewEvent {
  event: EventJob;
  /** When this run began, as the event's `started_at`. */
  startedAt: string;
}

export interface Begun {
  /** The row was created by this run: no step can have run before, so none need loading. */
  inserted: boolean;
  attempts: number;
}

const NOW = Prisma.raw("(now() AT TIME ZONE 'UTC')");
/** An ISO timestamp as Prisma's `timestamp without time zone` holding UTC. */
const utc = (iso: string | null) => Prisma.sql`(${iso}::timestamptz AT TIME ZONE 'UTC')`;
/** A CRM step's time inside Postgres, up to the moment its row is written. */
const STATEMENT_MS = Prisma.raw("(EXTRACT(EPOCH FROM clock_timestamp() - statement_timestamp()) * 1000)::int");

/**
 * Every statement about events and their steps: the worker's hot path, all of it here, so
 * the names its statements give their parts (`step`, `finish`, and the CRM's `contact`,
 * `record`, `activity`, `draft`) cannot clash with anyone else's. Each method is one
 * statement; rows for several steps go in one when the runner has some waiting.
 */
export class StepStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Records the event, or resumes it: one statement that inserts the row, or moves a
   * queued, processing or failed row to `processing` and counts the attempt. A row that is
   * `completed` or `ignored` is left alone and `undefined` returned: a re-delivery. So is an
   * event whose signed body is already recorded under another id (`eventRow`). (Two racing
   * inserts: the unique index refuses the second, whose job retries and then finds the first.)
   */
  async begin(event: EventJob): Promise<Begun | undefined> {
    const rows = await this.sql.query<Begun>(Prisma.sql`
      INSERT INTO webhook_events (${EVENT_COLUMNS})
      ${eventRow(event, { status: "processing", startedAt: NOW })}
      ON CONFLICT (id) DO UPDATE
        SET status = 'processing', attempts = webhook_events.attempts + 1, started_at = ${NOW}, finished_at = NULL, updated_at = ${NOW}
        WHERE webhook_events.status NOT IN ('completed', 'ignored')
      RETURNING attempts, (xmax = 0) AS inserted`);
    return rows[0];
  }

  async steps(eventId: string): Promise<Map<string, StoredStep>> {
    const steps = await this.sql.query<StoredStep & { name: string }>(
      Prisma.sql`SELECT name, status, attempts, output FROM step_results WHERE event_id = ${eventId}`,
    );
    return new Map(steps.map(({ name, ...step }) => [name, step]));
  }

  /** Stores step rows in one statement and returns the last one's row as it then stands. */
  async save(eventId: string, rows: StepRow[], insert?: NewEvent): Promise<SavedStep | undefined> {
    const current = rows.at(-1);
    if (!current) throw new Error("no step row to save");
    return this.stepStatement(
      eventId,
      rows.map((row) => stepValues(row)),
      current.name,
      false,
      [],
      insert,
    );
  }

  /**
   * A CRM step: its commands, its row and `pending` rows in one statement, so the records
   * and the step are committed together. The step's output is what the commands returned
   * (the ids of the records); with `finish`, the event is completed too.
   */
  async write(
    eventId: string,
    pending: StepRow[],
    step: { name: string; attempts: number },
    commands: CrmCommands,
    finish = false,
    insert?: NewEvent,
  ): Promise<SavedStep | undefined> {
    const crm = crmStatement(commands, insert ? RECORDED : undefined);
    const row = stepValues(
      { ...step, status: "succeeded", error: null, rawResponse: null, durationMs: 0 },
      {
        output: crm.output,
        durationMs: STATEMENT_MS,
      },
    );
    return this.stepStatement(
      eventId,
      [...pending.map((row) => stepValues(row)), row],
      step.name,
      finish,
      crm.ctes,
      insert,
    );
  }

  /**
   * Done: the event is `completed` or `ignored`, with `pending` step rows stored by the same
   * statement. With `insert` (a `first-run` event no statement has recorded yet) the row is
   * inserted finished; `false` when it was there already, and nothing was written.
   */
  async finish(
    eventId: string,
    status: "completed" | "ignored",
    pending: StepRow[] = [],
    insert?: NewEvent,
  ): Promise<boolean> {
    // The finish time comes from this process's clock, like the acknowledgement time the ingress reports.
    const finishedAt = utc(new Date().toISOString());
    if (insert) {
      const rows = await this.sql.query<{ recorded: boolean }>(Prisma.sql`
        WITH ${eventRowCte(insert, status, finishedAt)}${
          pending.length
            ? Prisma.sql`, ${stepCte(
                eventId,
                pending.map((row) => stepValues(row)),
                RECORDED,
              )}`
            : Prisma.empty
        }
        SELECT ${RECORDED} AS recorded`);
      return rows[0]?.recorded ?? false;
    }
    const update = Prisma.sql`UPDATE webhook_events SET status = ${status}::"EventStatus", finished_at = ${finishedAt},
             last_error = NULL, updated_at = ${NOW}
      WHERE id = ${eventId}`;
    await this.sql.execute(
      pending.length
        ? Prisma.sql`WITH ${stepCte(
            eventId,
            pending.map((row) => stepValues(row)),
          )} ${update}`
        : update,
    );
    return true;
  }

  /** The attempt failed and the queue will retry it: back to `queued`, with the reason. */
  async retrying(eventId: string, error: string): Promise<void> {
    await this.sql.execute(Prisma.sql`
      UPDATE webhook_events SET status = 'queued', last_error = ${error}, updated_at = ${NOW}
      WHERE id = ${eventId} AND status = 'processing'`);
  }

  /** The dead-letter state, until replayed. A finished event is never moved back. */
  async fail(eventId: string, error: string): Promise<void> {
    await this.sql.execute(Prisma.sql`
      UPDATE webhook_events SET status = 'failed', last_error = ${error}, finished_at = ${utc(new Date().toISOString())},
             updated_at = ${NOW}
      WHERE id = ${eventId} AND status NOT IN ('completed', 'ignored')`);
  }

  /**
   * Step rows, whether or not an earlier try left them: a new row is inserted; a failed one
   * is updated (a field the outcome leaves out keeps its value); a succeeded one is final and
   * left alone (a stalled job taken over by another worker). `ctes` (a CRM step's writes)
   * run in the same statement. Returns the row of step `current` as it then stands.
   *
   * With `insert`, the statement first inserts the event's row (already `completed` when it
   * finishes the event), and every other write in it is conditional on that insert: if the
   * row was there, the statement writes nothing and says so (`recorded: false`).
   */
  private async stepStatement(
    eventId: string,
    rows: Prisma.Sql[],
    current: string,
    finish: boolean,
    ctes: Prisma.Sql[],
    insert?: NewEvent,
  ): Promise<SavedStep | undefined> {
    const finishedAt = utc(new Date().toISOString());
    const finishCte =
      finish && !insert
        ? [
            Prisma.sql`finish AS (
      UPDATE webhook_events SET status = 'completed', finished_at = ${finishedAt}, last_error = NULL, updated_at = ${NOW}
      WHERE id = ${eventId} AND EXISTS (SELECT 1 FROM step WHERE name = ${current} AND status = 'succeeded')
      RETURNING 1)`,
          ]
        : [];
    const finished = !finish ? Prisma.sql`false` : insert ? RECORDED : Prisma.sql`EXISTS (SELECT 1 FROM finish)`;
    const recorded = insert ? RECORDED : Prisma.sql`true`;
    const parts = [
      ...(insert ? [eventRowCte(insert, finish ? "completed" : "processing", finishedAt)] : []),
      ...ctes,
      stepCte(eventId, rows, insert ? RECORDED : undefined),
      ...finishCte,
    ];
    const saved = await this.sql.query<SavedStep>(Prisma.sql`
      WITH ${Prisma.join(parts, ",\n")}
      SELECT status, attempts, output, ${finished} AS finished, ${recorded} AS recorded FROM step WHERE name = ${current}
      UNION ALL
      SELECT status, attempts, output, false, ${recorded} FROM step_results
      WHERE event_id = ${eventId} AND name = ${current} AND NOT EXISTS (SELECT 1 FROM step WHERE name = ${current})`);
    return (
      saved[0] ??
      (insert ? { status: "failed", attempts: 0, output: null, finished: false, recorded: false } : undefined)
    );
  }
}

const EVENT_COLUMNS = Prisma.raw(
  "id, source, provider_event_id, provider_type, type, status, attempts, payload, received_at, started_at, finished_at, updated_at, body_digest",
);

/**
 * The event's row as a `SELECT` for `INSERT INTO webhook_events (EVENT_COLUMNS)`, at its
 * first attempt. Nothing is selected when the event's signed body is already recorded under
 * another id: only events whose id is unsigned carry a digest (GitHub, Shopify), and one
 * replayed under a fresh id after Redis forgot it is a re-delivery.
 */
function eventRow(
  event: EventJob,
  row: { status: string; startedAt: Prisma.Sql; finishedAt?: Prisma.Sql },
): Prisma.Sql {
  const digest = event.bodyDigest ?? null;
  return Prisma.sql`SELECT ${event.id}::text, ${event.source}::text, ${event.providerEventId}::text, ${event.providerType ?? null}::text,
             ${event.type}::"EventType", ${row.status}::"EventStatus", 1, ${json(event.payload ?? null)}::jsonb,
             ${utc(event.receivedAt)}, ${row.startedAt}, ${row.finishedAt ?? Prisma.raw("NULL::timestamp")}, ${NOW}, ${digest}::text
      WHERE ${digest}::text IS NULL OR NOT EXISTS (
        SELECT 1 FROM webhook_events AS other
        WHERE other.source = ${event.source}::text AND other.body_digest = ${digest}::text AND other.id <> ${event.id}::text)`;
}

/** Whether this statement's `event_row` inserted the event's row: every other write of a `first-run` statement waits on it. */
const RECORDED = Prisma.raw("EXISTS (SELECT 1 FROM event_row)");

/** The CTE `event_row`: inserts a `first-run` event's row, or nothing if it is recorded already. */
function eventRowCte(
  insert: NewEvent,
  status: "processing" | "completed" | "ignored",
  finishedAt: Prisma.Sql,
): Prisma.Sql {
  return Prisma.sql`event_row AS (
      INSERT INTO webhook_events (${EVENT_COLUMNS})
      ${eventRow(insert.event, { status, startedAt: utc(insert.startedAt), ...(status === "processing" ? {} : { finishedAt }) })}
      ON CONFLICT (id) DO NOTHING
      RETURNING 1)`;
}

/**
 * The CTE `step`: upserts step rows (each a `stepValues` list) and returns them as they
 * stand; with `when`, only if that condition holds. Rows stored by one statement are created
 * a microsecond apart in the order given, the pipeline's order, so that reading an event's
 * steps by `created_at` lists them as they ran.
 */
function stepCte(eventId: string, rows: Prisma.Sql[], when?: Prisma.Sql): Prisma.Sql {
  const values = rows.map((row, position) => Prisma.sql`(${row}, ${position}::int)`);
  return Prisma.sql`step AS (
      INSERT INTO step_results (id, event_id, name, status, output, error, raw_response, attempts, duration_ms,
        provider, model, prompt_tokens, completion_tokens, cost_usd, cached, note, updated_at, created_at)
      SELECT gen_random_uuid(), ${eventId}::text, name, status, output, error, raw_response, attempts, duration_ms,
        provider, model, prompt_tokens, completion_tokens, cost_usd, cached, note, ${NOW}, ${NOW} + position * interval '1 microsecond'
      FROM (VALUES ${Prisma.join(values, ", ")}) AS outcome (name, status, output, error, raw_response, attempts, duration_ms,
        provider, model, prompt_tokens, completion_tokens, cost_usd, cached, note, position)
      ${when ? Prisma.sql`WHERE ${when}` : Prisma.empty}
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
}

/** One step row's values, in `stepCte`'s column order; `sql` gives output or duration computed by the statement. */
function stepValues(row: StepRow, sql: { output?: Prisma.Sql; durationMs?: Prisma.Sql } = {}): Prisma.Sql {
  return Prisma.sql`${row.name}::text, ${row.status}::"StepStatus", ${sql.output ?? Prisma.sql`${json(row.output)}::jsonb`},
      ${row.error}::text, ${row.rawResponse}::text, ${row.attempts}::int, ${sql.durationMs ?? Prisma.sql`${row.durationMs}::int`},
      ${row.provider ?? null}::text, ${row.model ?? null}::text, ${row.promptTokens ?? null}::int, ${row.completionTokens ?? null}::int,
      ${row.costUsd ?? null}::numeric, ${row.cached ?? false}::boolean, ${row.note ?? null}::text`;
}
