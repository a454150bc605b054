import type { Queue } from "bullmq";
import { acknowledgedKey, eventJobOptions, type Config, type EventJob, type RedisClient } from "@aiops/shared";
import { withTimeout } from "../timeout.js";

export class QueueUnavailableError extends Error {
  override readonly name = "QueueUnavailableError";
}

/** How long an enqueue may take before the sender is told to retry (CONTRACT: 2 s). */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Puts verified events on the queue, exactly once per (source, provider event id).
 *
 * The job id is the event's id, so BullMQ keeps one job however often a provider retries.
 * Whether this request is the first to be acknowledged is decided afterwards by `SET NX`
 * on a marker: the marker is written only once the job exists, so an event is never
 * answered "duplicate" unless it really is in the queue (or was processed from it).
 * The marker's key (`acknowledgedKey`) starts with QUEUE_PREFIX like the job's keys, so on
 * a Redis Cluster the job and its marker share the prefix's hash-tag slot.
 */
export class EventProducer {
  constructor(
    private readonly queue: Queue<EventJob>,
    private readonly redis: RedisClient,
    private readonly config: Config,
  ) {}

  /** Resolves to whether the event was new; rejects with QueueUnavailableError when Redis cannot take it. */
  async enqueue(job: EventJob): Promise<{ duplicate: boolean }> {
    const work = async () => {
      await this.queue.add(job.type, job, eventJobOptions(this.config, job.id));
      const first = await this.redis.set(
        acknowledgedKey(this.config, job.id),
        job.receivedAt,
        "EX",
        this.config.DEDUPE_WINDOW_SECONDS,
        "NX",
      );
      return { duplicate: first === null };
    };
    try {
      return await withTimeout(
        work(),
        ENQUEUE_TIMEOUT_MS,
        () => new QueueUnavailableError(`Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`),
      );
    } catch (error) {
      if (error instanceof QueueUnavailableError) throw error;
      throw new QueueUnavailableError(`Redis refused the event: ${(error as Error).message}`, { cause: error });
    }
  }
}
