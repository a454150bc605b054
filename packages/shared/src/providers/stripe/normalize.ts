import { first, integer, record, text } from "../../canonical/fields.js";
import type { Payload } from "../types.js";

/** A Stripe event: its `data.object` names the payment; its type says what happened. */
export function stripePayment(body: Payload): unknown {
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
