import type { EventJob } from "@aiops/shared";
import { type Payment, paymentSchema } from "./canonical.js";
import { first, integer, record, text } from "./fields.js";
import { toMinorUnits } from "./money.js";
import { parseCanonical } from "./parse.js";

type Status = Payment["status"];

/** Stripe event objects: the `data.object` names the payment; the event type says what happened. */
function fromStripe(body: Record<string, unknown>): unknown {
  const type = text(body.type) ?? "unknown";
  const object = record(record(body.data).object);
  const base = { externalId: text(object.id), currency: text(object.currency), kind: type };
  switch (type) {
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed": {
      const error = record(object.last_payment_error);
      return {
        ...base,
        amount: integer(object.amount),
        status: type === "payment_intent.succeeded" ? "succeeded" : "failed",
        email: text(object.receipt_email),
        failureReason: text(first(error.message, error.decline_code, error.code)),
      };
    }
    case "invoice.payment_failed":
    case "invoice.paid":
      return {
        ...base,
        amount: integer(type === "invoice.paid" ? object.amount_paid : object.amount_due),
        status: type === "invoice.paid" ? "succeeded" : "failed",
        email: text(object.customer_email),
        customerName: text(object.customer_name),
        failureReason:
          type === "invoice.payment_failed"
            ? `invoice payment attempt ${text(object.attempt_count) ?? "?"} failed`
            : undefined,
      };
    case "charge.dispute.created": {
      const evidence = record(object.evidence);
      return {
        ...base,
        amount: integer(object.amount),
        status: "disputed",
        email: text(evidence.customer_email_address),
        customerName: text(evidence.customer_name),
        failureReason: text(object.reason),
      };
    }
    case "checkout.session.completed": {
      const customer = record(object.customer_details);
      const paid = object.payment_status === "paid" || object.payment_status === "no_payment_required";
      return {
        ...base,
        amount: integer(object.amount_total),
        status: paid ? "succeeded" : "pending",
        email: text(first(customer.email, object.customer_email)),
        customerName: text(customer.name),
      };
    }
    default:
      return base;
  }
}

const shopifyStatus: Record<string, Status> = {
  paid: "succeeded",
  partially_paid: "pending",
  pending: "pending",
  authorized: "pending",
  partially_refunded: "refunded",
  refunded: "refunded",
  voided: "failed",
};

/** A Shopify order: its financial status says whether money arrived. */
function fromShopify(body: Record<string, unknown>, kind: string): unknown {
  const currency = text(body.currency);
  const price = text(body.total_price);
  const customer = record(body.customer);
  const name = [text(customer.first_name), text(customer.last_name)].filter(Boolean).join(" ");
  return {
    externalId: text(body.id),
    amount: price && currency ? toMinorUnits(price, currency) : undefined,
    currency,
    status: shopifyStatus[text(body.financial_status) ?? ""] ?? "pending",
    email: text(first(body.email, customer.email)),
    customerName: name || undefined,
    kind,
  };
}

function fromGeneric(body: Record<string, unknown>, kind: string): unknown {
  return {
    externalId: text(body.id),
    amount: integer(body.amount),
    currency: text(body.currency),
    status: text(body.status),
    email: text(body.email),
    customerName: text(body.name),
    failureReason: text(body.failure_reason),
    kind,
  };
}

export function normalizePayment(event: EventJob): Payment {
  const body = record(event.payload);
  const kind = event.providerType ?? "payment";
  const candidate =
    event.source === "payment"
      ? fromStripe(body)
      : event.source === "shopify"
        ? fromShopify(body, kind)
        : fromGeneric(body, kind);
  return parseCanonical(paymentSchema, candidate, "payment");
}
