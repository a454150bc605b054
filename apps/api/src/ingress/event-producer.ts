import { setTimeout as sleep } from "node:timers/promises";
import {
  acknowledgedKey,
  bodyClaimKey,
  type Config,
  type EventJob,
  eventJobOptions,
  type RedisClient,
} from "@aiops/shared";
import type { Queue } from "bullmq";
import { withTimeout } from "../timeout.js";

export class QueueUnavailableError extends Error {
  override readonly name = "QueueUnavailableError";
}

/** How long an enqueue may take before the sender is told to retry (CONTRACT: 2 s). */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * How long a body claim stays pending without its job being queued: past it, a claimer
 * that died between claiming and queueing no longer holds the body.
 */
const PENDING_CLAIM_MS = 30_000;
/** How often a request waits for the first claimer of the same body to queue its job. */
const CLAIM_POLL_MS = 10;
const PENDING = "pending:";

/** The body's claim: nil when this call took it (as pending), else what it holds. */
const CLAIM = `local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], '${PENDING}' .. ARGV[1], 'PX', ARGV[2])
return false`;

/** The acknowledgement marker (1 when new), and the body's claim settled on this id. */
const ACKNOWLEDGE = `local first = redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3], 'NX')
local held = redis.call('GET', KEYS[2])
if not held or held == '${PENDING}' .. ARGV[1] then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3]) end
if first then return 1 end
return 0`;

/** Gives the body back when this id's job could not be queued. */
const RELEASE = `if redis.call('GET', KEYS[1]) == '${PENDING}' .. ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface Enqueued {
  /** The event's id: this job's, or for a body already claimed, the first event's. */
  id: string;
  duplicate: boolean;
}

/**
 * Puts verified events on the queue, exactly once per (source, provider event id), and for
 * sources whose event id is not signed, once per signed body too.
 *
 * The job id is the event's id, so BullMQ keeps one job however often a provider retries.
 * Whether this request is the first to be acknowledged is decided afterwards by `SET NX`
 * on a marker: the marker is written only once the job exists, so an event is never
 * answered "duplicate" unless it really is in the queue (or was processed from it).
 * The marker's key (`acknowledgedKey`) starts with QUEUE_PREFIX like the job's keys, so on
 * a Redis Cluster the job and its marker share the prefix's hash-tag slot.
 *
 *
 * A body claim (`bodyKey`) is taken before the job is queued, so of two deliveries of one
 * body under different ids only the first is queued. It reads `pending:<id>` until that
 * job exists, then `<id>`, written in the same script as the marker: a later delivery
 * answers "duplicate" with that id only once it is queued, and waits for it meanwhile.
 */
export class EventProducer {
  constructor(
    private readonly queue: Queue<EventJob>,
    private readonly redis: RedisClient,
    private readonly config: Config,
  ) {}

  /**
   * Resolves to the event's id and whether it was new; rejects with QueueUnavailableError
   * when Redis cannot take it. A job with a `bodyDigest` (its event id is not signed) is
   * identified by its body too.
   */
  async enqueue(job: EventJob): Promise<Enqueued> {
    const bodyKey = job.bodyDigest && bodyClaimKey(this.config, job.source, job.bodyDigest);
    const deadline = Date.now() + ENQUEUE_TIMEOUT_MS;
    const work = async (): Promise<Enqueued> => {
      if (bodyKey) {
        // The connection has no offline queue: wait for it the way queue.add does.
        await this.queue.waitUntilReady();
        const first = await this.claim(bodyKey, job.id, deadline);
        if (first !== job.id) return { id: first, duplicate: true };
      }
      try {
        await this.queue.add(job.type, job, eventJobOptions(this.config, job.id));
      } catch (error) {
        if (bodyKey) await this.redis.eval(RELEASE, 1, bodyKey, job.id).catch(() => undefined);
        throw error;
      }
      return { id: job.id, duplicate: !(await this.acknowledge(job, bodyKey)) };
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

  /** True when this request is the first to acknowledge the event. */
  private async acknowledge(job: EventJob, bodyKey: string | undefined): Promise<boolean> {
    const marker = acknowledgedKey(this.config, job.id);
    const window = this.config.DEDUPE_WINDOW_SECONDS;
    if (!bodyKey) return (await this.redis.set(marker, job.receivedAt, "EX", window, "NX")) !== null;
    return (await this.redis.eval(ACKNOWLEDGE, 2, marker, bodyKey, job.id, job.receivedAt, window)) === 1;
  }

  /**
   * The id the body belongs to: `id` when this call claimed it or it is already this id's
   * (a provider's retry), else the first id once that one's job is queued.
   */
  private async claim(bodyKey: string, id: string, deadline: number): Promise<string> {
    for (;;) {
      const held = (await this.redis.eval(CLAIM, 1, bodyKey, id, PENDING_CLAIM_MS)) as string | null;
      if (held === null) return id;
      if (!held.startsWith(PENDING)) return held;
      if (held.slice(PENDING.length) === id) return id;
      // Another id holds the body and is being queued right now: wait for its outcome.
      if (Date.now() >= deadline) throw new QueueUnavailableError("the first delivery of this body is not queued yet");
      await sleep(CLAIM_POLL_MS);
    }
  }
}
