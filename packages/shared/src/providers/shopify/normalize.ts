import { first, record, text } from "../../canonical/fields.js";
import { toMinorUnits } from "../../canonical/money.js";
import type { Payment } from "../../canonical/schemas.js";
import type { Payload } from "../types.js";

const shopifyStatus: Record<string, Payment["status"]> = {
  paid: "succeeded",
  partially_paid: "pending",
  pending: "pending",
  authorized: "pending",
  partially_refunded: "refunded",
  refunded: "refunded",
  voided: "failed",
};

/** A Shopify order: its financial status says whether money arrived. */
export function shopifyPayment(body: Payload, kind: string): unknown {
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
