import { FakeHubSpotServer, FakeOpenAiServer, sampleEvent } from "@aiops/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

// A downstream that answers 429 with a `retry-after` longer than its step waits out: the
// event is put back until then (BullMQ's delayed set), not retried on the queue's backoff.
const fake = new FakeOpenAiServer();
const hubspot = new FakeHubSpotServer();
let h: Harness;

beforeAll(async () => {
  await Promise.all([fake.start(), hubspot.start()]);
  h = await startHarness({
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    AI_CACHE: "false",
    HUBSPOT_ACCESS_TOKEN: "test-hubspot-token",
    HUBSPOT_BASE_URL: hubspot.url,
    JOB_ATTEMPTS: "3",
    // Nothing waited out inside a step: every retry-after below goes to the queue.
    AI_RETRY_MAX_DELAY_MS: "100",
    CONNECTOR_RETRY_MAX_DELAY_MS: "100",
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([fake.close(), hubspot.close()]);
});
beforeEach(() => {
  fake.script.length = 0;
  hubspot.failures.length = 0;
});

const uniqueLead = () =>
  sampleEvent("new-lead", undefined, (body) => (body.message = `We need a quote for 80 seats ${Math.random()}`));

async function step(eventId: string, name: string) {
  return h.db.stepResult.findUniqueOrThrow({ where: { eventId_name: { eventId, name } } });
}

/** Polls until the job is in `state` (or fails the test after 5 s). */
async function jobIn(id: string, state: string) {
  for (let i = 0; i < 100; i++) {
    if ((await h.queue.getJobState(id)) === state) return h.queue.getJob(id);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} never reached ${state}`);
}

describe("a downstream's retry-after past what a step waits out", () => {
  it("defers the event until the time HubSpot asked for, without counting a failed attempt", async () => {
    hubspot.failures.push({ status: 429, retryAfter: "2" });
    const before = { ai: fake.requests.length, hubspot: hubspot.requests.length };
    const event = await h.enqueue(uniqueLead());

    const delayed = await jobIn(event.id, "delayed");
    expect(delayed?.delay).toBeGreaterThan(1500);
    expect(delayed?.delay).toBeLessThanOrEqual(2000);
    const waiting = await h.db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(waiting.status).toBe("queued");
    expect(waiting.lastError).toMatch(/hubspot answered 429.*deferred until .*retry-after/);

    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2, lastError: null });
    const [refused, ...again] = hubspot.requests.slice(before.hubspot);
    expect(again[0]!.path).toBe(refused!.path);
    expect(again[0]!.at - refused!.at).toBeGreaterThanOrEqual(2000);
    // The AI step succeeded in the first run and was not asked again.
    expect(fake.requests.length - before.ai).toBe(1);
    expect(await step(event.id, "connector.hubspot")).toMatchObject({ status: "succeeded", attempts: 2 });
    // BullMQ counts the run that completed, and no failed one.
    expect((await h.queue.getJob(event.id))?.attemptsMade).toBe(1);
  });

  it("defers the event until the time the AI server asked for", async () => {
    fake.respondWith({ kind: "error", status: 429, retryAfter: "2" });
    const before = fake.requests.length;
    const event = await h.enqueue(uniqueLead());
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2 });
    const [refused, answered] = fake.requests.slice(before);
    expect(answered!.at - refused!.at).toBeGreaterThanOrEqual(2000);
    expect(await step(event.id, "ai.lead")).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("stops deferring once the event has used its runs: a downstream that always says later ends failed", async () => {
    for (let i = 0; i < 10; i++) hubspot.failures.push({ status: 429, retryAfter: "1" });
    const before = hubspot.requests.length;
    const event = await h.enqueue(uniqueLead());
    const row = await h.waitFor(event.id, ["failed"], 20_000);
    // JOB_ATTEMPTS=3: two runs deferred, the third counted as a failed attempt (runs used
    // up), then the queue's backoff for the two attempts left.
    expect(row).toMatchObject({ status: "failed", attempts: 5 });
    expect(row.lastError).toMatch(/hubspot answered 429/);
    expect(hubspot.requests.length - before).toBe(5);
    expect(await step(event.id, "connector.hubspot")).toMatchObject({ status: "failed", attempts: 5 });
  });
});
