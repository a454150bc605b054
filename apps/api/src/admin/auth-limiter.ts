import type { RedisClient } from "@aiops/shared";
import { RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

export interface AuthLimiterOptions {
  /** Redis key prefix; the queue prefix keeps platforms sharing one Redis apart. */
  keyPrefix: string;
  maxFailures: number;
  windowSeconds: number;
}

/**
 * Counts failed admin authentications per client address. The counts live in Redis, so the
 * limit holds across every API replica behind a load balancer; while Redis is unreachable
 * each process counts in its own memory instead, so admin access never depends on Redis.
 */
export class AuthFailureLimiter {
  private readonly limiter: RateLimiterRedis;
  private readonly maxFailures: number;

  constructor(redis: RedisClient, options: AuthLimiterOptions) {
    const limits = { points: options.maxFailures, duration: options.windowSeconds, keyPrefix: options.keyPrefix };
    this.maxFailures = options.maxFailures;
    this.limiter = new RateLimiterRedis({
      ...limits,
      storeClient: redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(limits),
    });
  }

  /** Milliseconds before this address may try again, or 0 when it may try now. */
  async retryAfterMs(address: string): Promise<number> {
    const state = await this.limiter.get(address);
    return state && state.consumedPoints >= this.maxFailures ? Math.max(state.msBeforeNext, 1) : 0;
  }

  async recordFailure(address: string): Promise<void> {
    await this.limiter.penalty(address, 1);
  }
}
