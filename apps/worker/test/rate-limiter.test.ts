import { uniquePrefix } from "@aiops/testing";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../src/ai/rate-limiter.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const connections = [new Redis(url), new Redis(url)];
afterAll(() => {
  for (const redis of connections) redis.disconnect();
});

describe("the fleet-wide AI rate limit", () => {
  it("lets two workers together send no more than the limit in any window", async () => {
    const key = `${uniquePrefix()}:ai-rate-limit`;
    // Two limiters on two connections: two worker processes sharing one Redis key.
    const limiters = connections.map((redis) => new RateLimiter(redis, key, 3, 1000));
    const start = Date.now();
    const granted = await Promise.all(
      Array.from({ length: 7 }, (_, i) => limiters[i % 2]!.acquire().then(() => Date.now() - start)),
    );
    granted.sort((a, b) => a - b);
    expect(granted.slice(0, 3).every((t) => t < 500)).toBe(true);
    for (let i = 3; i < granted.length; i++) expect(granted[i]! - granted[i - 3]!).toBeGreaterThanOrEqual(990);
    await connections[0]!.del(key);
  });
});
