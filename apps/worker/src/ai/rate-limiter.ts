import { randomUUID } from "node:crypto";
import type { RedisClient } from "@aiops/shared";

/**
 * A sliding-window log in Redis: at most `limit` requests in any window, across every worker
 * that shares the key. Redis's clock decides, so workers on different hosts agree.
 * Returns 0 when the request may go now, else the milliseconds until a slot frees.
 */
const ACQUIRE = `
local key, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

/** The fleet-wide AI request limit (AI_RATE_LIMIT_RPM). */
export class RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Waits until a request may be sent, then counts it. */
  async acquire(): Promise<void> {
    for (;;) {
      const wait = Number(await this.redis.eval(ACQUIRE, 1, this.key, this.windowMs, this.limit, randomUUID()));
      if (wait <= 0) return;
      // Waiters wake spread out a little, so they do not all ask Redis in the same millisecond.
      await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * 25));
    }
  }
}
