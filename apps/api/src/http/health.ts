import type { Logger, PrismaClient, RedisClient } from "@aiops/shared";
import express, { type Router } from "express";
import { withTimeout } from "../timeout.js";

const CHECK_TIMEOUT_MS = 1_000;

type Check = "ok" | "failing";

/** Whether a dependency answers; why it does not goes to the log, never to the caller. */
async function check(name: string, probe: () => Promise<unknown>, logger: Logger): Promise<Check> {
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS, () => new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`));
    return "ok";
  } catch (error) {
    logger.warn({ err: error, dependency: name }, "readiness check failed");
    return "failing";
  }
}

/**
 * Liveness and readiness, without authentication (load balancers and orchestrators call
 * them). Readiness names each dependency ok or failing and nothing more: a driver's error
 * names internal hosts and ports.
 */
export function healthRouter(deps: { redis: RedisClient; db: PrismaClient; logger: Logger }): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const [redis, postgres] = await Promise.all([
      check("redis", () => deps.redis.ping(), deps.logger),
      check("postgres", () => deps.db.$queryRaw`SELECT 1`, deps.logger),
    ]);
    const ready = redis === "ok" && postgres === "ok";
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", redis, postgres });
  });
  return router;
}
