// Runs a worker in-process against the real Redis and Postgres, on a queue prefix of its own.
import {
  type Config,
  createDatabase,
  createLogger,
  type Database,
  type EventJob,
  type PrismaClient,
  type WebhookEvent,
} from "@aiops/shared";
import { TestEventsQueue, testConfig, waitFor } from "@aiops/testing";
import type { Queue } from "bullmq";
import { createWorker, type WorkerOptions } from "../../src/create-worker.js";
import type { FleetWorker } from "../../src/fleet-worker.js";
import { WorkerMetrics } from "../../src/metrics.js";

export interface Harness {
  config: Config;
  database: Database;
  db: PrismaClient;
  worker: FleetWorker;
  metrics: WorkerMetrics;
  queue: Queue<EventJob>;
  /** Enqueues the job as the ingress does (`sampleEvent` builds one) and returns it. */
  enqueue(event: EventJob): Promise<EventJob>;
  waitFor(id: string, statuses?: string[], timeoutMs?: number): Promise<WebhookEvent>;
  close(): Promise<void>;
}

const quiet = createLogger({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/** Fast retries so a test sees several attempts within a second or two. */
export const fastRetries = { JOB_BACKOFF_MS: "50", AI_RETRY_BASE_MS: "10", WORKER_METRICS_PORT: "0" };

export async function startHarness(
  overrides: Record<string, string | undefined> = {},
  options: Partial<WorkerOptions> = {},
): Promise<Harness> {
  const { config } = testConfig({ ...fastRetries, ...overrides });
  const database = createDatabase(config.DATABASE_URL, { batchStatements: config.WORKER_DB_BATCH });
  const db = database.prisma;
  const metrics = new WorkerMetrics();
  const worker = createWorker(config, { logger: quiet, database, metrics, ...options });
  const events = new TestEventsQueue(config);
  await worker.start();

  return {
    config,
    database,
    db,
    worker,
    metrics,
    queue: events.queue,
    enqueue: (event) => events.add(event),
    async waitFor(id, statuses = ["completed", "ignored", "failed"], timeoutMs = 15_000) {
      let last: WebhookEvent | null = null;
      const reached = async () => {
        const row = (last = await db.webhookEvent.findUnique({ where: { id } }));
        return row !== null && statuses.includes(row.status) && row;
      };
      return waitFor(reached, `event ${id} to be ${statuses.join("/")}`, timeoutMs).catch((error: Error) => {
        throw new Error(`${error.message}; it is ${(last as WebhookEvent | null)?.status ?? "missing"}`);
      });
    },
    async close() {
      await worker.close();
      await events.close();
      await database.close();
    },
  };
}
