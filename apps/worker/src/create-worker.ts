import {
  type DraftChannel as ChannelName,
  type Config,
  createDatabase,
  createWorkerConnection,
  type Database,
  DRAFTS_QUEUE,
  type DraftJob,
  type RedisClient,
  redisKey,
  type Sql,
} from "@aiops/shared";
import { Queue } from "bullmq";
import type { Logger } from "pino";
import { AiCache } from "./ai/ai-cache.js";
import { AiService } from "./ai/ai-service.js";
import { DailyBudget } from "./ai/daily-budget.js";
import { OpenAiProvider, openAiOptionsFrom } from "./ai/openai-provider.js";
import type { AiProvider } from "./ai/provider.js";
import { RateLimiter } from "./ai/rate-limiter.js";
import { RulesProvider } from "./ai/rules-provider.js";
import type { Connector } from "./connectors/connector.js";
import { request } from "./connectors/http-client.js";
import { MetaGraph } from "./connectors/meta-graph.js";
import { enabledConnectors, writeBackApis } from "./connectors/registry.js";
import { Crm } from "./crm/crm.js";
import type { DraftChannel } from "./drafts/channels/channel.js";
import { EmailChannel } from "./drafts/channels/email-channel.js";
import { GitHubReplyChannel } from "./drafts/channels/github-channel.js";
import { SlackReplyChannel } from "./drafts/channels/slack-channel.js";
import { ZendeskReplyChannel } from "./drafts/channels/zendesk-channel.js";
import { DraftDispatch } from "./drafts/draft-dispatch.js";
import { DraftSender } from "./drafts/draft-sender.js";
import { EventProcessor } from "./events/event-processor.js";
import { FleetWorker } from "./fleet-worker.js";
import { WorkerMetrics } from "./metrics.js";
import { MetricsServer } from "./metrics-server.js";

export interface WorkerOptions {
  logger: Logger;
  /** Shared with the caller (then not closed by the worker); one is created otherwise. */
  database?: Database;
  metrics?: WorkerMetrics;
  /** Replaces the configured provider (tests). */
  provider?: AiProvider;
  /** Replaces the built-in CRM (tests that make it fail). */
  crm?: Crm;
  connectors?: Connector[];
  /** Serve this process's metrics endpoint (default). Off for a supervisor's children: it serves theirs. */
  serveMetrics?: boolean;
  /** The supervisor slot labelling this process's metrics; "0" when it runs alone. */
  slot?: string;
  /** How old today's stored AI spend may get before it is read again (tests: 0, every step). */
  aiBudgetRefreshMs?: number;
}

function aiProvider(config: Config, limiter: RateLimiter | undefined, logger: Logger): AiProvider {
  if (!config.OPENAI_API_KEY) return new RulesProvider();
  return new OpenAiProvider(
    openAiOptionsFrom(config, {
      apiKey: config.OPENAI_API_KEY,
      beforeRequest: limiter && (() => limiter.acquire()),
      logger: logger.child({ component: "openai" }),
    }),
  );
}

/** The channels approved drafts can be sent through: those whose variables are set. */
function draftChannels(config: Config): { channels: Partial<Record<ChannelName, DraftChannel>>; email?: EmailChannel } {
  const apis = writeBackApis(config);
  const email =
    config.SMTP_URL && config.MAIL_FROM
      ? new EmailChannel({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.CONNECTOR_TIMEOUT_MS })
      : undefined;
  return {
    channels: {
      ...(apis.zendesk ? { zendesk: new ZendeskReplyChannel(apis.zendesk) } : {}),
      ...(apis.github ? { github: new GitHubReplyChannel(apis.github) } : {}),
      ...(apis.slack ? { slack: new SlackReplyChannel(apis.slack) } : {}),
      ...(email ? { email } : {}),
    },
    ...(email ? { email } : {}),
  };
}

/** `AI_DAILY_BUDGET_USD`, told once a day through `SLACK_NOTIFY_WEBHOOK_URL` when set. */
function dailyBudget(
  config: Config,
  limitUsd: number,
  sql: Sql,
  redis: RedisClient,
  logger: Logger,
  refreshMs?: number,
): DailyBudget {
  const webhookUrl = config.SLACK_NOTIFY_WEBHOOK_URL;
  return new DailyBudget({
    limitUsd,
    sql,
    redis,
    notifiedKey: (day) => redisKey(config, "ai-budget-notified", day),
    notify: async (text) => {
      if (webhookUrl) await request("slack", webhookUrl, { body: { text }, timeoutMs: config.CONNECTOR_TIMEOUT_MS });
    },
    refreshMs,
    logger: logger.child({ component: "ai-budget" }),
  });
}

/** Builds a worker from the configuration; `start()` it, `close()` it. Nothing connects before start. */
export function createWorker(config: Config, options: WorkerOptions): FleetWorker {
  const logger = options.logger.child({ component: "worker" });
  const database =
    options.database ??
    createDatabase(config.DATABASE_URL, {
      poolSize: Math.min(50, config.WORKER_CONCURRENCY + 5),
      batchStatements: config.WORKER_DB_BATCH,
    });
  const metrics = options.metrics ?? new WorkerMetrics();
  const redis: RedisClient[] = [];
  let limiter: RateLimiter | undefined;
  if (config.AI_RATE_LIMIT_RPM > 0) {
    const limiterRedis = createWorkerConnection(config);
    redis.push(limiterRedis);
    limiter = new RateLimiter(limiterRedis, redisKey(config, "ai-rate-limit"), config.AI_RATE_LIMIT_RPM);
  }
  const provider = options.provider ?? aiProvider(config, limiter, logger);
  let budget: DailyBudget | undefined;
  if (config.AI_DAILY_BUDGET_USD !== undefined && provider.remote) {
    const budgetRedis = createWorkerConnection(config);
    redis.push(budgetRedis);
    budget = dailyBudget(
      config,
      config.AI_DAILY_BUDGET_USD,
      database.sql,
      budgetRedis,
      logger,
      options.aiBudgetRefreshMs,
    );
  }
  const ai = new AiService({
    provider,
    cache: config.AI_CACHE ? new AiCache(database.sql) : undefined,
    metrics,
    prices: { prompt: config.AI_PRICE_PROMPT_PER_MTOK, completion: config.AI_PRICE_COMPLETION_PER_MTOK },
    redactPii: config.AI_REDACT_PII,
    budget,
    offline: new RulesProvider(),
    logger,
  });
  const connection = createWorkerConnection(config);
  connection.on("error", (error) => logger.warn({ err: error }, "redis connection error"));
  const draftsQueue = new Queue<DraftJob>(DRAFTS_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
  draftsQueue.on("error", (error) => logger.warn({ err: error }, "drafts queue error"));
  const { channels, email } = draftChannels(config);
  const processor = new EventProcessor({
    sql: database.sql,
    ai,
    crm: options.crm ?? new Crm(),
    connectors: options.connectors ?? enabledConnectors(config),
    meta: new MetaGraph({
      accessToken: config.META_PAGE_ACCESS_TOKEN,
      baseUrl: config.META_GRAPH_URL,
      timeoutMs: config.CONNECTOR_TIMEOUT_MS,
    }),
    drafts: new DraftDispatch(config, draftsQueue),
    metrics,
    logger,
  });
  logger.info({ provider: provider.name, model: provider.model }, "AI provider");
  return new FleetWorker({
    config,
    processor,
    drafts: {
      sender: new DraftSender({ db: database.prisma, channels, logger: logger.child({ component: "drafts" }) }),
      queue: draftsQueue,
      close: () => email?.close(),
    },
    connection,
    redis,
    database,
    ownsDatabase: !options.database,
    metricsServer:
      config.WORKER_METRICS_PORT !== 0 && options.serveMetrics !== false
        ? new MetricsServer(metrics.registry)
        : undefined,
    metricsPort: config.WORKER_METRICS_PORT,
    metrics,
    slot: options.slot ?? "0",
    logger,
  });
}
