// The configuration a test runs the platform with: its own queue prefix, test secrets.
import { randomBytes } from "node:crypto";
import { type Config, parseConfig } from "@aiops/shared";

/**
 * Secrets shaped like the providers' own, long enough for the minimums the configuration
 * enforces (secret-rules.ts).
 */
export const TEST_SECRETS = {
  STRIPE_WEBHOOK_SECRET: "whsec_stripe_test_secret_for_the_suites",
  LEAD_WEBHOOK_SECRET: `whsec_${Buffer.from("lead-secret-32-bytes-long-for-tests").toString("base64")}`,
  ZENDESK_WEBHOOK_SECRET: "zendesk-test-secret",
  SLACK_SIGNING_SECRET: "slack-test-signing-secret-32chars",
  GITHUB_WEBHOOK_SECRET: "github-test-secret",
  SHOPIFY_WEBHOOK_SECRET: "shopify-test-webhook-secret-32chars",
  META_APP_SECRET: "meta-test-app-secret-of-32-chars",
  META_VERIFY_TOKEN: "meta-verify-token",
} as const;

/** The admin token every test environment carries. */
export const TEST_ADMIN_TOKEN = "test-admin-token-for-the-suites";

/** A unique prefix per test file or test, so suites never see each other's queues. */
export function uniquePrefix(label = "test"): string {
  return `${label}-${randomBytes(4).toString("hex")}`;
}

/**
 * The environment a test runs the platform with: every built-in source configured, its own
 * queue prefix, the test database (set by `npm test`), quiet logs. Payloads are kept for a
 * century: a worker process another suite starts prunes on start, and would otherwise take
 * the payloads the retention test seeds in the past while that test looks at them.
 */
export function testEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_test",
    QUEUE_PREFIX: uniquePrefix(),
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    PAYLOAD_RETENTION_DAYS: "36500",
    ...TEST_SECRETS,
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string | undefined> = {}): {
  config: Config;
  env: NodeJS.ProcessEnv;
} {
  const env = testEnv(overrides);
  return { config: parseConfig(env), env };
}
