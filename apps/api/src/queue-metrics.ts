import type { Logger, PrismaClient } from "@aiops/shared";
import type { Queue } from "bullmq";
import { Gauge, type Registry } from "prom-client";

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "paused", "failed", "completed"] as const;

/** How long the Postgres counts are reused: Prometheus scrapes every 15 s by default. */
export const EVENT_COUNTS_TTL_MS = 15_000;

export interface EventCount {
  status: string;
  source: string;
  count: number;
}

/** Events by status and source: a GROUP BY over the whole table. */
export function eventCountsQuery(db: PrismaClient): () => Promise<EventCount[]> {
  return async () => {
    const groups = await db.webhookEvent.groupBy({ by: ["status", "source"], _count: { _all: true } });
    return groups.map((group) => ({ status: group.status, source: group.source, count: group._count._all }));
  };
}

/**
 * One result reused for `ttlMs`, and one query in flight at a time: however often and however
 * many at once /metrics is scraped, the database sees at most one query per interval.
 */
export class CachedQuery<T> {
  private last: { at: number; value: Promise<T> } | undefined;

  constructor(
    private readonly query: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const now = this.now();
    if (this.last && now - this.last.at < this.ttlMs) return this.last.value;
    const value = this.query();
    const entry = { at: now, value };
    this.last = entry;
    // A failure is not kept: the next scrape asks again.
    value.catch(() => {
      if (this.last === entry) this.last = undefined;
    });
    return value;
  }
}

export interface QueueMetricsDeps {
  queues: readonly Queue[];
  eventCounts: () => Promise<EventCount[]>;
  logger: Logger;
  /** Reuse of the Postgres counts; EVENT_COUNTS_TTL_MS by default. */
  eventCountsTtlMs?: number;
  now?: () => number;
}

/**
 * Gauges read at scrape time: queue depth by state from BullMQ, and events by status and
 * source from Postgres, the latter cached (EVENT_COUNTS_TTL_MS) so that scraping cannot load
 * the database. Each API instance reports the same shared numbers, so aggregate them with
 * max(), not sum(). A source that cannot answer keeps its last values and is logged.
 */
export function registerQueueMetrics(registry: Registry, deps: QueueMetricsDeps): void {
  const ttlMs = deps.eventCountsTtlMs ?? EVENT_COUNTS_TTL_MS;
  const eventCounts = new CachedQuery(deps.eventCounts, ttlMs, deps.now);

  new Gauge({
    name: "aiops_queue_jobs",
    help: "Jobs in each queue by state (BullMQ getJobCounts)",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      try {
        const counts = await Promise.all(deps.queues.map((queue) => queue.getJobCounts(...JOB_STATES)));
        deps.queues.forEach((queue, i) => {
          for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[i]?.[state] ?? 0);
        });
      } catch (error) {
        deps.logger.warn({ err: error }, "queue depth unavailable for /metrics");
      }
    },
  });

  new Gauge({
    name: "aiops_events",
    help: `Events recorded in Postgres by status and source (counted at most every ${ttlMs / 1000} s)`,
    labelNames: ["status", "source"],
    registers: [registry],
    async collect() {
      try {
        const groups = await eventCounts.get();
        this.reset();
        for (const group of groups) this.set({ status: group.status, source: group.source }, group.count);
      } catch (error) {
        deps.logger.warn({ err: error }, "event counts unavailable for /metrics");
      }
    },
  });
}
