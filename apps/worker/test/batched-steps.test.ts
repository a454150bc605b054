// The `first-run` and `batched` storage strategies: with the offline rules and no connector,
// the steps before the CRM's wait for its statement, and on a job's first run that statement
// records the event too, so an offline event is one statement; every guarantee of a run stays.
import { sampleEvent } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Crm } from "../src/crm/crm.js";
import { PermanentError } from "../src/errors/index.js";
import { type Harness, startHarness } from "./support/harness.js";

/** A CRM that refuses leads for one email, as a constraint would, or fails one lead once; it counts its lead writes. */
class RefusingCrm extends Crm {
  refused = "";
  flaky = "";
  calls = new Map<string, number>();
  override lead(...args: Parameters<Crm["lead"]>) {
    const email = args[1].email;
    this.calls.set(email, (this.calls.get(email) ?? 0) + 1);
    if (email === this.refused) throw new PermanentError("crm_refused", "the CRM refuses this contact");
    if (email === this.flaky && this.calls.get(email) === 1) throw new Error("connection terminated unexpectedly");
    return super.lead(...args);
  }
}

const crm = new RefusingCrm();
let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { crm });
});
afterAll(() => h.close());

const hot = "We need a quote for 500 seats this week, budget approved.";
const lukewarm = "Just browsing, maybe next year.";
const lead = (email: string, message: string) =>
  sampleEvent("new-lead", undefined, (body) => {
    body.email = email;
    body.message = message;
  });
const email = () => `first-run-${Math.random().toString(36).slice(2)}@example.com`;
/** Statements the worker sent on its hot path so far. */
const statements = () => h.database.sql.stats.statements;

async function idle() {
  // Nothing in flight: the statement count then belongs to the events a test waited for.
  await expect.poll(() => h.metrics.jobsInFlight.get().then((m) => m.values[0]?.value ?? 0)).toBe(0);
}

describe("an offline event's steps, stored with the CRM step's statement", () => {
  it("stores the event, its contact, activity, draft and both steps with one statement on its first run", async () => {
    await idle();
    const before = statements();
    const event = await h.enqueue(lead(email(), hot));
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 1, lastError: null });
    expect(row.startedAt!.getTime()).toBeLessThanOrEqual(row.finishedAt!.getTime());
    expect(row.payload).toEqual(event.payload);
    await idle();
    expect(statements() - before).toBe(1);
    expect(await h.queue.getJob(event.id)).toMatchObject({ attemptsMade: 1, attemptsStarted: 1 });

    const steps = await h.db.stepResult.findMany({ where: { eventId: event.id }, orderBy: { name: "asc" } });
    expect(steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["ai.lead", "succeeded", 1],
      ["crm.contact", "succeeded", 1],
    ]);
    expect(steps[0]).toMatchObject({ provider: "offline-rules", model: "rules-v6" });
    const contact = await h.db.contact.findUniqueOrThrow({
      where: { email: (event.payload as { email: string }).email },
      include: { activities: true },
    });
    // The drafted reply is stored by the same statement, waiting for review.
    const draft = await h.db.draft.findUniqueOrThrow({ where: { eventId: event.id } });
    expect(draft).toMatchObject({
      type: "lead",
      kind: "lead:hot",
      channel: "email",
      status: "pending",
      recipient: contact.email,
    });
    expect(steps[1]!.output).toEqual({ contactId: contact.id, draftId: draft.id, draftStatus: "pending" });
    expect(contact).toMatchObject({ category: "hot" });
    expect(contact.activities.map((a) => [a.kind, a.eventId])).toEqual([["lead", event.id]]);
  });

  it("changes nothing when a completed event is delivered again, even after a newer event for the contact", async () => {
    const address = email();
    const first = await h.enqueue(lead(address, hot));
    expect((await h.waitFor(first.id)).status).toBe("completed");
    const newer = await h.enqueue(lead(address, lukewarm));
    expect((await h.waitFor(newer.id)).status).toBe("completed");
    const latest = await h.db.contact.findUniqueOrThrow({ where: { email: address } });
    expect(latest.category).not.toBe("hot");

    // The job has left Redis; the provider sends the first event again.
    await h.queue.remove(first.id);
    const processed = h.metrics.eventsCompleted.get().then((m) => m.values.reduce((sum, v) => sum + v.value, 0));
    const before = await processed;
    await h.enqueue(first);
    await expect.poll(async () => await h.queue.getJobState(first.id), { timeout: 10_000 }).toBe("completed");
    expect(await processed).toBe(before);
    expect(await h.queue.getJob(first.id)).toMatchObject({ attemptsMade: 1, attemptsStarted: 2 });
    expect(await h.db.contact.findUniqueOrThrow({ where: { email: address } })).toEqual(latest);
    expect(await h.db.activity.count({ where: { contact: { email: address } } })).toBe(2);
    expect((await h.db.webhookEvent.findUniqueOrThrow({ where: { id: first.id } })).attempts).toBe(1);
  });

  it("resumes an event whose row exists from an earlier try from its stored steps", async () => {
    const address = email();
    const event = lead(address, hot);
    // An earlier try (another worker, which died) stored the AI step with its own answer.
    await h.db.webhookEvent.create({
      data: {
        id: event.id,
        source: event.source,
        providerEventId: event.providerEventId,
        type: event.type,
        status: "processing",
        attempts: 1,
        payload: event.payload as object,
        receivedAt: new Date(event.receivedAt),
      },
    });
    const stored = { category: "cold", urgency: 7, reasons: ["stored by the earlier try"], draftReply: "Thanks." };
    await h.db.stepResult.create({
      data: { eventId: event.id, name: "ai.lead", status: "succeeded", output: stored, provider: "earlier" },
    });

    await h.enqueue(event);
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2 });
    // The first run found the row, wrote nothing and put the job back without using an attempt:
    // two runs began, and only the one that completed counts as an attempt made.
    expect(await h.queue.getJob(event.id)).toMatchObject({ attemptsMade: 1, attemptsStarted: 2 });
    expect(await h.db.contact.findUniqueOrThrow({ where: { email: address } })).toMatchObject({
      category: "cold",
      score: 7,
    });
    expect(
      await h.db.stepResult.findUniqueOrThrow({ where: { eventId_name: { eventId: event.id, name: "ai.lead" } } }),
    ).toMatchObject({
      provider: "earlier",
      output: stored,
    });
  });

  it("records a failure with the steps that succeeded before it", async () => {
    crm.refused = email();
    const event = await h.enqueue(lead(crm.refused, hot));
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toMatch(/refuses this contact/);
    const steps = await h.db.stepResult.findMany({ where: { eventId: event.id }, orderBy: { name: "asc" } });
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["ai.lead", "succeeded"],
      ["crm.contact", "failed"],
    ]);
    expect(await h.db.contact.count({ where: { email: crm.refused } })).toBe(0);
    // The failure ended the attempt: the pipeline was not run again within it.
    expect(crm.calls.get(crm.refused)).toBe(1);
  });

  it("hands a failed run back to the queue, whose retry resumes at the failed step", async () => {
    crm.flaky = email();
    const event = await h.enqueue(lead(crm.flaky, hot));
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2, lastError: null });
    expect(crm.calls.get(crm.flaky)).toBe(2);
    const steps = await h.db.stepResult.findMany({ where: { eventId: event.id }, orderBy: { name: "asc" } });
    expect(steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["ai.lead", "succeeded", 1],
      ["crm.contact", "succeeded", 2],
    ]);
  });
});
