// A failed 1000 JPY payment, through the pipeline: every place that shows the amount (the
// CRM's activity, the drafted message, Slack, HubSpot) uses the currency's own minor unit.
import { FakeHubSpotServer, FakeSlackWebhook, sampleEvent } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentRules } from "../src/ai/tasks/payment/rules.js";
import { type Harness, startHarness } from "./support/harness.js";

const slack = new FakeSlackWebhook();
const hubspot = new FakeHubSpotServer();
let h: Harness;

beforeAll(async () => {
  await Promise.all([slack.start(), hubspot.start()]);
  h = await startHarness({
    SLACK_NOTIFY_WEBHOOK_URL: slack.url,
    HUBSPOT_ACCESS_TOKEN: "test-hubspot-token",
    HUBSPOT_BASE_URL: hubspot.url,
  });
});
afterAll(async () => {
  await h.close();
  await Promise.all([slack.close(), hubspot.close()]);
});

describe("amounts shown to people", () => {
  it.each([
    ["jpy", 1000, "1,000 JPY"],
    ["kwd", 1500, "1.500 KWD"],
    ["usd", 4900, "49.00 USD"],
  ])("a failed payment of %s %d reads %s everywhere", async (currency, amount, text) => {
    const event = await h.enqueue(
      sampleEvent("payment", undefined, (body) => {
        body.type = "payment_intent.payment_failed";
        Object.assign(body.data.object, {
          amount,
          currency,
          last_payment_error: { code: "card_declined", message: "Your card was declined." },
        });
      }),
    );
    expect((await h.waitFor(event.id)).status).toBe("completed");
    const object = (event.payload as { data: { object: { id: string; receipt_email: string } } }).data.object;

    const payment = await h.db.payment.findFirstOrThrow({ where: { source: "payment", externalId: object.id } });
    expect(payment.draftMessage).toContain(`payment of ${text} did not go through`);
    const activity = await h.db.activity.findFirstOrThrow({ where: { eventId: event.id } });
    expect(activity.summary).toBe(`payment failed: ${text}`);
    expect(slack.messages.find((message) => message.includes(object.receipt_email))).toContain(
      `*Payment failed*: ${text} for`,
    );
    const note = hubspot.notes.find((candidate) => candidate.properties.hs_note_body?.includes(event.id));
    expect(note?.properties.hs_note_body).toContain(`<b>Payment failed</b>: ${text} (payment_intent.payment_failed)`);
  });
});

describe("the offline rules' message to a customer", () => {
  it("reads 1000 JPY as 1,000 JPY, not 10.00 JPY", () => {
    const message = paymentRules({ kind: "k", status: "failed", amount: 1000, currency: "jpy" }).customerMessage;
    expect(message).toContain("payment of 1,000 JPY did not go through");
  });
});
