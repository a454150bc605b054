import { FakeOpenAiServer, sampleEvent } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

// OPENAI_FALLBACK_MODEL: the primary model is down, the fallback answers.
const fake = new FakeOpenAiServer();
let h: Harness;

beforeAll(async () => {
  await fake.start();
  h = await startHarness({
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    OPENAI_MODEL: "gpt-4o-mini",
    OPENAI_FALLBACK_MODEL: "gpt-4.1-mini",
    AI_MAX_RETRIES: "2",
    AI_TIMEOUT_MS: "1000",
    JOB_ATTEMPTS: "3",
  });
});
afterAll(async () => {
  await h.close();
  await fake.close();
});

function models(start: number): string[] {
  return fake.requests.slice(start).map((request) => (JSON.parse(request.body) as { model: string }).model);
}

describe("the fallback model", () => {
  it("answers once the primary model's retries are exhausted on 500s, and the step stores which model answered", async () => {
    fake.byModel.set("gpt-4o-mini", { kind: "error", status: 500 });
    try {
      const start = fake.requests.length;
      const event = await h.enqueue(
        sampleEvent("new-ticket", undefined, (body) => (body.detail.subject += ` ${Math.random()}`)),
      );
      expect((await h.waitFor(event.id)).status).toBe("completed");
      // One try and two retries of the primary, then the fallback, in the same job attempt.
      expect(models(start)).toEqual(["gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini", "gpt-4.1-mini"]);
      const step = await h.db.stepResult.findUniqueOrThrow({
        where: { eventId_name: { eventId: event.id, name: "ai.ticket" } },
      });
      expect(step).toMatchObject({ status: "succeeded", provider: "openai", model: "gpt-4.1-mini", attempts: 4 });
      expect(Number(step.costUsd)).toBeCloseTo((120 * 0.4 + 40 * 1.6) / 1e6, 8);
      expect((await h.db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).attempts).toBe(1);
    } finally {
      fake.byModel.clear();
    }
  });

  it("is not asked when the primary refuses the request itself (a 4xx)", async () => {
    fake.byModel.set("gpt-4o-mini", { kind: "error", status: 400 });
    try {
      const start = fake.requests.length;
      const event = await h.enqueue(
        sampleEvent("new-ticket", undefined, (body) => (body.detail.subject += ` ${Math.random()}`)),
      );
      expect((await h.waitFor(event.id)).status).toBe("failed");
      expect(models(start)).toEqual(["gpt-4o-mini"]);
    } finally {
      fake.byModel.clear();
    }
  });

  it("is not asked when the primary's answer does not fit the schema", async () => {
    fake.respondWith({ kind: "content", content: "nope" }, { kind: "content", content: "still nope" });
    const start = fake.requests.length;
    const event = await h.enqueue(
      sampleEvent("new-ticket", undefined, (body) => (body.detail.subject += ` ${Math.random()}`)),
    );
    expect((await h.waitFor(event.id)).status).toBe("failed");
    expect(models(start)).toEqual(["gpt-4o-mini", "gpt-4o-mini"]);
  });

  it("is not asked when the primary rate-limits (429): the queue's backoff waits instead", async () => {
    fake.byModel.set("gpt-4o-mini", { kind: "error", status: 429 });
    try {
      const start = fake.requests.length;
      const event = await h.enqueue(
        sampleEvent("new-ticket", undefined, (body) => (body.detail.subject += ` ${Math.random()}`)),
      );
      await h.waitFor(event.id, ["failed"], 15_000);
      expect(new Set(models(start))).toEqual(new Set(["gpt-4o-mini"]));
    } finally {
      fake.byModel.clear();
    }
  });
});
