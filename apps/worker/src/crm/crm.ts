import { formatMoney, type Lead, type Payment, type Ticket } from "@aiops/shared/canonical";
import type { LeadAnalysis } from "../ai/tasks/lead/schema.js";
import type { PaymentAnalysis } from "../ai/tasks/payment/schema.js";
import type { TicketAnalysis } from "../ai/tasks/ticket/schema.js";
import type { CrmCommands } from "./commands.js";

export interface EventRef {
  id: string;
  source: string;
}

/**
 * The built-in CRM: what each event type records, as typed commands (`CrmCommands`). The
 * step store compiles them into the CRM step's statement; every one is an upsert on a
 * natural key (contact email, source + external id, event + activity kind), so running an
 * event twice changes nothing.
 */
export class Crm {
  lead(event: EventRef, lead: Lead, analysis: LeadAnalysis): CrmCommands {
    return {
      upsertContact: {
        email: lead.email,
        name: lead.name,
        company: lead.company,
        phone: lead.phone,
        category: analysis.category,
        score: analysis.urgency,
        attributes: lead.attributes,
      },
      addActivity: {
        eventId: event.id,
        kind: "lead",
        summary: `${analysis.category} lead (urgency ${analysis.urgency})`,
        data: { message: lead.message, reasons: analysis.reasons, draftReply: analysis.draftReply },
      },
    };
  }

  ticket(event: EventRef, ticket: Ticket, analysis: TicketAnalysis): CrmCommands {
    const email = ticket.requesterEmail;
    return {
      ...(email ? { upsertContact: { email, name: ticket.requesterName } } : {}),
      upsertTicket: {
        source: event.source,
        externalId: ticket.externalId,
        subject: ticket.subject,
        description: ticket.description,
        url: ticket.url,
        priority: analysis.priority,
        category: analysis.category,
        sentiment: analysis.sentiment,
        summary: analysis.summary,
        draftReply: analysis.draftReply,
      },
      ...(email
        ? {
            addActivity: {
              eventId: event.id,
              kind: "ticket",
              summary: `${analysis.priority} ticket: ${ticket.subject}`,
              data: {},
            },
          }
        : {}),
    };
  }

  payment(event: EventRef, payment: Payment, analysis: PaymentAnalysis | undefined): CrmCommands {
    const paid = payment.status === "succeeded";
    const email = payment.email;
    return {
      ...(email ? { upsertContact: { email, name: payment.customerName, isCustomer: paid || undefined } } : {}),
      upsertPayment: {
        source: event.source,
        externalId: payment.externalId,
        amount: payment.amount,
        currency: payment.currency,
        status: payment.status,
        failureReason: payment.failureReason,
        risk: analysis?.risk,
        draftMessage: analysis?.customerMessage,
      },
      ...(email
        ? {
            addActivity: {
              eventId: event.id,
              kind: `payment.${payment.status}`,
              summary: `payment ${payment.status}: ${formatMoney(payment.amount, payment.currency)}`,
              data: { kind: payment.kind, risk: analysis?.risk },
            },
          }
        : {}),
    };
  }
}
