import type { NewDraft } from "../drafts/draft-record.js";

/**
 * What a CRM step writes, as typed commands. The step store compiles them into the one
 * statement that also stores the step (see `StepRunner.write`), so the records and the step
 * are committed together. Every command is idempotent on a natural key: running an event
 * twice changes nothing.
 */
export interface CrmCommands {
  /** By email: created if new; a known contact keeps what this event does not say, and a customer stays one. */
  upsertContact?: UpsertContact;
  /** On source + external id, linked to the contact when there is one. */
  upsertTicket?: UpsertTicket;
  /** On source + external id, linked to the contact when there is one. */
  upsertPayment?: UpsertPayment;
  /** The contact's timeline entry for this event (one per event and kind); needs `upsertContact`. */
  addActivity?: AddActivity;
  /** The event's drafted reply, once per event: running it again finds the first. */
  createDraft?: CreateDraft;
}

export interface UpsertContact {
  email: string;
  name?: string | undefined;
  company?: string | undefined;
  phone?: string | undefined;
  category?: string | undefined;
  score?: number | undefined;
  isCustomer?: boolean | undefined;
  attributes?: unknown;
}

export interface UpsertTicket {
  source: string;
  externalId: string;
  subject: string;
  description: string | undefined;
  url: string | undefined;
  priority: string;
  category: string;
  sentiment: string;
  summary: string;
  draftReply: string;
}

export interface UpsertPayment {
  source: string;
  externalId: string;
  amount: number;
  currency: string;
  status: string;
  failureReason: string | undefined;
  risk: string | undefined;
  draftMessage: string | undefined;
}

export interface AddActivity {
  eventId: string;
  kind: string;
  summary: string;
  /** The entry's data; the ticket's or payment's id is added to it (`ticketId`, `paymentId`). */
  data: Record<string, unknown>;
}

export interface CreateDraft {
  eventId: string;
  draft: NewDraft;
  /** AUTO_SEND approved it: it is stored `approved`, decided by `auto`. */
  auto: boolean;
}
