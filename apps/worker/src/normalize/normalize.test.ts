// Each provider's readers are tested beside them (packages/shared/src/providers/<provider>/);
// these check that the worker reaches them by the event's source, and fails a bad payload for good.
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

const metaPage = (value: Record<string, unknown>) =>
  event("meta", {
    object: "page",
    entry: [{ id: "1", time: 1, changes: [{ field: "leadgen", value: { leadgen_id: "9", form_id: "f1", ...value } }] }],
  });

describe("normalisation by the event's source", () => {
  it("reads payments with the provider's reader: Stripe's data.object, Shopify's decimal price", () => {
    const intent = { id: "pi_1", amount: 4900, currency: "usd", receipt_email: "A@Example.com" };
    expect(normalizePayment(stripe("payment_intent.succeeded", intent))).toEqual({
      externalId: "pi_1",
      amount: 4900,
      currency: "usd",
      status: "succeeded",
      email: "a@example.com",
      kind: "payment_intent.succeeded",
    });
    const order = { id: 7, total_price: "19.99", currency: "USD", financial_status: "paid" };
    expect(normalizePayment(event("shopify", order, "orders/create"))).toMatchObject({
      externalId: "7",
      amount: 1999,
      kind: "orders/create",
    });
  });

  it("reads tickets with the provider's reader, and keeps where each came from", () => {
    const slack = normalizeTicket(
      event("slack", { event: { type: "message", channel: "C1", ts: "1.2", thread_ts: "1.1", text: "Still broken" } }),
    );
    expect(slack).toMatchObject({ externalId: "C1:1.2", subject: "Still broken" });
    expect(slack.origin).toEqual({ kind: "slack", channel: "C1", ts: "1.2", threadTs: "1.1" });
    const github = normalizeTicket(
      event("github", { issue: { number: 5, title: "Crash" }, repository: { full_name: "a/b" } }),
    );
    expect(github.origin).toEqual({ kind: "github", repo: "a/b", number: 5 });
    const zendesk = normalizeTicket(
      event("new-ticket", { type: "zen:event-type:ticket.created", detail: { id: "35436", subject: "Help" } }),
    );
    expect(zendesk.origin).toEqual({ kind: "zendesk", ticketId: "35436" });
  });

  it("reads a custom source's events by the documented field names, whatever its name", () => {
    expect(normalizeTicket(event("custom", { id: "t1", subject: "Hi" }))).toEqual({ externalId: "t1", subject: "Hi" });
    expect(normalizeLead(event("typeform", { email: "Jo@Acme.io", name: "Jo", plan: "pro" }))).toEqual({
      email: "jo@acme.io",
      name: "Jo",
      attributes: { plan: "pro" },
    });
    expect(
      normalizePayment(event("billing", { id: "b1", amount: 500, currency: "EUR", status: "failed" }, "charge")),
    ).toMatchObject({ externalId: "b1", amount: 500, currency: "eur", status: "failed", kind: "charge" });
  });

  it("reads a kind a provider has no reader for as a custom source's", () => {
    // A payload shaped like a form, under a source whose provider reads only tickets.
    expect(normalizeLead(event("slack", { email: "s@example.com", name: "S" }))).toMatchObject({
      email: "s@example.com",
      name: "S",
    });
  });

  it("fails a payload that cannot become the record permanently", () => {
    expect(() => normalizePayment(stripe("payment_intent.succeeded", { id: "pi_3", currency: "usd" }))).toThrow(
      PermanentError,
    );
    expect(() => normalizeLead(metaPage({ field_data: [{ name: "full_name", values: ["No Email"] }] }))).toThrow(
      /does not describe a lead/,
    );
  });

  it("asks for a Meta lead's answers only when the event lacks them, and uses the ones read for that lead", () => {
    const answers = [{ name: "email", values: ["read@example.com"] }];
    expect(leadToRead(metaPage({}))).toBe("9");
    expect(leadToRead(metaPage({ field_data: answers }))).toBeUndefined();
    expect(leadToRead(event("new-lead", { leadgen_id: "9" }))).toBeUndefined();
    expect(normalizeLead(metaPage({}), { id: "9", field_data: answers })).toMatchObject({
      email: "read@example.com",
      attributes: { leadgenId: "9", formId: "f1" },
    });
    expect(() => normalizeLead(metaPage({}), { id: "8", field_data: answers })).toThrow(/does not describe a lead/);
  });
});
