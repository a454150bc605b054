import type { EventJob, MetaLead } from "@aiops/shared";
import { normalizersFor } from "@aiops/shared";
import {
  type Lead,
  leadSchema,
  type Payment,
  paymentSchema,
  record,
  type Ticket,
  ticketSchema,
} from "@aiops/shared/canonical";
import { parseCanonical } from "./parse.js";

/**
 * The event's records in the canonical shapes. Each provider knows where its fields are
 * (`packages/shared/src/providers/<provider>/normalize.ts`); this asks the registry for the
 * event's source and checks the answer, so a payload that cannot become one fails for good.
 */

/** The event's lead; for a lead that came without its answers, `read` is the provider API's copy. */
export function normalizeLead(event: EventJob, read?: MetaLead): Lead {
  return parseCanonical(leadSchema, normalizersFor(event.source).lead(record(event.payload), read), "lead");
}

/** The id of a lead the event names but does not carry (Meta Lead Ads), to be read before `normalizeLead`. */
export function leadToRead(event: EventJob): string | undefined {
  return normalizersFor(event.source).leadToRead?.(record(event.payload));
}

export function normalizeTicket(event: EventJob): Ticket {
  return parseCanonical(ticketSchema, normalizersFor(event.source).ticket(record(event.payload)), "ticket");
}

export function normalizePayment(event: EventJob): Payment {
  const candidate = normalizersFor(event.source).payment(record(event.payload), event.providerType ?? "payment");
  return parseCanonical(paymentSchema, candidate, "payment");
}
