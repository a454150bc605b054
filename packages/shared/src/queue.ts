import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import type { Config } from "./config.js";

export const eventTypes = ["lead", "ticket", "payment", "ignored"] as const;
export const eventTypeSchema = z.enum(eventTypes);
export type EventType = z.infer<typeof eventTypeSchema>;

/** The one queue every source feeds; the job name is the event type. */
export const EVENTS_QUEUE = "events";

/** Housekeeping (payload retention), scheduled once for the whole worker fleet. */
export const MAINTENANCE_QUEUE = "maintenance";

/** What the ingress enqueues and the worker consumes: one schema, so the two cannot drift. */
export const eventJobSchema = z.object({
  id: z.string().startsWith("evt_"),
  source: z.string(),
  providerEventId: z.string(),
  providerType: z.string().nullable(),
  type: eventTypeSchema,
  receivedAt: z.iso.datetime(),
  payload: z.unknown(),
  /** SHA-256 of the signed body, when the source's event id is not signed: see the ingress. */
  bodyDigest: z.string().optional(),
});
export type EventJob = z.infer<typeof eventJobSchema>;

/** Retry and retention policy of an event job, from the configuration. */
export function eventJobOptions(config: Config, id: string): JobsOptions {
  return {
    jobId: id,
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: config.JOB_BACKOFF_MS, jitter: 0.5 },
    removeOnComplete: { age: config.COMPLETED_JOB_TTL_SECONDS, count: config.COMPLETED_JOB_MAX_COUNT },
    removeOnFail: { age: config.FAILED_JOB_TTL_SECONDS },
  };
}

/**
 * A connection for producers (the API): commands fail at once while Redis is away instead
 * of waiting in an offline queue, so a request is never acknowledged on a promise.
 * (Auto-pipelining was measured slower on the ingest benchmark, so it stays off.)
 */
export function createProducerConnection(config: Config, extra: RedisOptions = {}): Redis {
  return new Redis(config.REDIS_URL, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...extra,
  });
}

/** A connection for workers: blocking commands must not time out (BullMQ's production guide). */
export function createWorkerConnection(config: Config, extra: RedisOptions = {}): Redis {
  return new Redis(config.REDIS_URL, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
    ...extra,
  });
}

export function createEventsQueue(config: Config, connection: ConnectionOptions): Queue<EventJob> {
  return new Queue<EventJob>(EVENTS_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
}

/** Redis key remembering that an event was acknowledged (see the ingress's enqueue). */
export function acknowledgedKey(config: Config, id: string): string {
  return `${config.QUEUE_PREFIX}:ack:${id}`;
}

/**
 * Redis key claiming a signed body for the first event id that carried it, for sources
 * whose event id is not signed. Same prefix as the markers and the queue, so a hash-tagged
 * prefix keeps them all in one Redis Cluster slot.
 */
export function bodyClaimKey(config: Config, source: string, bodyDigest: string): string {
  return `${config.QUEUE_PREFIX}:ack:body:${source}:${bodyDigest}`;
}
