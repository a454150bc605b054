import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { AuthFailureLimiter } from "./auth-limiter.js";

const options = () => ({ keyPrefix: `test-${randomBytes(4).toString("hex")}:auth`, maxFailures: 2, windowSeconds: 60 });

describe("AuthFailureLimiter", () => {
  const live = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  // Nothing listens there: every command fails at once, as during a Redis outage.
  const dead = new Redis("redis://127.0.0.1:9", {
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  dead.on("error", () => undefined);
  afterAll(() => {
    live.disconnect();
    dead.disconnect();
  });

  it("blocks an address after its failures, for what is left of the window, and no other address", async () => {
    await live.connect();
    const limiter = new AuthFailureLimiter(live, options());
    await limiter.recordFailure("192.0.2.1");
    expect(await limiter.retryAfterMs("192.0.2.1")).toBe(0);
    await limiter.recordFailure("192.0.2.1");
    const wait = await limiter.retryAfterMs("192.0.2.1");
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(await limiter.retryAfterMs("192.0.2.2")).toBe(0);
  });

  it("keeps counting in memory while Redis is unreachable", async () => {
    const limiter = new AuthFailureLimiter(dead, options());
    await limiter.recordFailure("192.0.2.1");
    await limiter.recordFailure("192.0.2.1");
    expect(await limiter.retryAfterMs("192.0.2.1")).toBeGreaterThan(0);
    expect(await limiter.retryAfterMs("192.0.2.2")).toBe(0);
  });
});
