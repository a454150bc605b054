// Past Redis's de-duplication window the ingress no longer remembers a body it queued. A
// GitHub or Shopify delivery replayed then under a fresh (unsigned) id is queued again; the
// worker must recognise the signed body in Postgres and not process it a second time.
import { randomUUID } from "node:crypto";
import { type EventJob, eventRecordId } from "@aiops/shared";
import { sampleEvent } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** The same event as the ingress would queue it under another (unsigned) delivery id. */
function replayOf(event: EventJob): EventJob {
  const providerEventId = randomUUID();
  return {
    ...event,
    id: eventRecordId(event.source, providerEventId),
    providerEventId,
    receivedAt: new Date().toISOString(),
  };
}

async function jobOutcome(id: string): Promise<unknown> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const job = await h.queue.getJob(id);
    const state = job ? await job.getState() : undefined;
    if (job && state === "completed") return job.returnvalue;
    if (job && state === "failed") throw new Error(`job ${id} failed: ${job.failedReason}`);
    if (Date.now() > deadline) throw new Error(`job ${id} is ${state ?? "missing"}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("an unsigned-id event replayed under a fresh id after Redis forgot it", () => {
  it("is skipped by the worker: one row, one ticket", async () => {
    const first = await h.enqueue(sampleEvent("github"));
    expect(first.bodyDigest).toMatch(/^[0-9a-f]{64}$/);
    expect((await h.waitFor(first.id)).status).toBe("completed");
    const replay = await h.enqueue(replayOf(first));
    expect(await jobOutcome(replay.id)).toEqual({ status: "skipped", reason: "already_processed" });
    expect(await h.db.webhookEvent.findUnique({ where: { id: replay.id } })).toBeNull();
    const url = (first.payload as { issue: { html_url: string } }).issue.html_url;
    expect(await h.db.ticket.count({ where: { url } })).toBe(1);
  });

  it("is skipped by the worker on the ordinary path too (an event type the platform ignores)", async () => {
    const first = await h.enqueue({ ...sampleEvent("shopify"), type: "ignored", providerType: "orders/updated" });
    expect((await h.waitFor(first.id)).status).toBe("ignored");
    const replay = await h.enqueue(replayOf(first));
    expect(await jobOutcome(replay.id)).toEqual({ status: "skipped", reason: "already_processed" });
    expect(await h.db.webhookEvent.findUnique({ where: { id: replay.id } })).toBeNull();
  });

  it("still processes an event whose id is signed, whatever its body (two identical form submissions)", async () => {
    const first = await h.enqueue(sampleEvent("new-lead"));
    expect(first.bodyDigest).toBeUndefined();
    const second = await h.enqueue(replayOf(first));
    expect((await h.waitFor(first.id)).status).toBe("completed");
    expect((await h.waitFor(second.id)).status).toBe("completed");
  });
});
