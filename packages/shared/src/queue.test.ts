import { Cluster, Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";
import { AppError } from "./errors.js";
import { bodyDigest, eventRecordId } from "./event-id.js";
import { githubSource } from "./providers/github/provider.js";
import { stripeSource } from "./providers/stripe/provider.js";
import {
  acknowledgedKey,
  createProducerConnection,
  createWorkerConnection,
  eventJobFor,
  eventJobSchema,
  MAX_EVENT_ID_LENGTH,
  type RedisClient,
  redisKey,
} from "./queue.js";

const opened: RedisClient[] = [];
afterEach(() => {
  for (const client of opened.splice(0)) client.disconnect();
});
function open(client: RedisClient): RedisClient {
  opened.push(client);
  return client;
}

describe("Redis connections", () => {
  // Nothing listens on these ports: the tests look at the options, not at a server.
  const cluster = parseConfig({
    REDIS_CLUSTER_NODES: "127.0.0.1:1,127.0.0.1:2",
    QUEUE_PREFIX: "{aiops}",
    REDIS_URL: "redis://ops:p%40ss@ignored:6379",
  });

  it("connect to REDIS_URL's single Redis unless REDIS_CLUSTER_NODES is set", () => {
    const single = parseConfig({ REDIS_URL: "redis://127.0.0.1:1" });
    expect(open(createProducerConnection(single, { lazyConnect: true }))).toBeInstanceOf(Redis);
    expect(open(createWorkerConnection(single, { lazyConnect: true }))).toBeInstanceOf(Redis);
  });

  it("on a cluster, the producer fails fast and the worker never times out a blocking command", () => {
    const producer = open(createProducerConnection(cluster, { lazyConnect: true }));
    const worker = open(createWorkerConnection(cluster, { lazyConnect: true }));
    expect(producer).toBeInstanceOf(Cluster);
    expect(worker).toBeInstanceOf(Cluster);
    const producerOptions = (producer as Cluster).options;
    expect(producerOptions.enableOfflineQueue).toBe(false);
    expect(producerOptions.redisOptions).toMatchObject({ maxRetriesPerRequest: 1, username: "ops", password: "p@ss" });
    expect((worker as Cluster).options.redisOptions).toMatchObject({
      maxRetriesPerRequest: null,
      username: "ops",
      password: "p@ss",
    });
  });

  it("names every key outside BullMQ from QUEUE_PREFIX, so it carries the prefix's hash tag", () => {
    expect(acknowledgedKey(cluster, "evt_1")).toBe("{aiops}:ack:evt_1");
    expect(redisKey(cluster, "ai-rate-limit")).toBe("{aiops}:ai-rate-limit");
  });
});

describe("eventJobFor", () => {
  const delivery = (body: unknown, headers: Record<string, string> = {}) => ({
    headers: { "content-type": "application/json", ...headers },
    rawBody: Buffer.from(JSON.stringify(body)),
    body,
  });
  const receivedAt = Date.parse("2026-01-02T03:04:05.000Z");

  it("names the job after the source and the provider's event id, so a provider's retry is the same job", () => {
    const body = stripeSource.sample(1, receivedAt).body as { id: string; type: string };
    const job = eventJobFor(stripeSource, delivery(body), receivedAt);
    expect(eventJobSchema.parse(job)).toEqual(job);
    expect(job).toEqual({
      id: eventRecordId("payment", body.id),
      source: "payment",
      providerEventId: body.id,
      providerType: body.type,
      type: "payment",
      receivedAt: "2026-01-02T03:04:05.000Z",
      payload: body,
    });
    expect(eventJobFor(stripeSource, delivery(body), receivedAt + 60_000).id).toBe(job.id);
  });

  it("carries the signed body's digest when the source does not sign its event id", () => {
    const sample = githubSource.sample(2, receivedAt);
    const request = delivery(sample.body, sample.headers);
    const job = eventJobFor(githubSource, request, receivedAt);
    expect(job.providerEventId).toBe(sample.headers?.["x-github-delivery"]);
    expect(job.bodyDigest).toBe(bodyDigest(request.rawBody));
  });

  it("refuses a delivery without a usable event id", () => {
    const sample = githubSource.sample(3, receivedAt);
    const { "x-github-delivery": _, ...noId } = sample.headers ?? {};
    expect(() => eventJobFor(githubSource, delivery(sample.body, noId), receivedAt)).toThrow(AppError);
    const tooLong = { ...sample.headers, "x-github-delivery": "x".repeat(MAX_EVENT_ID_LENGTH + 1) };
    expect(() => eventJobFor(githubSource, delivery(sample.body, tooLong), receivedAt)).toThrow(
      "the event carries no usable event id",
    );
  });
});
