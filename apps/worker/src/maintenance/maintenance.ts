import { type Config, type Logger, MAINTENANCE_QUEUE, type PrismaClient, type RedisClient } from "@aiops/shared";
import { Queue, Worker } from "bullmq";
import { prunePayloads } from "./prune-payloads.js";

export const PRUNE_SCHEDULER_ID = "prune-payloads";

export interface MaintenanceDeps {
  config: Config;
  db: PrismaClient;
  /** A worker connection (`maxRetriesPerRequest: null`); not closed here, the caller owns it. */
  connection: RedisClient;
  logger: Logger;
}

export interface Maintenance {
  /** Stops taking maintenance jobs, waits for one in flight, closes. Idempotent. */
  close(): Promise<void>;
}

/**
 * Schedules payload pruning every PRUNE_INTERVAL_SECONDS with a BullMQ job scheduler and
 * runs it. Every worker process calls this: upserting the same scheduler id keeps one
 * schedule for the fleet, and each run is one job, so one process prunes at a time.
 */
export async function startMaintenance(deps: MaintenanceDeps): Promise<Maintenance> {
  const { config, db, connection } = deps;
  const logger = deps.logger.child({ component: "maintenance" });
  const queue = new Queue(MAINTENANCE_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  queue.on("error", (error) => logger.warn({ err: error }, "maintenance queue error"));
  await queue.upsertJobScheduler(
    PRUNE_SCHEDULER_ID,
    { every: config.PRUNE_INTERVAL_SECONDS * 1000 },
    { name: PRUNE_SCHEDULER_ID, opts: { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } } },
  );
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name !== PRUNE_SCHEDULER_ID) return undefined;
      return prunePayloads(db, {
        retentionDays: config.PAYLOAD_RETENTION_DAYS,
        batchSize: config.PRUNE_BATCH_SIZE,
        logger,
      });
    },
    { connection, prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  worker.on("error", (error) => logger.warn({ err: error }, "maintenance worker error"));
  worker.on("failed", (job, error) => logger.error({ err: error, job: job?.name }, "maintenance job failed"));

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        await worker.close().catch((error: unknown) => logger.warn({ err: error }, "maintenance worker close failed"));
        await queue.close().catch((error: unknown) => logger.warn({ err: error }, "maintenance queue close failed"));
      })();
      return closing;
    },
  };
}
