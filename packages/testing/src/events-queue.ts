import { type Config, createEventsQueue, type EventJob, eventJobOptions } from "@aiops/shared";
import type { Queue } from "bullmq";
import { Redis } from "ioredis";

const STATES = ["waiting", "delayed", "prioritized", "paused", "active", "completed", "failed"] as const;

/**
 * A test's view of the events queue under its configuration's QUEUE_PREFIX, on a connection
 * of its own: adds jobs with the ingress's options, lists them, and on `close` removes the
 * queue and every other key under the prefix (the ingress's acknowledgement markers included).
 */
export class TestEventsQueue {
  readonly connection: Redis;
  readonly queue: Queue<EventJob>;

  constructor(private readonly config: Config) {
    this.connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: true });
    // A suite that stops Redis on purpose sees the outage elsewhere; this connection just reconnects.
    this.connection.on("error", () => undefined);
    this.queue = createEventsQueue(config, this.connection);
  }

  /** Enqueues `job` as the ingress does (same job id and options) and returns it. */
  async add(job: EventJob): Promise<EventJob> {
    await this.queue.add(job.type, job, eventJobOptions(this.config, job.id));
    return job;
  }

  /** Every job's data, in any state. */
  async jobs(): Promise<EventJob[]> {
    return (await this.queue.getJobs([...STATES])).map((job) => job.data);
  }

  /** Every job's id, in any state. */
  async jobIds(): Promise<Set<string>> {
    return new Set(await this.queue.getRanges([...STATES], 0, -1));
  }

  async close(): Promise<void> {
    await this.queue.obliterate({ force: true }).catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    const keys = await this.connection.keys(`${this.config.QUEUE_PREFIX}:*`).catch(() => []);
    if (keys.length > 0) await this.connection.del(...keys);
    this.connection.disconnect();
  }
}
