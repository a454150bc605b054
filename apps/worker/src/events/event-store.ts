import { type EventJob, type PrismaClient, type Sql, type StepResult, sqlFor } from "@aiops/shared";
import type { Params } from "../steps/params.js";

export interface Begun {
  /** The row was created by this run: no step can have run before, so none need loading. */
  inserted: boolean;
  attempts: number;
}

/** What a stored step says about itself (all a resumed run needs). */
export type StoredStep = Pick<StepResult, "status" | "attempts" | "output">;

/**
 * The condition under which an event's row may be inserted: its signed body is not already
 * recorded under another id. Only events whose id is unsigned carry a digest (GitHub,
 * Shopify): one replayed under a fresh id after Redis forgot it inserts nothing, and is
 * treated as a re-delivery. (Two racing inserts: the unique index refuses the second, whose
 * job retries and then finds the first.)
 */
function firstOfItsBody(id: string, source: string, digest: string): string {
  return `(${digest}::text IS NULL OR NOT EXISTS (
    SELECT 1 FROM webhook_events AS other WHERE other.source = ${source} AND other.body_digest = ${digest} AND other.id <> ${id}))`;
}

/** Done: the last step of a pipeline with no connector does this in its own statement (see `StepRunner`). */
const FINISH_SQL = `UPDATE webhook_events SET status = $2::"EventStatus", finished_at = ($3::timestamptz AT TIME ZONE 'UTC'),
         last_error = NULL, updated_at = (now() AT TIME ZONE 'UTC')
  WHERE id = $1`;

/**
 * The event's row in Postgres: the status the admin API shows and replay relies on.
 * Plain SQL on the shared pool (`sqlFor`): this is the worker's hot path.
 */
export class EventStore {
  private readonly sql: Sql;

  constructor(db: PrismaClient) {
    this.sql = sqlFor(db);
  }

  /**
   * Records the event, or resumes it: one statement that inserts the row, or moves a
   * queued, processing or failed row to `processing` and counts the attempt. A row that is
   * `completed` or `ignored` is left alone and `undefined` returned: a re-delivery. So is an
   * event whose body is recorded under another id (`firstOfItsBody`).
   */
  async begin(event: EventJob): Promise<Begun | undefined> {
    const rows = await this.sql.query<Begun>(
      `INSERT INTO webhook_events (id, source, provider_event_id, provider_type, type, status, attempts, payload, received_at, started_at, updated_at, body_digest)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::"EventType", 'processing'::"EventStatus", 1, $6::jsonb,
              ($7::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), $8::text
       WHERE ${firstOfItsBody("$1::text", "$2::text", "$8")}
       ON CONFLICT (id) DO UPDATE
         SET status = 'processing', attempts = webhook_events.attempts + 1, started_at = (now() AT TIME ZONE 'UTC'),
             finished_at = NULL, updated_at = (now() AT TIME ZONE 'UTC')
         WHERE webhook_events.status NOT IN ('completed', 'ignored')
       RETURNING attempts, (xmax = 0) AS inserted`,
      [
        event.id,
        event.source,
        event.providerEventId,
        event.providerType ?? null,
        event.type,
        JSON.stringify(event.payload ?? null),
        event.receivedAt,
        event.bodyDigest ?? null,
      ],
    );
    return rows[0];
  }

  /**
   * For an event's first run in one statement (`FirstRun`): the CTE `event_row` inserting
   * the event's row as completed, with its first attempt's start and end, which yields a
   * row only if there was none.
   */
  firstRun(p: Params, event: EventJob, startedAt: string, finishedAt: string): string {
    const [id, source, digest] = [p.add(event.id), p.add(event.source), p.add(event.bodyDigest ?? null)];
    return `event_row AS (
      INSERT INTO webhook_events (id, source, provider_event_id, provider_type, type, status, attempts, payload, received_at, started_at, finished_at, updated_at, body_digest)
      SELECT ${id}::text, ${source}::text, ${p.add(event.providerEventId)}::text, ${p.add(event.providerType ?? null)}::text, ${p.add(event.type)}::"EventType",
              'completed'::"EventStatus", 1, ${p.add(JSON.stringify(event.payload ?? null))}::jsonb, (${p.add(event.receivedAt)}::timestamptz AT TIME ZONE 'UTC'),
              (${p.add(startedAt)}::timestamptz AT TIME ZONE 'UTC'), (${p.add(finishedAt)}::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), ${digest}::text
      WHERE ${firstOfItsBody(`${id}::text`, `${source}::text`, digest)}
      ON CONFLICT (id) DO NOTHING
      RETURNING 1)`;
  }

  async steps(eventId: string): Promise<Map<string, StoredStep>> {
    const steps = await this.sql.query<StoredStep & { name: string }>(
      "SELECT name, status, attempts, output FROM step_results WHERE event_id = $1",
      [eventId],
    );
    return new Map(steps.map(({ name, ...step }) => [name, step]));
  }

  async finish(eventId: string, status: "completed" | "ignored"): Promise<void> {
    // The finish time comes from this process's clock, like the acknowledgement time the ingress reports.
    await this.sql.execute(FINISH_SQL, [eventId, status, new Date().toISOString()]);
  }

  /** The attempt failed and the queue will retry it: back to `queued`, with the reason. */
  async retrying(eventId: string, error: string): Promise<void> {
    await this.sql.execute(
      `UPDATE webhook_events SET status = 'queued', last_error = $2, updated_at = (now() AT TIME ZONE 'UTC')
       WHERE id = $1 AND status = 'processing'`,
      [eventId, error],
    );
  }

  /** The dead-letter state, until replayed. A finished event is never moved back. */
  async fail(eventId: string, error: string): Promise<void> {
    await this.sql.execute(
      `UPDATE webhook_events SET status = 'failed', last_error = $2, finished_at = ($3::timestamptz AT TIME ZONE 'UTC'),
              updated_at = (now() AT TIME ZONE 'UTC')
       WHERE id = $1 AND status NOT IN ('completed', 'ignored')`,
      [eventId, error, new Date().toISOString()],
    );
  }
}
