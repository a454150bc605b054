import { first, headline, integer, record, text } from "../../canonical/fields.js";
import { formLead } from "../standard-webhooks/normalize.js";
import type { Normalizers, Payload } from "../types.js";

/** A custom source's ticket: the common field names. */
export function genericTicket(body: Payload): unknown {
  const description = text(first(body.description, body.body, body.message, body.text));
  return {
    externalId: text(first(body.id, body.ticket_id, body.externalId)),
    subject: first(text(first(body.subject, body.title)), description && headline(description)),
    description,
    requesterEmail: text(first(body.email, record(body.requester).email)),
    requesterName: text(first(body.name, record(body.requester).name)),
    url: text(body.url),
  };
}

/** A custom source's payment: the common field names, the amount in minor units. */
export function genericPayment(body: Payload, kind: string): unknown {
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

/**
 * A custom source's events, whatever type its mapping gives them: common field names
 * (docs/ingress.md, "Adding a source"). They also read a kind a built-in provider has no reader for.
 */
export const customNormalizers = {
  lead: formLead,
  ticket: genericTicket,
  payment: genericPayment,
} satisfies Normalizers;
