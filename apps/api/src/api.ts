import { createServer, type Server } from "node:http";
import type { Express } from "express";
import {
  createDatabase,
  createEventsQueue,
  createProducerConnection,
  loadSources,
  type Config,
  type Logger,
  type PrismaClient,
} from "@aiops/shared";
import { createApp } from "./app.js";
import { healthRouter } from "./http/health.js";
import { EventProducer } from "./ingress/event-producer.js";
import { Ingress } from "./ingress/ingress.js";
import { metaHandshakeRouter } from "./ingress/meta-handshake.js";
import { webhookHttpHandler } from "./ingress/webhook-http.js";
import { IngressMetrics } from "./metrics.js";

export interface Api {
  app: Express;
  db: PrismaClient;
  metrics: IngressMetrics;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets requests in flight finish, then closes Redis and Postgres. Idempotent. */
  close(): Promise<void>;
}

export interface ApiOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Fresh counters per instance (tests); the process's main API also collects Node.js metrics. */
  metrics?: IngressMetrics;
}

export function createApi(config: Config, options: ApiOptions): Api {
  const logger = options.logger;
  const sources = loadSources(config, options.env ?? process.env);
  const redis = createProducerConnection(config);
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
  const queue = createEventsQueue(config, redis);
  queue.on("error", (error) => logger.warn({ err: error }, "queue error"));
  const db = createDatabase(config.DATABASE_URL);
  const metrics = options.metrics ?? new IngressMetrics();

  const ingress = new Ingress({
    producer: new EventProducer(queue, redis, config),
    logger: logger.child({ component: "ingress" }),
    metrics,
    toleranceSeconds: config.SIGNATURE_TOLERANCE_SECONDS,
  });
  const app = createApp(
    [
      healthRouter({ redis, db, registry: metrics.registry }),
      metaHandshakeRouter(config.META_VERIFY_TOKEN),
    ],
    logger,
  );
  const webhook = webhookHttpHandler({ ingress, sources, metrics, maxBodyBytes: config.MAX_BODY_BYTES, logger });

  let server: Server | undefined;
  let closing: Promise<void> | undefined;

  return {
    app,
    db,
    metrics,
    listen(port, host) {
      server = createServer((req, res) => {
        if (!webhook(req, res)) app(req, res);
      });
      // Slow or stalled senders cannot hold a connection for long.
      server.headersTimeout = 10_000;
      server.requestTimeout = 30_000;
      server.keepAliveTimeout = 5_000;
      return new Promise((resolve, reject) => {
        server!.once("error", reject);
        server!.listen(port, host ?? "0.0.0.0", () => {
          const address = server!.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        if (server) {
          const stopped = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          await stopped;
        }
        await queue.close().catch(() => undefined);
        redis.disconnect();
        await db.$disconnect();
      })();
      return closing;
    },
  };
}
