import { createServer, type Server } from "node:http";
import {
  type Config,
  createDatabase,
  createEventsQueue,
  createProducerConnection,
  DRAFTS_QUEUE,
  type DraftJob,
  type Logger,
  loadSources,
  MAINTENANCE_QUEUE,
  type PrismaClient,
  redisKey,
} from "@aiops/shared";
import { Queue } from "bullmq";
import type { Express } from "express";
import { adminSite } from "./admin/admin-site.js";
import { adminAuth } from "./admin/auth.js";
import { AuthFailureLimiter } from "./admin/auth-limiter.js";
import { DraftDesk } from "./admin/draft-desk.js";
import { createApp } from "./app.js";
import { healthRouter } from "./http/health.js";
import { metricsRouter } from "./http/metrics-route.js";
import { EventProducer } from "./ingress/event-producer.js";
import { Ingress } from "./ingress/ingress.js";
import { metaHandshakeRouter } from "./ingress/meta-handshake.js";
import { webhookHttpHandler } from "./ingress/webhook-http.js";
import { IngressMetrics } from "./metrics.js";
import { type EventCount, eventCountsQuery, registerQueueMetrics } from "./queue-metrics.js";
import { slackInteractionsRouter } from "./slack/interactions.js";

export interface Api {
  app: Express;
  db: PrismaClient;
  metrics: IngressMetrics;
  /** Starts listening; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Starts the private metrics listener (API_METRICS_PORT): /metrics, /healthz and /readyz
   * without the admin token. Resolves with the bound port.
   */
  listenMetrics(port: number, host?: string): Promise<number>;
  /** Stops accepting, lets requests in flight finish, then closes Redis and Postgres. Idempotent. */
  close(): Promise<void>;
}

export interface ApiOptions {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Fresh counters per instance (tests); the process's main API also collects Node.js metrics. */
  metrics?: IngressMetrics;
  /** Counts events by status and source for the `aiops_events` gauge; tests wrap it to count queries. */
  eventCounts?: (db: PrismaClient) => () => Promise<EventCount[]>;
}

export function createApi(config: Config, options: ApiOptions): Api {
  const logger = options.logger;
  const sources = loadSources(config, options.env ?? process.env);
  const redis = createProducerConnection(config);
  redis.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
  const queue = createEventsQueue(config, redis);
  queue.on("error", (error) => logger.warn({ err: error }, "queue error"));
  // Only read here (Bull Board, metrics); the worker fleet schedules and runs its jobs.
  const maintenance = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix: config.QUEUE_PREFIX });
  maintenance.on("error", (error) => logger.warn({ err: error }, "maintenance queue error"));
  const draftsQueue = new Queue<DraftJob>(DRAFTS_QUEUE, { connection: redis, prefix: config.QUEUE_PREFIX });
  draftsQueue.on("error", (error) => logger.warn({ err: error }, "drafts queue error"));
  const database = createDatabase(config.DATABASE_URL);
  const db = database.prisma;
  const drafts = new DraftDesk({ db, queue: draftsQueue, config, logger: logger.child({ component: "drafts" }) });
  const metrics = options.metrics ?? new IngressMetrics();
  registerQueueMetrics(metrics.registry, {
    queues: [queue, draftsQueue, maintenance],
    eventCounts: (options.eventCounts ?? eventCountsQuery)(db),
    logger: logger.child({ component: "metrics" }),
  });
  const auth = adminAuth(
    config.ADMIN_TOKEN,
    new AuthFailureLimiter(redis, {
      keyPrefix: redisKey(config, "admin-auth-failures"),
      maxFailures: config.ADMIN_AUTH_MAX_FAILURES,
      windowSeconds: config.ADMIN_AUTH_WINDOW_SECONDS,
    }),
  );
  const health = healthRouter({ redis, db, logger: logger.child({ component: "health" }) });

  const ingress = new Ingress({
    producer: new EventProducer(queue, redis, config),
    logger: logger.child({ component: "ingress" }),
    metrics,
    toleranceSeconds: config.SIGNATURE_TOLERANCE_SECONDS,
  });
  const app = createApp(
    [
      health,
      // The public port faces the internet for webhooks: its metrics need the admin token.
      metricsRouter(metrics.registry, [auth]),
      metaHandshakeRouter(config.META_VERIFY_TOKEN),
      slackInteractionsRouter({ config, drafts, logger: logger.child({ component: "slack-interactions" }) }),
      adminSite({
        config,
        db,
        queue,
        drafts,
        draftsQueue,
        otherQueues: [maintenance],
        logger: logger.child({ component: "admin" }),
        auth,
      }),
    ],
    logger,
    { trustProxy: config.TRUST_PROXY },
  );
  const metricsApp = createApp([health, metricsRouter(metrics.registry)], logger);
  const webhook = webhookHttpHandler({ ingress, sources, metrics, maxBodyBytes: config.MAX_BODY_BYTES, logger });

  let server: Server | undefined;
  let metricsServer: Server | undefined;
  let closing: Promise<void> | undefined;

  return {
    app,
    db,
    metrics,
    listen(port, host) {
      // Slow or stalled senders cannot hold a connection for long. Node.js checks these
      // timeouts only every connectionsCheckingInterval (30 s by default), which let a
      // slowloris client hold a connection for up to 40 s instead of 10.
      const timeouts = {
        headersTimeout: config.HTTP_HEADERS_TIMEOUT_MS,
        requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
        connectionsCheckingInterval: Math.min(1_000, config.HTTP_HEADERS_TIMEOUT_MS),
      };
      server = createServer(timeouts, (req, res) => {
        if (!webhook(req, res)) app(req, res);
      });
      server.keepAliveTimeout = 5_000;
      return bind(server, port, host);
    },
    listenMetrics(port, host) {
      metricsServer = createServer(metricsApp);
      return bind(metricsServer, port, host);
    },
    close() {
      closing ??= (async () => {
        await Promise.all([server, metricsServer].map((each) => (each ? drain(each) : undefined)));
        await queue.close().catch(() => undefined);
        await maintenance.close().catch(() => undefined);
        await draftsQueue.close().catch(() => undefined);
        redis.disconnect();
        await database.close();
      })();
      return closing;
    },
  };
}

function bind(server: Server, port: number, host = "0.0.0.0"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

async function drain(server: Server): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection turns idle when its last response is sent; closing idle ones
  // until the server stops ends each right after its request is drained, instead of
  // waiting out keepAliveTimeout.
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  await stopped.finally(() => clearInterval(sweeper));
}
