import { createDatabase, createEventsQueue, type EventJob } from "@aiops/shared";
import { FakeOpenAiServer, ServiceProcess, sampleEvent, testEnv, WebhookReceiver, waitFor } from "@aiops/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET = `whsec_${Buffer.from("process-test-outbound-secret-32b").toString("base64")}`;
const fake = new FakeOpenAiServer();
const receiver = new WebhookReceiver(SECRET);
const processes: ServiceProcess[] = [];
const database = createDatabase(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_test");
const db = database.prisma;

beforeAll(async () => {
  await Promise.all([fake.start(), receiver.start()]);
});
afterAll(async () => {
  for (const worker of processes) worker.kill("SIGKILL");
  await Promise.all([fake.close(), receiver.close(), database.close()]);
});

function setup(overrides: Record<string, string> = {}) {
  const env = testEnv({
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    AI_CACHE: "false",
    WORKER_METRICS_PORT: "0",
    JOB_BACKOFF_MS: "100",
    OUTBOUND_WEBHOOK_URL: receiver.url,
    OUTBOUND_WEBHOOK_SECRET: SECRET,
    ...overrides,
  });
  const redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
  const queue = createEventsQueue({ QUEUE_PREFIX: env.QUEUE_PREFIX } as never, redis);
  const start = () => {
    const worker = new ServiceProcess("worker", env);
    processes.push(worker);
    return worker;
  };
  const enqueue = async (events: EventJob[]) => {
    const options = { attempts: 5, backoff: { type: "exponential", delay: 100 } } as const;
    await queue.addBulk(
      events.map((event) => ({ name: event.type, data: event, opts: { ...options, jobId: event.id } })),
    );
  };
  const statuses = async (events: EventJob[]) =>
    db.webhookEvent.findMany({
      where: { id: { in: events.map((e) => e.id) } },
      select: { id: true, status: true, attempts: true },
    });
  const close = async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  };
  return { env, queue, start, enqueue, statuses, close };
}

const uniqueLead = () =>
  sampleEvent("new-lead", undefined, (body) => (body.message = `Quote for 30 seats ${Math.random()}`));

describe("worker processes", () => {
  it("a worker killed with SIGKILL mid-job leaves its jobs to another: every event completes exactly once", async () => {
    // The model holds its answers until the kill: the first worker's jobs are surely mid-job
    // when it dies, however fast or loaded the machine is.
    fake.hold();
    const t = setup({ WORKER_CONCURRENCY: "3", JOB_LOCK_MS: "2000", AI_TIMEOUT_MS: "120000" });
    const events = Array.from({ length: 18 }, uniqueLead);
    const first = t.start();
    await first.ready();
    await t.enqueue(events);
    await waitFor(async () => fake.waiting >= 3, "the first worker's three AI requests", 20_000);
    await waitFor(
      async () => (await t.statuses(events)).filter((e) => e.status === "processing").length >= 3,
      "first worker busy",
      10_000,
    );
    // Only the first worker runs yet: every event in flight is one of its jobs.
    const taken = (await t.statuses(events)).filter((e) => e.status === "processing").map((e) => e.id);
    expect(taken).toHaveLength(3);
    const second = t.start();
    await second.ready();
    first.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    fake.release();

    await waitFor(
      async () => (await t.statuses(events)).every((e) => e.status === "completed"),
      "all events completed",
      30_000,
    );
    const rows = await t.statuses(events);
    // Each job the killed worker held was run again by the other one: its attempt count shows it.
    expect(rows.filter((row) => taken.includes(row.id)).map((row) => row.attempts >= 2)).toEqual([true, true, true]);
    const emails = events.map((e) => (e.payload as { email: string }).email);
    expect(await db.contact.count({ where: { email: { in: emails } } })).toBe(events.length);
    expect(await db.activity.count({ where: { eventId: { in: events.map((e) => e.id) } } })).toBe(events.length);
    expect(
      await db.stepResult.count({ where: { eventId: { in: events.map((e) => e.id) }, status: "succeeded" } }),
    ).toBe(events.length * 3);
    // A delivery cut off by the kill may be repeated, but always under the same webhook-id.
    const delivered = new Set(receiver.deliveries.map((d) => d.id).filter((id) => events.some((e) => e.id === id)));
    expect(delivered.size).toBe(events.length);
    second.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
    await t.close();
  }, 90_000);

  it("on SIGTERM stops taking jobs, finishes those in flight, then exits 0", async () => {
    // Answers held until the worker is shutting down: exactly two jobs are in flight then.
    fake.hold();
    const t = setup({ WORKER_CONCURRENCY: "2", AI_TIMEOUT_MS: "120000" });
    const events = Array.from({ length: 4 }, uniqueLead);
    const worker = t.start();
    await worker.ready();
    await t.enqueue(events);
    await waitFor(async () => fake.waiting === 2, "two AI requests", 20_000);
    await waitFor(
      async () => (await t.statuses(events)).filter((e) => e.status === "processing").length === 2,
      "two in flight",
      10_000,
    );
    worker.kill("SIGTERM");
    await waitFor(
      async () => worker.output.some((line) => line.includes('"shutting down"')),
      "shutdown to start",
      10_000,
    );
    fake.release();
    expect((await worker.exited).code).toBe(0);
    const rows = await t.statuses(events);
    expect(rows.map((row) => row.status).sort()).toEqual(["completed", "completed"]);
    expect(await t.queue.getWaitingCount()).toBe(2);
    expect(worker.output.some((line) => line.includes('"shutdown complete"'))).toBe(true);
    await t.close();
  }, 60_000);
});
