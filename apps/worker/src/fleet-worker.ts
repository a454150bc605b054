import {
  type Config,
  type Database,
  DRAFTS_QUEUE,
  type DraftJob,
  EVENTS_QUEUE,
  type PrismaClient,
  type RedisClient,
} from "@aiops/shared";
import { type Job, type Queue, Worker } from "bullmq";
import type { Logger } from "pino";
import type { DraftSender } from "./drafts/draft-sender.js";
import type { EventProcessor } from "./events/event-processor.js";
import type { WorkerMetrics } from "./metrics.js";
import type { MetricsServer } from "./metrics-server.js";

export interface FleetWorkerDeps {
  config: Config;
  processor: EventProcessor;
  /** Sends approved drafts (the drafts queue); `queue` is the one pipelines add AUTO_SEND drafts to. */
  drafts: { sender: DraftSender; queue: Queue<DraftJob>; close(): void };
  /** Blocking connection for BullMQ (`maxRetriesPerRequest: null`). */
  connection: RedisClient;
  /** Other connections this worker owns (the rate limiter's), closed after the queue. */
  redis: RedisClient[];
  database: Database;
  /** The database was created for this worker, which closes it. */
  ownsDatabase: boolean;
  metricsServer?: MetricsServer;
  /** WORKER_METRICS_PORT: undefined takes the default port, or a free one when it is taken. */
  metricsPort: number | undefined;
  metrics: WorkerMetrics;
  /** This process's slot under a supervisor ("1".."N"), "0" when it runs alone. */
  slot: string;
  logger: Logger;
}

/** One worker process's consumer of the events queue, with its metrics endpoint. */
export class FleetWorker {
  private worker: Worker | undefined;
  private draftWorker: Worker | undefined;
  private closing: Promise<void> | undefined;
  /** The metrics endpoint's port once started (0 when off). */
  metricsPort = 0;

  constructor(private readonly deps: FleetWorkerDeps) {}

  get db(): PrismaClient {
    return this.deps.database.prisma;
  }

  async start(): Promise<void> {
    const { config, processor, connection, logger } = this.deps;
    if (this.deps.metricsServer) {
      const bound = await this.deps.metricsServer.bind(this.deps.metricsPort);
      this.metricsPort = bound.port;
      if (bound.fellBack)
        logger.warn(
          { metricsPort: bound.port },
          "default metrics port taken by another process: serving metrics on a free port",
        );
    }
    const worker = new Worker(EVENTS_QUEUE, (job, token) => this.run(job, token), {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: config.JOB_LOCK_MS,
      // A job stalls when its worker dies. Steps are durable and idempotent, so a job taken
      // over after a crash loses nothing; BullMQ's default (one stall) failed events whose
      // worker was killed twice in a row. A job that keeps killing its workers still ends
      // failed once it has stalled as often as it may be attempted.
      maxStalledCount: config.JOB_ATTEMPTS,
      autorun: false,
    });
    worker.on("error", (error) => logger.error({ err: error }, "worker error"));
    worker.on("failed", (job, error) => {
      // The processor records its own failures; a job failed for stalling never reached it.
      if (job && /stalled/i.test(error.message))
        void processor
          .failedOutside(job.id ?? "", error.message)
          .catch((err: unknown) => logger.error({ err }, "could not mark a stalled event"));
    });
    this.worker = worker;
    void worker.run().catch((error: unknown) => logger.error({ err: error }, "worker stopped"));
    await worker.waitUntilReady();
    await this.startDraftWorker();
    logger.info(
      {
        concurrency: config.WORKER_CONCURRENCY,
        prefix: config.QUEUE_PREFIX,
        metricsPort: this.metricsPort,
        slot: this.deps.slot,
        pid: process.pid,
      },
      "worker started",
    );
  }

  /** Processes one job, counted per process so an operator sees that every process takes its share. */
  private async run(job: Job, token: string | undefined): Promise<unknown> {
    const labels = { worker: this.deps.slot, pid: String(process.pid) };
    try {
      const value = await this.deps.processor.process(job, token);
      this.deps.metrics.processJobs.inc({ ...labels, result: "ok" });
      return value;
    } catch (error) {
      this.deps.metrics.processJobs.inc({ ...labels, result: "thrown" });
      throw error;
    }
  }

  /** The consumer of the drafts queue: few jobs, each a request to a channel. */
  private async startDraftWorker(): Promise<void> {
    const { config, connection, logger, drafts } = this.deps;
    const worker = new Worker(DRAFTS_QUEUE, (job) => drafts.sender.process(job), {
      connection,
      prefix: config.QUEUE_PREFIX,
      concurrency: Math.min(config.WORKER_CONCURRENCY, 10),
      lockDuration: config.JOB_LOCK_MS,
      stalledInterval: config.JOB_LOCK_MS,
      maxStalledCount: config.JOB_ATTEMPTS,
      autorun: false,
    });
    worker.on("error", (error) => logger.error({ err: error }, "drafts worker error"));
    worker.on("failed", (job, error) => {
      if (job && /stalled/i.test(error.message))
        void drafts.sender
          .failedOutside(String(job.data.draftId), error.message)
          .catch((err: unknown) => logger.error({ err }, "could not mark a stalled draft"));
    });
    this.draftWorker = worker;
    void worker.run().catch((error: unknown) => logger.error({ err: error }, "drafts worker stopped"));
    await worker.waitUntilReady();
  }

  /** Stops taking jobs, waits for those in flight, then closes connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const { logger } = this.deps;
      const guard = (name: string, work: () => Promise<unknown>) =>
        work().catch((error: unknown) => logger.warn({ err: error, step: name }, "close step failed"));
      if (this.worker) await guard("worker", () => this.worker!.close());
      if (this.draftWorker) await guard("drafts worker", () => this.draftWorker!.close());
      await guard("drafts queue", () => this.deps.drafts.queue.close());
      await guard("email", async () => this.deps.drafts.close());
      await guard("metrics", async () => this.deps.metricsServer?.close());
      for (const redis of [this.deps.connection, ...this.deps.redis]) await guard("redis", () => redis.quit());
      if (this.deps.ownsDatabase) await guard("database", () => this.deps.database.close());
    })();
    return this.closing;
  }
}
