import express, { type RequestHandler, type Router } from "express";
import type { Registry } from "prom-client";

/**
 * Prometheus text at /metrics, behind `guards`: the admin token on the public port, nothing
 * on the private metrics port (API_METRICS_PORT).
 */
export function metricsRouter(registry: Registry, guards: RequestHandler[] = []): Router {
  const router = express.Router();
  router.get("/metrics", ...guards, async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
