import { createDatabase, type Database, type PrismaClient, redisKey } from "@aiops/shared";
import { FakeOpenAiServer, FakeSlackWebhook, sampleEvent, testConfig } from "@aiops/testing";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DailyBudget } from "../src/ai/daily-budget.js";
import { type Harness, startHarness } from "./support/harness.js";

// AI_DAILY_BUDGET_USD, end to end through two workers of one fleet.
const fake = new FakeOpenAiServer();
const slack = new FakeSlackWebhook();
// One answer of the fake model: 120 prompt and 40 completion tokens of gpt-4o-mini.
const ANSWER_USD = (120 * 0.15 + 40 * 0.6) / 1e6;
let database: Database | undefined;
let db: PrismaClient;
let first: Harness;
let second: Harness;
let startUsd: number;

async function spentTodayUsd(): Promise<number> {
  const day = new Date().toISOString().slice(0, 10);
  const rows = await db.$queryRawUnsafe<Array<{ spent: number }>>(
    `SELECT COALESCE(SUM(cost_usd), 0)::float8 AS spent FROM step_results WHERE cost_usd > 0 AND updated_at >= $1::timestamp`,
    `${day}T00:00:00`,
  );
  return rows[0]!.spent;
}

beforeAll(async () => {
  await Promise.all([fake.start(), slack.start()]);
  const { config } = testConfig();
  database = createDatabase(config.DATABASE_URL);
  db = database.prisma;
  // The budget is the database's whole spend today: one more answer is under it, two reach it.
  startUsd = await spentTodayUsd();
  const env = {
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_MODEL: "gpt-4o-mini",
    AI_DAILY_BUDGET_USD: String(startUsd + ANSWER_USD * 1.5),
    SLACK_NOTIFY_WEBHOOK_URL: slack.url,
    QUEUE_PREFIX: config.QUEUE_PREFIX,
  };
  // Every step reads the stored spend, so the two workers agree at once; in production a
  // worker may overshoot by what the fleet spends in a few seconds.
  first = await startHarness(env, { aiBudgetRefreshMs: 0 });
  second = await startHarness(env, { aiBudgetRefreshMs: 0 });
});
afterAll(async () => {
  await second.close();
  await first.close();
  await database?.close();
  await Promise.all([fake.close(), slack.close()]);
});

async function lead(h: Harness) {
  const event = await h.enqueue(
    sampleEvent("new-lead", undefined, (body) => (body.message = `We want 40 seats ${Math.random()}`)),
  );
  expect((await h.waitFor(event.id)).status).toBe("completed");
  return h.db.stepResult.findUniqueOrThrow({ where: { eventId_name: { eventId: event.id, name: "ai.lead" } } });
}

describe("the daily AI budget", () => {
  it("sends AI steps to the offline rules once today's spend reaches it: the model is not asked, events complete, the step says why, Slack is told once", async () => {
    const steps = [];
    const requests: number[] = [];
    for (let index = 0; index < 6; index++) {
      // Both workers take jobs from the one queue; either may run any of them.
      steps.push(await lead(first));
      requests.push(fake.requests.length);
    }
    // Other test files may spend at the same time (the budget is the database's): only ever sooner.
    const capped = steps.findIndex((step) => step.provider === "offline-rules");
    expect(capped).toBeGreaterThanOrEqual(0);
    expect(capped).toBeLessThanOrEqual(2);
    if ((await spentTodayUsd()) - startUsd < ANSWER_USD * 2 + 1e-9) {
      // Nobody else spent: two answers, then the cap.
      expect(capped).toBe(2);
    }
    for (const step of steps.slice(0, capped))
      expect(step).toMatchObject({ provider: "openai", model: "gpt-4o-mini", note: null });
    for (const step of steps.slice(capped)) {
      expect(step).toMatchObject({
        status: "succeeded",
        provider: "offline-rules",
        note: "daily AI budget reached",
        promptTokens: 0,
      });
      expect(Number(step.costUsd)).toBe(0);
    }
    // After the cap the model saw nothing more.
    expect(new Set(requests.slice(Math.max(0, capped - 1)))).toEqual(
      new Set([capped === 0 ? 0 : requests[capped - 1]]),
    );
    expect(fake.requests).toHaveLength(capped);

    const fallbacks = async (h: Harness) =>
      (await h.metrics.aiBudgetFallbacks.get()).values.reduce((sum, value) => sum + value.value, 0);
    expect((await fallbacks(first)) + (await fallbacks(second))).toBe(6 - capped);
    // The fleet told Slack once, whichever worker saw the cap first.
    await expect.poll(() => slack.messages.filter((text) => text.includes("AI budget reached")).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(slack.messages.filter((text) => text.includes("AI budget reached"))).toHaveLength(1);

    // Any other process of the fleet (same prefix) that sees the cap finds the day claimed.
    const redis = new Redis(first.config.REDIS_URL);
    try {
      const day = new Date().toISOString().slice(0, 10);
      expect(await redis.exists(redisKey(first.config, "ai-budget-notified", day))).toBe(1);
      const told: string[] = [];
      const other = new DailyBudget({
        limitUsd: first.config.AI_DAILY_BUDGET_USD!,
        sql: database!.sql,
        redis,
        notifiedKey: (date) => redisKey(first.config, "ai-budget-notified", date),
        notify: async (text) => void told.push(text),
        logger: pino({ level: "silent" }),
      });
      expect(await other.reached()).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(told).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

describe("DailyBudget, against the real stores", () => {
  function budget(
    limitUsd: number,
    now: () => Date,
    notify: (text: string) => Promise<void>,
    redis: Redis,
    prefix: string,
  ) {
    return new DailyBudget({
      limitUsd,
      sql: database!.sql,
      redis,
      notifiedKey: (day) => redisKey({ QUEUE_PREFIX: prefix }, "ai-budget-notified", day),
      notify,
      refreshMs: 60_000,
      logger: pino({ level: "silent" }),
      now,
    });
  }

  it("counts this process's spend until the stored sum is read again, and starts from zero on a new UTC day", async () => {
    const redis = new Redis(first.config.REDIS_URL);
    try {
      let now = new Date();
      const told: string[] = [];
      const spent = await spentTodayUsd();
      const b = budget(
        spent + 1,
        () => now,
        async (text) => void told.push(text),
        redis,
        `budget-${Math.random()}`,
      );
      expect(await b.reached()).toBe(false);
      b.record(0.6);
      expect(await b.reached()).toBe(false);
      b.record(0.6);
      expect(await b.reached()).toBe(true);
      await expect.poll(() => told.length).toBe(1);
      expect(told[0]).toMatch(/AI budget reached/);
      // Tomorrow (UTC): nothing stored yet, and yesterday's unsaved spend does not count.
      now = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 0, 0, 1));
      expect(await b.reached()).toBe(false);
      expect(b.spentUsd).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it("gives the day's notification back when Slack could not be told, so a later step tries again", async () => {
    const redis = new Redis(first.config.REDIS_URL);
    try {
      const attempts: string[] = [];
      let fail = true;
      const prefix = `budget-${Math.random()}`;
      const key = redisKey({ QUEUE_PREFIX: prefix }, "ai-budget-notified", new Date().toISOString().slice(0, 10));
      const b = budget(
        0.000001,
        () => new Date(),
        async (text) => {
          attempts.push(text);
          if (fail) throw new Error("slack is down");
        },
        redis,
        prefix,
      );
      b.record(1);
      expect(await b.reached()).toBe(true);
      await expect.poll(() => attempts.length).toBe(1);
      await expect.poll(() => redis.exists(key)).toBe(0);
      fail = false;
      expect(await b.reached()).toBe(true);
      await expect.poll(() => attempts.length).toBe(2);
      expect(await redis.exists(key)).toBe(1);
      expect(await b.reached()).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(attempts).toHaveLength(2);
    } finally {
      redis.disconnect();
    }
  });
});
