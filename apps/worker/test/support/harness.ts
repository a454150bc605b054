// Runs a worker in-process against the real Redis and Postgres, on a queue prefix of its own.
import {
  bodyDigest,
  builtInSources,
  type Config,
  createDatabase,
  createEventsQueue,
  createLogger,
  type EventJob,
  eventJobOptions,
  eventRecordId,
  type PrismaClient,
  type WebhookEvent,
} from "@aiops/shared";
import { testConfig } from "@aiops/shared/testing";
import type { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createWorker, type WorkerOptions } from "../../src/create-worker.js";
import type { FleetWorker } from "../../src/fleet-worker.js";
import { WorkerMetrics } from "../../src/metrics.js";

let counter = Math.floor(Math.random() * 1_000_000) * 1000;

/** A sequence number no other test uses: sample emails and ids derive from it. */
export function nextSeq(): number {
  return ++counter;
}

/**
 * An event job exactly as the ingress would enqueue it for a source's sample (or a body
 * changed by `edit`): same id derivation, classification and provider event id.
 */
export function sampleEvent(sourceName: string, seq = nextSeq(), edit?: (body: any) => void): EventJob {
  const source = builtInSources.find((candidate) => candidate.name === sourceName);
  if (!source) throw new Error(`no source ${sourceName}`);
  const sample = source.sample(seq, Date.now() + seq);
  const body = structuredClone(sample.body);
  edit?.(body);
  const rawBody = Buffer.from(JSON.stringify(body));
  const headers = { "content-type": "application/json", ...sample.headers };
  const request = { headers, rawBody, body };
  const providerEventId = source.eventId(request) ?? String(seq);
  const { type, providerType } = source.classify(request);
  return {
    id: eventRecordId(source.name, providerEventId),
    source: source.name,
    providerEventId,
    providerType,
    type,
    receivedAt: new Date().toISOString(),
    payload: body,
    ...(source.eventIdSigned ? {} : { bodyDigest: bodyDigest(rawBody) }),
  };
}

export interface Harness {
  config: Config;
  db: PrismaClient;
  worker: FleetWorker;
  metrics: WorkerMetrics;
  queue: Queue<EventJob>;
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
  const db = createDatabase(config.DATABASE_URL, { batchStatements: config.WORKER_DB_BATCH });
  const metrics = new WorkerMetrics();
  const worker = createWorker(config, { logger: quiet, db, metrics, ...options });
  const producer = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const queue = createEventsQueue(config, producer);
  await worker.start();

  return {
    config,
    db,
    worker,
    metrics,
    queue,
    async enqueue(event) {
      await queue.add(event.type, event, eventJobOptions(config, event.id));
      return event;
    },
    async waitFor(id, statuses = ["completed", "ignored", "failed"], timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const row = await db.webhookEvent.findUnique({ where: { id } });
        if (row && statuses.includes(row.status)) return row;
        if (Date.now() > deadline)
          throw new Error(`event ${id} is ${row?.status ?? "missing"}, waited for ${statuses.join("/")}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      producer.disconnect();
      await db.$disconnect();
    },
  };
}
