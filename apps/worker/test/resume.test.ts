import { standardWebhooksScheme } from "@aiops/shared";
import { FakeHubSpotServer, FakeOpenAiServer, FakeSlackWebhook, sampleEvent, WebhookReceiver } from "@aiops/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Crm } from "../src/crm/crm.js";
import { type Harness, startHarness } from "./support/harness.js";

/** A CRM whose next writes fail, as if Postgres had a bad moment. */
class FlakyCrm extends Crm {
  failures = 0;
  override lead(...args: Parameters<Crm["lead"]>) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error("connection terminated unexpectedly");
    }
    return super.lead(...args);
  }
}

const OUTBOUND_SECRET = `whsec_${Buffer.from("outbound-secret-for-the-tests-32b").toString("base64")}`;
const fake = new FakeOpenAiServer();
const hubspot = new FakeHubSpotServer();
const slack = new FakeSlackWebhook();
const receiver = new WebhookReceiver(OUTBOUND_SECRET);
let crm: FlakyCrm;
let h: Harness;

beforeAll(async () => {
  await Promise.all([fake.start(), hubspot.start(), slack.start(), receiver.start()]);
  const overrides = {
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    JOB_ATTEMPTS: "4",
    // Off, so only the stored step results can keep a retry from asking the model again.
    AI_CACHE: "false",
    HUBSPOT_ACCESS_TOKEN: "test-hubspot-token",
    HUBSPOT_BASE_URL: hubspot.url,
    SLACK_NOTIFY_WEBHOOK_URL: slack.url,
    OUTBOUND_WEBHOOK_URL: receiver.url,
    OUTBOUND_WEBHOOK_SECRET: OUTBOUND_SECRET,
    CONNECTOR_RETRY_MAX_DELAY_MS: "2000",
  };
  crm = new FlakyCrm();
  h = await startHarness(overrides, { crm });
});
afterAll(async () => {
  await h.close();
  await Promise.all([fake.close(), hubspot.close(), slack.close(), receiver.close()]);
});
beforeEach(() => {
  fake.script.length = 0;
  hubspot.failures.length = 0;
  slack.failures.length = 0;
  receiver.failures.length = 0;
});

const hotLead = (body: any) => (body.message = `We need a quote for 80 seats this week ${Math.random()}`);

async function steps(eventId: string) {
  const rows = await h.db.stepResult.findMany({ where: { eventId }, orderBy: { name: "asc" } });
  return Object.fromEntries(rows.map((row) => [row.name, row]));
}

describe("durable steps", () => {
  it("retries a failed CRM step without asking the model again", async () => {
    crm.failures = 2;
    const before = fake.requests.length;
    const event = await h.enqueue(sampleEvent("new-lead", undefined, hotLead));
    const row = await h.waitFor(event.id);
    expect(row.status).toBe("completed");
    expect(row.attempts).toBe(3);
    expect(fake.requests.length - before).toBe(1);
    const byName = await steps(event.id);
    expect(byName["ai.lead"]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(byName["crm.contact"]).toMatchObject({ status: "succeeded", attempts: 3 });
  });

  it("waits out a HubSpot 429's short retry-after inside the step, then asks again", async () => {
    hubspot.failures.push({ status: 429, retryAfter: "1" });
    const before = hubspot.requests.length;
    const event = await h.enqueue(sampleEvent("new-lead", undefined, hotLead));
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 1 });
    const [refused, again] = hubspot.requests.slice(before);
    expect(again!.path).toBe(refused!.path);
    expect(again!.at - refused!.at).toBeGreaterThanOrEqual(1000);
  });

  it("retries a failed connector alone: HubSpot 503 once, the AI, CRM, Slack and outbound steps run once", async () => {
    hubspot.failures.push(503);
    const before = { ai: fake.requests.length, slack: slack.messages.length, outbound: receiver.deliveries.length };
    const event = await h.enqueue(sampleEvent("new-lead", undefined, hotLead));
    expect((await h.waitFor(event.id)).status).toBe("completed");
    const byName = await steps(event.id);
    expect(Object.keys(byName)).toEqual([
      "ai.lead",
      "connector.hubspot",
      "connector.outbound",
      "connector.slack",
      "crm.contact",
    ]);
    expect(byName["connector.hubspot"]).toMatchObject({ status: "succeeded", attempts: 2 });
    for (const name of ["ai.lead", "crm.contact", "connector.slack", "connector.outbound"])
      expect(byName[name]!.attempts, name).toBe(1);
    expect(fake.requests.length - before.ai).toBe(1);
    expect(slack.messages.length - before.slack).toBe(1);
    expect(receiver.deliveries.length - before.outbound).toBe(1);
  });

  it("fails at once on a downstream 4xx that will not change", async () => {
    receiver.failures.push(410);
    const event = await h.enqueue(sampleEvent("new-lead", undefined, hotLead));
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toMatch(/outbound answered 410/);
    expect((await steps(event.id))["connector.outbound"]).toMatchObject({ status: "failed" });
  });

  it("does nothing for an event delivered again after it completed: no AI call, no CRM row, no connector call", async () => {
    const event = sampleEvent("new-lead", undefined, hotLead);
    await h.enqueue(event);
    await h.waitFor(event.id);
    const counts = async () => ({
      ai: fake.requests.length,
      hubspot: hubspot.requests.length,
      slack: slack.requests.length,
      outbound: receiver.requests.length,
      activities: await h.db.activity.count({ where: { eventId: event.id } }),
      contacts: await h.db.contact.count({ where: { email: (event.payload as any).email } }),
      steps: await h.db.stepResult.count({ where: { eventId: event.id } }),
    });
    const before = await counts();
    // The job left Redis (removed on completion), then the provider retried after the ingress's memory expired.
    await (await h.queue.getJob(event.id))?.remove();
    await h.enqueue({ ...event, receivedAt: new Date().toISOString() });
    await expect.poll(async () => (await h.queue.getJob(event.id))?.finishedOn, { timeout: 5000 }).toBeTruthy();
    const job = await h.queue.getJob(event.id);
    expect(job?.returnvalue).toEqual({ status: "skipped", reason: "already_processed" });
    expect(await counts()).toEqual(before);
    expect((await h.db.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).attempts).toBe(1);
  });

  it("resumes a replayed failed event at its first unfinished step", async () => {
    receiver.failures.push(400);
    const event = await h.enqueue(sampleEvent("new-lead", undefined, hotLead));
    expect((await h.waitFor(event.id)).status).toBe("failed");
    const aiBefore = fake.requests.length;
    const hubspotNotes = hubspot.notes.length;
    // What the admin API's replay does: back to queued, the same job id again.
    await h.db.webhookEvent.update({ where: { id: event.id }, data: { status: "queued" } });
    await (await h.queue.getJob(event.id))?.remove();
    await h.enqueue(event);
    const row = await h.waitFor(event.id, ["completed"]);
    expect(row.attempts).toBe(2);
    expect(row.lastError).toBeNull();
    expect(fake.requests.length).toBe(aiBefore);
    expect(hubspot.notes.length).toBe(hubspotNotes);
    expect((await steps(event.id))["connector.outbound"]).toMatchObject({ status: "succeeded", attempts: 2 });
  });
});

describe("connectors", () => {
  it("upserts the HubSpot contact by email and adds the analysis as a note associated with it", async () => {
    // The company is said outright: the sample carries one only for every other sequence number.
    const first = await h.enqueue(
      sampleEvent("new-lead", undefined, (body) => {
        hotLead(body);
        body.company = "Acme Corp";
      }),
    );
    await h.waitFor(first.id);
    const email = (first.payload as any).email;
    // The same person pays later: the contact is updated, not duplicated.
    const paid = await h.enqueue(
      sampleEvent("payment", undefined, (body) => {
        body.type = "payment_intent.succeeded";
        body.data.object.receipt_email = email;
      }),
    );
    await h.waitFor(paid.id);
    const contact = hubspot.contactByEmail(email)!;
    expect(contact.properties).toMatchObject({
      email,
      firstname: "Sample",
      company: "Acme Corp",
      lifecyclestage: "customer",
    });
    expect([...hubspot.contacts.values()].filter((c) => c.properties.email === email)).toHaveLength(1);
    const notes = hubspot.notes.filter((note) => note.contactIds.includes(contact.id));
    expect(notes).toHaveLength(2);
    expect(notes[0]!.properties.hs_note_body).toMatch(/Lead: hot<\/b>, urgency 91/);
    expect(notes[1]!.properties.hs_note_body).toMatch(/Payment succeeded/);
    expect((await steps(first.id))["connector.hubspot"]!.output).toEqual({
      contactId: contact.id,
      noteId: notes[0]!.id,
    });
  });

  it("notifies Slack of hot leads, urgent tickets and failed payments only, with payload text escaped", async () => {
    fake.respondWith({
      kind: "content",
      content: JSON.stringify({ category: "cold", urgency: 5, reasons: ["no intent"], draftReply: "hi" }),
    });
    const cold = await h.enqueue(
      sampleEvent("new-lead", undefined, (body) => (body.message = `Browsing ${Math.random()}`)),
    );
    await h.waitFor(cold.id);
    expect((await steps(cold.id))["connector.slack"]).toBeUndefined();

    const before = slack.messages.length;
    const hot = await h.enqueue(
      sampleEvent("new-lead", undefined, (body) => {
        hotLead(body);
        body.name = "<!channel> Mallory";
      }),
    );
    const ticket = await h.enqueue(
      sampleEvent("new-ticket", undefined, (body) => (body.detail.subject += ` ${Math.random()}`)),
    );
    const failed = await h.enqueue(sampleEvent("payment", undefined, (body) => (body.type = "charge.dispute.created")));
    for (const event of [hot, ticket, failed]) expect((await h.waitFor(event.id)).status).toBe("completed");
    const sent = slack.messages.slice(before);
    expect(sent).toHaveLength(3);
    expect(sent.find((m) => m.includes("Hot lead"))).toContain("&lt;!channel&gt; Mallory");
    expect(sent.some((m) => m.includes("Urgent ticket"))).toBe(true);
    expect(sent.some((m) => m.includes("Payment disputed"))).toBe(true);
  });

  it("signs outbound deliveries with Standard Webhooks and keeps the webhook-id stable across retries", async () => {
    receiver.failures.push(503);
    const event = await h.enqueue(
      sampleEvent("new-ticket", undefined, (body) => (body.detail.subject += ` ${Math.random()}`)),
    );
    expect((await h.waitFor(event.id)).status).toBe("completed");
    const attempts = receiver.requests.filter((r) => r.headers["webhook-id"] === event.id);
    expect(attempts).toHaveLength(2);
    const delivery = receiver.deliveries.find((d) => d.id === event.id)!;
    expect(delivery.body).toMatchObject({
      type: "ticket.processed",
      data: {
        id: event.id,
        source: "new-ticket",
        analysis: { priority: "urgent" },
        ticket: { subject: expect.any(String) },
      },
    });
    expect(receiver.rejected).toBe(0);
    // A receiver with another secret refuses it: the signature really is checked.
    const other = standardWebhooksScheme.verify({
      headers: attempts[1]!.headers as Record<string, string>,
      rawBody: Buffer.from(attempts[1]!.body),
      secrets: [`whsec_${Buffer.from("another-secret-entirely-32-bytes!").toString("base64")}`],
      now: Date.now(),
      toleranceSeconds: 300,
    });
    expect(other.ok).toBe(false);
  });
});
