import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import {
  AppError,
  type Config,
  type EventJob,
  eventJobOptions,
  type Logger,
  type PrismaClient,
  type WebhookEvent,
} from "@aiops/shared";
import type { Job, JobState, Queue } from "bullmq";

/** What replay did to the event's job. */
export type JobAction = "retried" | "requeued" | "already_queued";

/** States in which the job will still run by itself: replay leaves it alone. */
const PENDING: ReadonlySet<JobState | "unknown"> = new Set([
  "waiting",
  "active",
  "delayed",
  "prioritized",
  "waiting-children",
]);

/** Rows per bulk-replay round: small enough that each round's queries stay short. */
export const REPLAY_BATCH_SIZE = 100;

type Replayable = Pick<
  WebhookEvent,
  "id" | "source" | "providerEventId" | "providerType" | "type" | "receivedAt" | "payload"
>;

function jobData(row: Replayable): EventJob {
  return {
    id: row.id,
    source: row.source,
    providerEventId: row.providerEventId,
    providerType: row.providerType,
    type: row.type,
    receivedAt: row.receivedAt.toISOString(),
    payload: row.payload,
  };
}

/**
 * Runs events again. The worker resumes an event at its first step without a stored
 * success, so a replay never repeats a finished AI call or CRM write; replay's job is only
 * to mark the row `queued` and make sure a job with the event's id will run.
 */
export class Replayer {
  constructor(private readonly deps: { db: PrismaClient; queue: Queue<EventJob>; config: Config; logger: Logger }) {}

  async replay(id: string): Promise<{ id: string; status: "queued"; job: JobAction }> {
    const { db, queue } = this.deps;
    const [row, job] = await Promise.all([db.webhookEvent.findUnique({ where: { id } }), queue.getJob(id)]);
    const state = job ? await job.getState() : "unknown";
    if (!row && !job) throw new AppError("not_found", `no event ${id}`);
    if (row && (row.payloadPrunedAt || row.payload === null))
      throw new AppError(
        "conflict",
        `the payload of ${id} was removed by retention${row.payloadPrunedAt ? ` on ${row.payloadPrunedAt.toISOString()}` : ""}; it cannot be replayed`,
      );
    // A job that will run anyway: resetting the row now would misreport a running event.
    if (PENDING.has(state)) return { id, status: "queued", job: "already_queued" };
    if (row)
      await db.webhookEvent.update({ where: { id }, data: { status: "queued", lastError: null, finishedAt: null } });
    const action = await this.ensureJob(id, job, state, row ?? undefined);
    this.deps.logger.info({ eventId: id, job: action }, "event replayed");
    return { id, status: "queued", job: action };
  }

  /**
   * Replays every failed event (of one source, if given), in rounds of REPLAY_BATCH_SIZE that
   * yield to the event loop in between, so thousands of events never stall other requests.
   * Events whose payload retention removed are skipped and counted.
   */
  async replayFailed(filter: { source?: string | undefined }): Promise<{ replayed: number; skipped: number }> {
    const { db } = this.deps;
    const base = { status: "failed" as const, ...(filter.source && { source: filter.source }) };
    let replayed = 0;
    let after = "";
    for (;;) {
      const batch = await db.webhookEvent.findMany({
        where: { ...base, payloadPrunedAt: null, id: { gt: after } },
        select: { id: true },
        orderBy: { id: "asc" },
        take: REPLAY_BATCH_SIZE,
      });
      const last = batch.at(-1);
      if (!last) break;
      after = last.id;
      replayed += await this.replayBatch(batch.map((row) => row.id));
      await yieldToEventLoop();
    }
    const skipped = await db.webhookEvent.count({ where: { ...base, payloadPrunedAt: { not: null } } });
    this.deps.logger.info({ source: filter.source, replayed, skipped }, "failed events replayed");
    return { replayed, skipped };
  }

  private async replayBatch(ids: string[]): Promise<number> {
    const { db, queue, config } = this.deps;
    // Only rows still failed now: one replayed meanwhile by someone else is not counted twice.
    const claimed = await db.$transaction(async (tx) => {
      const rows = await tx.webhookEvent.findMany({
        where: { id: { in: ids }, status: "failed", payloadPrunedAt: null },
        select: { id: true },
      });
      await tx.webhookEvent.updateMany({
        where: { id: { in: rows.map((row) => row.id) } },
        data: { status: "queued", lastError: null, finishedAt: null },
      });
      return rows.map((row) => row.id);
    });
    const missing: string[] = [];
    await Promise.all(
      claimed.map(async (id) => {
        try {
          const job = await queue.getJob(id);
          const state = job ? await job.getState() : "unknown";
          if (!job || state === "unknown") missing.push(id);
          else await this.ensureJob(id, job, state);
        } catch (error) {
          // The job moved or left between the two calls: adding it is safe either way,
          // since an existing job id makes `add` a no-op.
          this.deps.logger.warn({ err: error, eventId: id }, "retry failed; adding the job again");
          missing.push(id);
        }
      }),
    );
    if (missing.length > 0) {
      const rows = await db.webhookEvent.findMany({ where: { id: { in: missing } } });
      await queue.addBulk(
        rows.map((row) => ({ name: row.type, data: jobData(row), opts: eventJobOptions(config, row.id) })),
      );
    }
    return claimed.length;
  }

  private async ensureJob(
    id: string,
    job: Job<EventJob> | undefined,
    state: JobState | "unknown",
    row?: Replayable,
  ): Promise<JobAction> {
    if (PENDING.has(state)) return "already_queued";
    if (job && (state === "failed" || state === "completed")) {
      // A fresh set of attempts: the one that failed used them all.
      await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
      return "retried";
    }
    // Redis no longer holds the job (removed by age): rebuild it from the row.
    const source = row ?? (await this.deps.db.webhookEvent.findUnique({ where: { id } }));
    if (!source) throw new AppError("not_found", `no event ${id}`);
    await this.deps.queue.add(source.type, jobData(source), eventJobOptions(this.deps.config, id));
    return "requeued";
  }
}
