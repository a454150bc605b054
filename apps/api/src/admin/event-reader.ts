import { AppError, type EventJob, EventStatus, eventTypeSchema, type Prisma, type PrismaClient } from "@aiops/shared";
import type { Queue } from "bullmq";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { type EventDetail, type EventSummary, eventDetail, eventSummary, jobView, queuedDetail } from "./event-view.js";

/** An empty query parameter (a blank form field) means "no filter". */
const blankAsUndefined = (value: unknown) => (value === "" ? undefined : value);

export const listQuerySchema = z.object({
  status: z.preprocess(blankAsUndefined, z.enum(EventStatus).optional()),
  source: z.preprocess(blankAsUndefined, z.string().max(200).optional()),
  type: z.preprocess(blankAsUndefined, eventTypeSchema.optional()),
  limit: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).max(200).default(50)),
  cursor: z.preprocess(blankAsUndefined, z.string().max(1000).optional()),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "paused", "failed", "completed"] as const;

/** Reads events for the admin API: Postgres for what workers recorded, the queue for the rest. */
export class EventReader {
  constructor(private readonly deps: { db: PrismaClient; queue: Queue<EventJob> }) {}

  async list(query: ListQuery): Promise<{ events: EventSummary[]; nextCursor: string | null }> {
    const where: Prisma.WebhookEventWhereInput = {
      ...(query.status && { status: query.status }),
      ...(query.source && { source: query.source }),
      ...(query.type && { type: query.type }),
    };
    if (query.cursor) {
      const { receivedAt, id } = decodeCursor(query.cursor);
      where.OR = [{ receivedAt: { lt: receivedAt } }, { receivedAt, id: { lt: id } }];
    }
    const rows = await this.deps.db.webhookEvent.findMany({
      where,
      omit: { payload: true },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      events: page.map(eventSummary),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  async get(id: string): Promise<EventDetail> {
    const [event, job] = await Promise.all([
      this.deps.db.webhookEvent.findUnique({ where: { id }, include: { steps: { orderBy: { createdAt: "asc" } } } }),
      this.deps.queue.getJob(id),
    ]);
    const jobInfo = await jobView(job);
    if (event) return eventDetail(event, event.steps, jobInfo);
    // Acknowledged but not yet recorded by a worker: the queue knows it.
    if (job && jobInfo) return queuedDetail(job, jobInfo);
    throw new AppError("not_found", `no event ${id}`);
  }

  /** Counts by status (Postgres) and jobs by state (Redis), for dashboards. */
  async stats(source?: string): Promise<{ events: Record<EventStatus, number>; queue: Record<string, number> }> {
    const [groups, jobs] = await Promise.all([
      this.deps.db.webhookEvent.groupBy({ by: ["status"], where: source ? { source } : {}, _count: { _all: true } }),
      this.deps.queue.getJobCounts(...QUEUE_STATES),
    ]);
    const events = Object.fromEntries(Object.values(EventStatus).map((status) => [status, 0])) as Record<
      EventStatus,
      number
    >;
    for (const group of groups) events[group.status] = group._count._all;
    return { events, queue: jobs };
  }
}
