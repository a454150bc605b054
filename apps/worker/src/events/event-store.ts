import type { EventJob, PrismaClient, StepResult } from "@aiops/shared";

export interface Begun {
  /** The row was created by this run: no step can have run before, so none need loading. */
  inserted: boolean;
  attempts: number;
}

/** The event's row in Postgres: the status the admin API shows and replay relies on. */
export class EventStore {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Records the event, or resumes it: one statement that inserts the row, or moves a
   * queued, processing or failed row to `processing` and counts the attempt. A row that is
   * `completed` or `ignored` is left alone and `undefined` returned: a re-delivery.
   */
  async begin(event: EventJob): Promise<Begun | undefined> {
    const rows = await this.db.$queryRaw<Array<{ attempts: number; inserted: boolean }>>`
      INSERT INTO webhook_events (id, source, provider_event_id, provider_type, type, status, attempts, payload, received_at, started_at, updated_at)
      VALUES (${event.id}, ${event.source}, ${event.providerEventId}, ${event.providerType}, ${event.type}::"EventType",
              'processing', 1, ${JSON.stringify(event.payload ?? null)}::jsonb,
              (${event.receivedAt}::timestamptz AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'), (now() AT TIME ZONE 'UTC'))
      ON CONFLICT (id) DO UPDATE
        SET status = 'processing', attempts = webhook_events.attempts + 1, started_at = (now() AT TIME ZONE 'UTC'),
            finished_at = NULL, updated_at = (now() AT TIME ZONE 'UTC')
        WHERE webhook_events.status NOT IN ('completed', 'ignored')
      RETURNING attempts, (xmax = 0) AS inserted`;
    return rows[0];
  }

  async steps(eventId: string): Promise<Map<string, StepResult>> {
    const steps = await this.db.stepResult.findMany({ where: { eventId } });
    return new Map(steps.map((step) => [step.name, step]));
  }

  async finish(eventId: string, status: "completed" | "ignored"): Promise<void> {
    // The finish time comes from this process's clock, like the acknowledgement time the ingress reports.
    await this.db.$executeRaw`
      UPDATE webhook_events SET status = ${status}::"EventStatus", finished_at = ${new Date()}, last_error = NULL,
             updated_at = (now() AT TIME ZONE 'UTC')
      WHERE id = ${eventId}`;
  }

  /** The attempt failed and the queue will retry it: back to `queued`, with the reason. */
  async retrying(eventId: string, error: string): Promise<void> {
    await this.db.webhookEvent.updateMany({
      where: { id: eventId, status: "processing" },
      data: { status: "queued", lastError: error },
    });
  }

  /** The dead-letter state, until replayed. A finished event is never moved back. */
  async fail(eventId: string, error: string): Promise<void> {
    await this.db.webhookEvent.updateMany({
      where: { id: eventId, status: { notIn: ["completed", "ignored"] } },
      data: { status: "failed", lastError: error, finishedAt: new Date() },
    });
  }
}
