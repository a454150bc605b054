import { describe, expect, it } from "vitest";
import { paymentSchema } from "../../canonical/schemas.js";
import { stripePayment } from "./normalize.js";

const stripe = (type: string, object: Record<string, unknown>) =>
  paymentSchema.parse(stripePayment({ id: "evt_1", object: "event", type, data: { object } }));

describe("Stripe payments", () => {
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
  ])("reads %s", (type, object, expected) => {
    expect(stripe(type, object)).toMatchObject({ externalId: object.id, kind: type, ...expected });
  });
});
