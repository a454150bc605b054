import type { EventJob } from "@aiops/shared";
import { describe, expect, it } from "vitest";
import { PermanentError } from "../errors/index.js";
import { leadToRead, normalizeLead, normalizePayment, normalizeTicket } from "./normalize.js";

const event = (source: string, payload: unknown, providerType: string | null = null): EventJob => ({
  id: "evt_test",
  source,
  providerEventId: "p1",
  providerType,
  type: "payment",
  receivedAt: new Date().toISOString(),
  payload,
});

const stripe = (type: string, object: Record<string, unknown>) =>
  event("payment", { id: "evt_1", object: "event", type, data: { object } }, type);

describe("payment normalisation", () => {
  it.each([
    [
      "payment_intent.succeeded",
      { id: "pi_1", amount: 4900, currency: "usd", receipt_email: "A@Example.com" },
      { status: "succeeded", amount: 4900, email: "a@example.com" },
    ],
    [
      "payment_intent.payment_failed",
      { id: "pi_2", amount: 100, currency: "eur", last_payment_error: { code: "card_declined", message: "Declined" } },
      { status: "failed", failureReason: "Declined", currency: "eur" },
    ],
    [
      "invoice.payment_failed",
      { id: "in_1", amount_due: 2000, currency: "usd", customer_email: "b@example.com", attempt_count: 3 },
      { status: "failed", amount: 2000, failureReason: "invoice payment attempt 3 failed" },
    ],
    [
      "charge.dispute.created",
      { id: "du_1", amount: 5000, currency: "usd", reason: "fraudulent" },
      { status: "disputed", failureReason: "fraudulent" },
    ],
    [
      "checkout.session.completed",
      {
        id: "cs_1",
        amount_total: 999,
        currency: "usd",
        payment_status: "paid",
        customer_details: { email: "c@example.com", name: "C" },
      },
      { status: "succeeded", email: "c@example.com", customerName: "C" },
    ],
  ])("reads Stripe %s", (type, object, expected) => {
    expect(normalizePayment(stripe(type, object))).toMatchObject({ externalId: object.id, kind: type, ...expected });
  });

  it("converts Shopify prices to minor units without floating point, zero- and three-decimal currencies included", () => {
    const order = (total_price: string, currency: string) =>
      event(
        "shopify",
        { id: 7, total_price, currency, financial_status: "paid", email: "s@example.com" },
        "orders/create",
      );
    expect(normalizePayment(order("19.99", "USD"))).toMatchObject({
      amount: 1999,
      currency: "usd",
      status: "succeeded",
      externalId: "7",
    });
    expect(normalizePayment(order("0.10", "USD")).amount).toBe(10);
    expect(normalizePayment(order("1500", "JPY")).amount).toBe(1500);
    expect(normalizePayment(order("1.5", "KWD")).amount).toBe(1500);
  });

  it("rejects a payment without an amount as a permanent failure", () => {
    expect(() => normalizePayment(stripe("payment_intent.succeeded", { id: "pi_3", currency: "usd" }))).toThrow(
      PermanentError,
    );
  });
});

describe("lead and ticket normalisation", () => {
  it("keeps a form's extra fields as attributes and lower-cases the email", () => {
    const lead = normalizeLead(
      event("new-lead", { email: "Jo@Acme.io", name: "Jo", utm: { source: "ad" }, plan: "pro" }),
    );
    expect(lead).toEqual({ email: "jo@acme.io", name: "Jo", attributes: { utm: { source: "ad" }, plan: "pro" } });
  });

  it("reads a Meta leadgen change's field data, and refuses one without an email", () => {
    const meta = (fields: Array<{ name: string; values: string[] }>) =>
      event("meta", {
        object: "page",
        entry: [{ id: "1", time: 1, changes: [{ field: "leadgen", value: { leadgen_id: "9", field_data: fields } }] }],
      });
    expect(
      normalizeLead(
        meta([
          { name: "email", values: ["m@example.com"] },
          { name: "full_name", values: ["Meta Person"] },
        ]),
      ),
    ).toMatchObject({
      email: "m@example.com",
      name: "Meta Person",
    });
    expect(() => normalizeLead(meta([{ name: "full_name", values: ["No Email"] }]))).toThrow(
      /does not describe a lead/,
    );
  });

  it("asks for a Meta lead's answers only when no leadgen change carries them, and uses the ones read for that lead", () => {
    const webhook = (value: Record<string, unknown>) =>
      event("meta", {
        object: "page",
        entry: [
          { id: "1", time: 1, changes: [{ field: "leadgen", value: { leadgen_id: "9", form_id: "f1", ...value } }] },
        ],
      });
    const answers = [{ name: "email", values: ["read@example.com"] }];
    expect(leadToRead(webhook({}))).toBe("9");
    expect(leadToRead(webhook({ field_data: answers }))).toBeUndefined();
    expect(leadToRead(event("new-lead", { leadgen_id: "9" }))).toBeUndefined();
    expect(normalizeLead(webhook({}), { id: "9", field_data: answers })).toMatchObject({
      email: "read@example.com",
      attributes: { leadgenId: "9", formId: "f1" },
    });
    // Answers read for another lead are not this one's.
    expect(() => normalizeLead(webhook({}), { id: "8", field_data: answers })).toThrow(/does not describe a lead/);
  });

  it("names Slack and GitHub tickets by channel and timestamp, repository and number", () => {
    const slack = normalizeTicket(
      event("slack", {
        event: { type: "message", channel: "C1", ts: "1.2", text: "It broke\nmore detail", user: "U1" },
      }),
    );
    expect(slack).toMatchObject({ externalId: "C1:1.2", subject: "It broke", description: "It broke\nmore detail" });
    const github = normalizeTicket(
      event("github", {
        issue: { number: 5, title: "Crash", body: null, html_url: "https://x/5", user: { login: "o" } },
        repository: { full_name: "a/b" },
      }),
    );
    expect(github).toMatchObject({ externalId: "a/b#5", subject: "Crash", url: "https://x/5", requesterName: "o" });
  });

  it("keeps where each ticket came from, so triage and replies can be written back there", () => {
    const slack = normalizeTicket(
      event("slack", { event: { type: "message", channel: "C1", ts: "1.2", thread_ts: "1.1", text: "Still broken" } }),
    );
    expect(slack.origin).toEqual({ kind: "slack", channel: "C1", ts: "1.2", threadTs: "1.1" });
    const github = normalizeTicket(
      event("github", { issue: { number: 5, title: "Crash" }, repository: { full_name: "a/b" } }),
    );
    expect(github.origin).toEqual({ kind: "github", repo: "a/b", number: 5 });
    const zendesk = normalizeTicket(
      event("new-ticket", { type: "zen:event-type:ticket.created", detail: { id: "35436", subject: "Help" } }),
    );
    expect(zendesk.origin).toEqual({ kind: "zendesk", ticketId: "35436" });
    // Ids that could not be the provider's never reach an API path: the ticket simply has no origin.
    const odd = normalizeTicket(
      event("github", { issue: { number: 5, title: "Crash" }, repository: { full_name: "a/../../b" } }),
    );
    expect(odd.origin).toBeUndefined();
    expect(normalizeTicket(event("custom", { id: "t1", subject: "Hi" })).origin).toBeUndefined();
  });
});
