// The offline rules on a hostile lead: a message built to make a backtracking pattern take
// most of a minute must not hold the worker that runs it, nor the leads queued behind it.
import { createDatabase, createEventsQueue, type EventJob, eventJobOptions, parseConfig } from "@aiops/shared";
import { ServiceProcess, sampleEvent, testEnv, waitFor } from "@aiops/testing";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";

const database = createDatabase(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_test");
const db = database.prisma;
const workers: ServiceProcess[] = [];

afterAll(async () => {
  for (const worker of workers) worker.kill("SIGKILL");
  await database.close();
});

/** The lead that blocked a worker for 47 s: two links, each followed by 4,000 characters. */
const hostileMessage = `http://${"a".repeat(4000)}http://${"a".repeat(4000)}`;

describe("the offline rules provider on a hostile lead", () => {
  it("completes it and the ordinary lead queued after it well within 30 s", async () => {
    // No OPENAI_API_KEY: the rules provider answers. One job at a time, in queue order.
    const env = testEnv({ WORKER_METRICS_PORT: "0", WORKER_CONCURRENCY: "1" });
    const config = parseConfig(env);
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    const queue = createEventsQueue(config, redis);
    // A worker in its own process: a blocked event loop there cannot stop this test's clock.
    const worker = new ServiceProcess("worker", env);
    workers.push(worker);
    await worker.ready();

    const hostile = sampleEvent("new-lead", undefined, (body) => (body.message = hostileMessage));
    const ordinary = sampleEvent(
      "new-lead",
      undefined,
      (body) => (body.message = "Budget approved, we need a quote for 40 seats today"),
    );
    const events: EventJob[] = [hostile, ordinary];
    for (const event of events) await queue.add(event.type, event, eventJobOptions(config, event.id));

    // Generous on purpose, so a busy machine cannot fail it: the rules now take about a second,
    // a backtracking pattern took 47 s on a quiet one.
    const rows = await waitFor(
      async () => {
        const found = await db.webhookEvent.findMany({
          where: { id: { in: events.map((e) => e.id) } },
          select: { id: true, status: true },
        });
        return found.length === 2 && found.every((row) => row.status === "completed") ? found : undefined;
      },
      "the hostile lead and the one behind it to complete",
      30_000,
    );
    expect(rows.map((row) => row.status)).toEqual(["completed", "completed"]);

    const contact = (event: EventJob) =>
      db.contact.findUniqueOrThrow({ where: { email: (event.payload as { email: string }).email } });
    // Two links are not link spam; the ordinary lead is read as it always was.
    // Nothing but two junk links is a bot submission: spam by the rubric (docs/ai.md).
    expect(await contact(hostile)).toMatchObject({ category: "spam" });
    expect(await contact(ordinary)).toMatchObject({ category: "hot" });

    worker.kill("SIGTERM");
    expect((await worker.exited).code).toBe(0);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  }, 180_000);
});
