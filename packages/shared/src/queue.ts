import { type ConnectionOptions, type JobsOptions, Queue } from "bullmq";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { z } from "zod";
import type { Config } from "./config.js";
import { AppError } from "./errors.js";
import { bodyDigest, eventRecordId } from "./event-id.js";
import type { ParsedRequest, SourceDefinition } from "./providers/types.js";

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

/** The longest provider event id a delivery may carry. */
export const MAX_EVENT_ID_LENGTH = 512;

/**
 * The job for a delivery whose signature `source` verified: the only place an event job is
 * built, by the ingress and by the test suites alike. Its id names the provider event
 * (`eventRecordId`), so every retry of the provider lands on the same job; when the source
 * does not sign its event id, the signed body's digest goes with it. Throws `invalid_payload`
 * when the delivery carries no usable event id.
 */
export function eventJobFor(source: SourceDefinition, request: ParsedRequest, receivedAt: number): EventJob {
  const providerEventId = source.eventId(request);
  if (!providerEventId || providerEventId.length > MAX_EVENT_ID_LENGTH)
    throw new AppError("invalid_payload", "the event carries no usable event id");
  const { type, providerType } = source.classify(request);
  return {
    id: eventRecordId(source.name, providerEventId),
    source: source.name,
    providerEventId,
    providerType,
    type,
    receivedAt: new Date(receivedAt).toISOString(),
    payload: request.body,
    // An unsigned event id (or type) proves nothing: the signed body is what identifies the event.
    ...(source.eventIdSigned ? {} : { bodyDigest: bodyDigest(request.rawBody) }),
  };
}

/** Retry and retention policy of an event job, from the configuration; `id` is the job's id (`EventJob.id`). */
export function eventJobOptions(config: Config, id: string): JobsOptions {
  return {
    jobId: id,
    attempts: config.JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: config.JOB_BACKOFF_MS, jitter: 0.5 },
    removeOnComplete: { age: config.COMPLETED_JOB_TTL_SECONDS, count: config.COMPLETED_JOB_MAX_COUNT },
    removeOnFail: { age: config.FAILED_JOB_TTL_SECONDS },
  };
}

/** A single Redis or a Redis Cluster (REDIS_CLUSTER_NODES): BullMQ and the platform take either. */
export type RedisClient = Redis | Cluster;

/**
 * A connection for producers (the API): commands fail at once while Redis is away instead
 * of waiting in an offline queue, so a request is never acknowledged on a promise.
 * (Auto-pipelining was measured slower on the ingest benchmark, so it stays off.)
 */
export function createProducerConnection(config: Config, extra: RedisOptions = {}): RedisClient {
  return connectRedis(config, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...extra,
  });
}

/** A connection for workers: blocking commands must not time out (BullMQ's production guide). */
export function createWorkerConnection(config: Config, extra: RedisOptions = {}): RedisClient {
  return connectRedis(config, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 500, 5_000),
    ...extra,
  });
}

/**
 * REDIS_URL's Redis, or with REDIS_CLUSTER_NODES a Cluster over those nodes with the same
 * options: the offline queue and reconnection are the cluster's, the rest applies to each
 * node's connection, which also takes REDIS_URL's credentials and TLS (`rediss:`).
 */
function connectRedis(config: Config, options: RedisOptions): RedisClient {
  if (config.REDIS_CLUSTER_NODES.length === 0) return new Redis(config.REDIS_URL, options);
  const { enableOfflineQueue, retryStrategy, ...nodeOptions } = options;
  const url = new URL(config.REDIS_URL);
  const tls = url.protocol === "rediss:";
  const clusterOptions: ClusterOptions = {
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy && ((times) => retryStrategy(times)),
    // Managed clusters announce node addresses their TLS certificates name: keep them as given.
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    redisOptions: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(tls ? { tls: {} } : {}),
      ...nodeOptions,
    },
  };
  return new Cluster(config.REDIS_CLUSTER_NODES, clusterOptions);
}

export function createEventsQueue(config: Config, connection: ConnectionOptions): Queue<EventJob> {
  return new Queue<EventJob>(EVENTS_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
}

/**
 * The name of every Redis key the platform writes outside BullMQ's queues. Starting with
 * QUEUE_PREFIX, it carries the prefix's hash tag: in a cluster it shares the queues' slot,
 * so a key and a queue's keys can be used together.
 */
export function redisKey(config: Pick<Config, "QUEUE_PREFIX">, ...parts: string[]): string {
  return [config.QUEUE_PREFIX, ...parts].join(":");
}

/** Redis key remembering that an event was acknowledged (see the ingress's enqueue). */
export function acknowledgedKey(config: Pick<Config, "QUEUE_PREFIX">, id: string): string {
  return redisKey(config, "ack", id);
}

/**
 * Redis key claiming a signed body for the first event id that carried it, for sources
 * whose event id is not signed. Same prefix as the markers and the queue, so a hash-tagged
 * prefix keeps them all in one Redis Cluster slot.
 */
export function bodyClaimKey(config: Pick<Config, "QUEUE_PREFIX">, source: string, bodyDigest: string): string {
  return redisKey(config, "ack", "body", source, bodyDigest);
}
