import type { Queue } from "bullmq";
import { Gauge, type Registry } from "prom-client";
import type { Logger, PrismaClient } from "@aiops/shared";

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "paused", "failed", "completed"] as const;

/**
 * Gauges read at scrape time: queue depth by state from BullMQ, and events by status and
 * source from Postgres. Each API instance reports the same shared numbers, so aggregate them
 * with max(), not sum(). A source that cannot answer keeps its last values and is logged.
 */
export function registerQueueMetrics(
  registry: Registry,
  deps: { queues: readonly Queue[]; db: PrismaClient; logger: Logger },
): void {
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
    help: "Events recorded in Postgres by status and source",
    labelNames: ["status", "source"],
    registers: [registry],
    async collect() {
      try {
        const groups = await deps.db.webhookEvent.groupBy({ by: ["status", "source"], _count: { _all: true } });
        this.reset();
        for (const group of groups) this.set({ status: group.status, source: group.source }, group._count._all);
      } catch (error) {
        deps.logger.warn({ err: error }, "event counts unavailable for /metrics");
      }
    },
  });
}
