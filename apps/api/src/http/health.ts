import express, { type Router } from "express";
import type { PrismaClient, RedisClient } from "@aiops/shared";
import type { Registry } from "prom-client";
import { withTimeout } from "../timeout.js";

const CHECK_TIMEOUT_MS = 1_000;

async function check(probe: () => Promise<unknown>): Promise<"ok" | string> {
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS, () => new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`));
    return "ok";
  } catch (error) {
    return (error as Error).message;
  }
}

export function healthRouter(deps: { redis: RedisClient; db: PrismaClient; registry: Registry }): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const [redis, postgres] = await Promise.all([
      check(() => deps.redis.ping()),
      check(() => deps.db.$queryRaw`SELECT 1`),
    ]);
    const ready = redis === "ok" && postgres === "ok";
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", redis, postgres });
  });
  // Unauthenticated like most Prometheus targets: it holds counts, never payloads or secrets.
  router.get("/metrics", async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  return router;
}
