import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import {
  DEFAULT_SECRET_MIN_LENGTH,
  minLengthProblem,
  SECRET_MIN_LENGTH,
  secretListProblem,
  standardWebhooksSecretProblem,
} from "./secret-rules.js";

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));
const optionalUrl = optionalText.pipe(z.url().optional());
const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((value) => ["true", "1", "yes", "on"].includes(value));
/** Proxies whose X-Forwarded-For is believed: a hop count, or addresses, subnets and Express's names. */
const proxyEntry = z.union([
  z.enum(["loopback", "linklocal", "uniquelocal"]),
  z.ipv4(),
  z.ipv6(),
  z.cidrv4(),
  z.cidrv6(),
]);
const trustProxy = optionalText.transform((value, ctx): number | string[] | undefined => {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const bad = entries.find((entry) => !proxyEntry.safeParse(entry).success);
  if (bad === undefined && entries.length > 0) return entries;
  ctx.addIssue({
    code: "custom",
    message: `"${bad ?? value}" is neither a hop count nor a proxy address, subnet, loopback, linklocal or uniquelocal ("true" is refused: any client could then choose its address)`,
  });
  return z.NEVER;
});
/** A comma-separated list of secrets; every one is accepted, so a secret can be rotated. */
const secretList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((secret) => secret.trim())
      .filter((secret) => secret.length > 0),
  );

/** `type:kind` pairs (`lead:hot`, `payment:*`): the kinds of draft sent without review. */
const autoSend = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const kinds: string[] = [];
    for (const entry of (value ?? "")
      .split(",")
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean)) {
      if (!/^(lead|ticket|payment):([a-z-]+|\*)$/.test(entry)) {
        ctx.addIssue({
          code: "custom",
          message: `"${entry}" is not lead:<category>, ticket:<priority>, payment:<status> or <type>:*`,
        });
        continue;
      }
      kinds.push(entry);
    }
    return kinds;
  });

/** Whether AUTO_SEND names a draft's kind (`type:kind`, or `type:*`). */
export function autoSends(config: Pick<Config, "AUTO_SEND">, type: string, kind: string): boolean {
  return config.AUTO_SEND.includes(`${type}:${kind}`) || config.AUTO_SEND.includes(`${type}:*`);
}

/** `host:port,host:port,…`, parsed into the seed nodes ioredis's Cluster starts from. */
const clusterNodes = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const nodes: Array<{ host: string; port: number }> = [];
    for (const entry of (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)) {
      const match = /^(.+):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (!match || port < 1 || port > 65535) {
        ctx.addIssue({ code: "custom", message: `"${entry}" is not host:port` });
        continue;
      }
      nodes.push({ host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port });
    }
    return nodes;
  });

/**
 * The hash tag Redis Cluster hashes a key by: the text between the first `{` and the
 * next `}`, when not empty. Keys sharing it share a slot, so a multi-key command or a
 * Lua script over them works in a cluster.
 */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf("{");
  if (open < 0) return undefined;
  const close = key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/** A secret list whose every secret passes `problemOf` (see secret-rules.ts). */
function checkedSecretList(problemOf: (secret: string) => string | undefined) {
  return secretList.superRefine((secrets, ctx) => {
    const problem = secretListProblem(secrets, problemOf);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
const hmacSecrets = (min: number = DEFAULT_SECRET_MIN_LENGTH) =>
  checkedSecretList((secret) => minLengthProblem(secret, min));

/**
 * Every variable the platform reads. Parsed once at start: a bad value stops the process
 * with a message that names the variable. Documented in docs/configuration.md.
 */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    PORT: port.default(3000),
    REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
    /** Redis Cluster seed nodes, `host:port,…`; when set, the cluster replaces REDIS_URL's host (its credentials and `rediss:` still apply). */
    REDIS_CLUSTER_NODES: clusterNodes,
    /** Every Redis key lives under this prefix; several platforms can share one Redis. A cluster needs a `{hash tag}` in it. */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.{}-]+$/, "may hold only letters, digits, _ . - and a {hash tag}")
      .default("aiops"),
    DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/aiops"),
    /** At least 24 characters. */
    ADMIN_TOKEN: optionalText.pipe(
      z
        .string()
        .min(SECRET_MIN_LENGTH.ADMIN_TOKEN, `must be at least ${SECRET_MIN_LENGTH.ADMIN_TOKEN} characters`)
        .optional(),
    ),
    /** Key of the salted hash that erasure audit entries keep instead of the address; unset: derived from ADMIN_TOKEN. */
    ERASURE_SALT: optionalText.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    /** Failed admin authentications allowed per client address within ADMIN_AUTH_WINDOW_SECONDS; then 429. */
    ADMIN_AUTH_MAX_FAILURES: positiveInt.default(10),
    /** The window over which failed admin authentications are counted, fleet-wide through Redis. */
    ADMIN_AUTH_WINDOW_SECONDS: positiveInt.default(300),
    /** Which proxies in front of the API may name the client in X-Forwarded-For; unset: none, the socket's address counts. */
    TRUST_PROXY: trustProxy,
    /** Lets Bull Board add, retry, clean, empty and obliterate jobs and queues; read-only when off. */
    BULL_BOARD_WRITE: flag.default(false),
    /** A second API port serving /metrics, /healthz and /readyz without the admin token, for a private network; 0: off. */
    API_METRICS_PORT: port.default(0),

    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: optionalUrl,
    OPENAI_MODEL: z.string().min(1).default("gpt-4o-mini"),
    /** Model asked when OPENAI_MODEL's retries are exhausted on 5xx or timeouts; unset: none. */
    OPENAI_FALLBACK_MODEL: optionalText,
    /** Email addresses, phone numbers, card numbers and IBANs replaced by placeholders before the model sees the text. */
    AI_REDACT_PII: flag.default(true),
    /** Fleet-wide AI spend per UTC day in US dollars; past it, AI steps use the offline rules. Unset: no cap. */
    AI_DAILY_BUDGET_USD: optionalText.pipe(z.coerce.number<string | undefined>().positive().optional()),
    AI_TIMEOUT_MS: positiveInt.default(30_000),
    AI_CACHE: flag.default(true),
    /** Requests per minute to the AI provider, shared by the whole worker fleet; 0 = no limit. */
    AI_RATE_LIMIT_RPM: z.coerce.number().int().min(0).default(0),
    /** Retries of one AI request on 429, 5xx, timeouts and connection errors, inside one step run. */
    AI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    /** First delay between those retries, doubled each time, with jitter; `retry-after` wins when sent. */
    AI_RETRY_BASE_MS: positiveInt.default(500),
    /** Longest `retry-after` honoured inside a step; a longer one hands the event back to the queue's backoff. */
    AI_RETRY_MAX_DELAY_MS: positiveInt.default(30_000),
    /** Most characters of event text sent to the model; longer fields are cut, with a visible marker. */
    AI_MAX_INPUT_CHARS: positiveInt.default(8000),
    /** USD per million prompt / completion tokens, for models the built-in price list does not know. */
    AI_PRICE_PROMPT_PER_MTOK: z.coerce.number().min(0).optional(),
    AI_PRICE_COMPLETION_PER_MTOK: z.coerce.number().min(0).optional(),

    WORKER_CONCURRENCY: positiveInt.max(1000).default(20),
    // Group commit: most of a worker's hot-path statements in one Postgres transaction (1: each alone).
    WORKER_DB_BATCH: positiveInt.max(1000).default(64),
    JOB_ATTEMPTS: positiveInt.max(100).default(8),
    JOB_BACKOFF_MS: positiveInt.default(1000),
    SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
    /**
     * How long a worker holds a job before another worker may take it over; a worker killed
     * mid-job therefore delays its job by about this much (also the stalled-job check interval).
     */
    JOB_LOCK_MS: positiveInt.min(1_000).default(30_000),
    /**
     * Port of the worker's Prometheus endpoint (`/metrics`); 0 switches it off. Unset: 9464, or
     * a free port (logged) when another worker on the host holds 9464. Set and taken: exit.
     */
    WORKER_METRICS_PORT: z.preprocess((value) => (value === "" ? undefined : value), port.optional()),
    /** Worker processes `start:worker` runs under one supervisor, with one metrics endpoint (`--processes`). */
    WORKER_PROCESSES: positiveInt.max(64).default(1),
    /** Timeout of one request to a connector (HubSpot, Slack, outbound webhook). */
    CONNECTOR_TIMEOUT_MS: positiveInt.default(10_000),
    CONNECTOR_RETRY_MAX_DELAY_MS: positiveInt.default(30_000),

    MAX_BODY_BYTES: positiveInt.default(1_048_576),
    /** The API cuts off a client that has not sent all its headers within this time (slowloris). */
    HTTP_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
    /** The API cuts off a client that has not sent its whole request, body included, within this time. */
    HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
    SIGNATURE_TOLERANCE_SECONDS: positiveInt.default(300),
    /**
     * How long the ingress remembers an acknowledged event id, to answer a re-delivery 200
     * duplicate. Each remembered id costs Redis about 100 bytes; past the window a re-delivery
     * is answered 202 and still not processed twice (the database's unique key stops it).
     */
    DEDUPE_WINDOW_SECONDS: positiveInt.default(86_400),
    /** Completed jobs leave Redis after this age; the database still knows the event. */
    COMPLETED_JOB_TTL_SECONDS: positiveInt.default(3_600),
    COMPLETED_JOB_MAX_COUNT: positiveInt.default(10_000),
    FAILED_JOB_TTL_SECONDS: positiveInt.default(7 * 86_400),
    /** Event payloads older than this are removed from Postgres; CRM records stay. */
    PAYLOAD_RETENTION_DAYS: positiveInt.default(30),
    /** How often a worker of the fleet runs the payload pruning (one run per interval fleet-wide). */
    PRUNE_INTERVAL_SECONDS: positiveInt.default(3_600),
    /** Rows per pruning statement: each batch is one short transaction, so no lock is held long. */
    PRUNE_BATCH_SIZE: positiveInt.max(10_000).default(500),
    /** JSON file with extra sources, relative to the working directory. */
    SOURCES_FILE: optionalText,

    SLACK_NOTIFY_WEBHOOK_URL: optionalUrl,
    OUTBOUND_WEBHOOK_URL: optionalUrl,
    /** `whsec_` + canonical base64 of at least 24 bytes. */
    OUTBOUND_WEBHOOK_SECRET: optionalText.pipe(
      z
        .string()
        .startsWith("whsec_", "must be a Standard Webhooks secret (whsec_…)")
        .superRefine((secret, ctx) => {
          const problem = standardWebhooksSecretProblem(secret);
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .optional(),
    ),
    HUBSPOT_ACCESS_TOKEN: optionalText,
    HUBSPOT_BASE_URL: z.url().default("https://api.hubapi.com"),
    /** `https://acme.zendesk.com`: with ZENDESK_EMAIL and ZENDESK_API_TOKEN, Zendesk tickets get their triage and approved replies. */
    ZENDESK_BASE_URL: optionalUrl,
    /** The Zendesk agent the API token belongs to. */
    ZENDESK_EMAIL: optionalText,
    /** A Zendesk API token (Admin Center, Apps and integrations, Zendesk API). */
    ZENDESK_API_TOKEN: optionalText,
    /** A GitHub token allowed `issues:write`: opened issues get labels, approved replies become comments. */
    GITHUB_TOKEN: optionalText,
    GITHUB_API_URL: z.url().default("https://api.github.com"),
    /** A Slack bot token (`chat:write`, `reactions:write`): messages get a priority reaction, approved replies go in their thread. */
    SLACK_BOT_TOKEN: optionalText,
    SLACK_API_URL: z.url().default("https://slack.com/api"),
    /** `smtp://user:pass@host:587` (or `smtps://`): approved replies to leads and paying customers are emailed. */
    SMTP_URL: optionalUrl,
    /** The From address of those emails, e.g. `Support <support@example.com>`. */
    MAIL_FROM: optionalText,
    /** Kinds of draft sent without review: `lead:hot,ticket:low,payment:*` (type:category, type:priority, type:status); empty: none. */
    AUTO_SEND: autoSend,

    // Minimum lengths per provider: see secret-rules.ts and docs/configuration.md.
    STRIPE_WEBHOOK_SECRET: hmacSecrets(SECRET_MIN_LENGTH.STRIPE_WEBHOOK_SECRET),
    /** Standard Webhooks: optional `whsec_` + canonical base64 of at least 24 bytes. */
    LEAD_WEBHOOK_SECRET: checkedSecretList(standardWebhooksSecretProblem),
    ZENDESK_WEBHOOK_SECRET: hmacSecrets(SECRET_MIN_LENGTH.ZENDESK_WEBHOOK_SECRET),
    SLACK_SIGNING_SECRET: hmacSecrets(SECRET_MIN_LENGTH.SLACK_SIGNING_SECRET),
    GITHUB_WEBHOOK_SECRET: hmacSecrets(SECRET_MIN_LENGTH.GITHUB_WEBHOOK_SECRET),
    SHOPIFY_WEBHOOK_SECRET: hmacSecrets(SECRET_MIN_LENGTH.SHOPIFY_WEBHOOK_SECRET),
    META_APP_SECRET: hmacSecrets(SECRET_MIN_LENGTH.META_APP_SECRET),
    META_VERIFY_TOKEN: optionalText,
    META_PAGE_ACCESS_TOKEN: optionalText,
    META_GRAPH_URL: z.url().default("https://graph.facebook.com/v21.0"),
  })
  .refine((config) => config.HTTP_REQUEST_TIMEOUT_MS >= config.HTTP_HEADERS_TIMEOUT_MS, {
    path: ["HTTP_REQUEST_TIMEOUT_MS"],
    message: "must not be below HTTP_HEADERS_TIMEOUT_MS (Node.js refuses to start otherwise)",
  })
  .refine((config) => config.REDIS_CLUSTER_NODES.length === 0 || hashTag(config.QUEUE_PREFIX) !== undefined, {
    path: ["QUEUE_PREFIX"],
    // BullMQ's scripts touch several keys of a queue at once: in a cluster they must share one slot.
    message:
      "must carry a Redis Cluster hash tag such as {aiops} when REDIS_CLUSTER_NODES is set, so every key of the platform hashes to one slot",
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** One line naming each bad variable, for the process's last words on stderr (never a secret's value). */
export function configErrorMessage(problems: ReadonlyArray<{ variable: string; message: string }>): string {
  return `Invalid configuration: ${problems.map(({ variable, message }) => `${variable}: ${message}`).join("; ")}`;
}

/**
 * Parses the environment; throws a ConfigError naming every bad variable. A variable set to
 * an empty string counts as unset, as `${NAME:-}` in docker-compose.yml passes it.
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const given = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value?.trim() === "" ? undefined : value]),
  );
  const result = configSchema.safeParse(given);
  if (result.success) return result.data;
  throw new ConfigError(
    configErrorMessage(
      result.error.issues.map((issue) => ({ variable: issue.path.join("."), message: issue.message })),
    ),
  );
}

/** Reads `.env` from the working directory, if present, without overriding the environment. */
export function loadEnvFile(path = resolve(process.cwd(), ".env")): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** Secrets for a source's variable: the built-in ones are parsed, others read raw. */
export function secretsFor(config: Config, env: NodeJS.ProcessEnv, variable: string): string[] {
  const parsed = (config as Record<string, unknown>)[variable];
  if (Array.isArray(parsed)) return parsed as string[];
  return secretList.parse(env[variable]);
}
