import { Cluster, Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";
import {
  acknowledgedKey,
  createProducerConnection,
  createWorkerConnection,
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
