import type { EventJob } from "@aiops/shared";
import type { Lead, Payment, Ticket } from "@aiops/shared/canonical";
import type { LeadAnalysis } from "../ai/tasks/lead/schema.js";
import type { PaymentAnalysis } from "../ai/tasks/payment/schema.js";
import type { TicketAnalysis } from "../ai/tasks/ticket/schema.js";

/** The event's drafted reply, when it has one: its id and status when the CRM step stored it. */
export interface DraftRef {
  draftId?: string | undefined;
  draftStatus?: string | undefined;
}

/** What a pipeline decided about an event: the record, the AI's analysis and the CRM ids. */
export type Outcome =
  | { type: "lead"; lead: Lead; analysis: LeadAnalysis; crm: { contactId: string } & DraftRef }
  | {
      type: "ticket";
      ticket: Ticket;
      analysis: TicketAnalysis;
      crm: { ticketId: string; contactId?: string | undefined } & DraftRef;
    }
  | {
      type: "payment";
      payment: Payment;
      analysis?: PaymentAnalysis | undefined;
      crm: { paymentId: string; contactId?: string | undefined } & DraftRef;
    };

/**
 * Pushes outcomes to a system outside the platform. Each connector runs as its own step
 * (`connector.<name>`), so its failure retries it alone.
 */
export interface Connector {
  readonly name: string;
  applies(outcome: Outcome): boolean;
  /** Returns what is worth keeping as the step's output (remote ids, status). */
  deliver(event: EventJob, outcome: Outcome): Promise<Record<string, unknown>>;
}

/** The email an outcome is about, if any: the key every CRM connector upserts on. */
export function outcomeEmail(outcome: Outcome): string | undefined {
  if (outcome.type === "lead") return outcome.lead.email;
  if (outcome.type === "ticket") return outcome.ticket.requesterEmail;
  return outcome.payment.email;
}
