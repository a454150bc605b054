// The event's records in the canonical shapes. Each provider knows where its fields are
// (packages/shared/src/providers/<provider>/normalize.ts); this asks the registry for the
// readers of the event's source and checks their answer against the canonical schema.
import { type EventJob, type MetaLead, normalizersFor } from "@aiops/shared";
import {
  type Lead,
  leadSchema,
  type Payment,
  paymentSchema,
  record,
  type Ticket,
  ticketSchema,
} from "@aiops/shared/canonical";
import { z } from "zod";
import { PermanentError } from "../errors/index.js";

/** A payload that cannot become the record fails the event for good: retrying reads it the same way. */
function parseCanonical<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new PermanentError(
    "invalid_event",
    `the payload does not describe a ${what}: ${z.prettifyError(result.error)}`,
  );
}

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
