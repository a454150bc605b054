import { formatMoney, type Lead, type Payment, type Ticket } from "@aiops/shared/canonical";
import type { LeadAnalysis } from "../ai/tasks/lead/schema.js";
import type { PaymentAnalysis } from "../ai/tasks/payment/schema.js";
import type { TicketAnalysis } from "../ai/tasks/ticket/schema.js";
import { type DatabaseWrite, json, type Params } from "../steps/params.js";

export interface EventRef {
  id: string;
  source: string;
}

interface ContactFields {
  email: string;
  name?: string;
  company?: string;
  phone?: string;
  category?: string;
  score?: number;
  isCustomer?: boolean;
  attributes?: unknown;
}

/**
 * The built-in CRM. Every write is an upsert on a natural key (contact email, source +
 * external id, event + activity kind), so running an event twice changes nothing.
 *
 * Each record is data-modifying CTEs (contact, record and activity together) that the
 * pipeline's CRM step sends in the same statement as its own step row (`StepRunner.write`):
 * one round trip, and the record and the step are committed together.
 */
export class Crm {
  lead(p: Params, event: EventRef, lead: Lead, analysis: LeadAnalysis): DatabaseWrite {
    const contact = this.contact(p, {
      email: lead.email,
      name: lead.name,
      company: lead.company,
      phone: lead.phone,
      category: analysis.category,
      score: analysis.urgency,
      attributes: lead.attributes,
    });
    const data = p.add(json({ message: lead.message, reasons: analysis.reasons, draftReply: analysis.draftReply }));
    const activity = this.activity(
      p,
      event,
      "lead",
      `${analysis.category} lead (urgency ${analysis.urgency})`,
      "FROM contact",
      `${data}::jsonb`,
    );
    return { ctes: [contact, activity], output: "(SELECT jsonb_build_object('contactId', id::text) FROM contact)" };
  }

  ticket(p: Params, event: EventRef, ticket: Ticket, analysis: TicketAnalysis): DatabaseWrite {
    const contact = ticket.requesterEmail
      ? this.contact(p, { email: ticket.requesterEmail, name: ticket.requesterName })
      : undefined;
    const record = `record AS (
      INSERT INTO tickets (id, source, external_id, contact_id, subject, description, url, priority, category, sentiment, summary, draft_reply, updated_at)
      ${p.rows(`gen_random_uuid(), ${p.add(event.source)}::text, ${p.add(ticket.externalId)}::text, ${contact ? "(SELECT id FROM contact)" : "NULL::uuid"},
              ${p.add(ticket.subject)}::text, ${p.add(ticket.description)}::text, ${p.add(ticket.url)}::text, ${p.add(analysis.priority)}::text,
              ${p.add(analysis.category)}::text, ${p.add(analysis.sentiment)}::text, ${p.add(analysis.summary)}::text, ${p.add(analysis.draftReply)}::text,
              (now() AT TIME ZONE 'UTC')`)}
      ON CONFLICT (source, external_id) DO UPDATE SET
        contact_id = COALESCE(EXCLUDED.contact_id, tickets.contact_id), subject = EXCLUDED.subject,
        description = EXCLUDED.description, url = EXCLUDED.url, priority = EXCLUDED.priority, category = EXCLUDED.category,
        sentiment = EXCLUDED.sentiment, summary = EXCLUDED.summary, draft_reply = EXCLUDED.draft_reply, updated_at = EXCLUDED.updated_at
      RETURNING id)`;
    const activity = contact
      ? this.activity(
          p,
          event,
          "ticket",
          `${analysis.priority} ticket: ${ticket.subject}`,
          "FROM contact, record",
          "jsonb_build_object('ticketId', record.id::text)",
        )
      : undefined;
    return {
      ctes: [contact, record, activity].filter((cte) => cte !== undefined),
      output: recordOutput("ticketId", contact !== undefined),
    };
  }

  payment(p: Params, event: EventRef, payment: Payment, analysis: PaymentAnalysis | undefined): DatabaseWrite {
    const paid = payment.status === "succeeded";
    const contact = payment.email
      ? this.contact(p, { email: payment.email, name: payment.customerName, isCustomer: paid || undefined })
      : undefined;
    const record = `record AS (
      INSERT INTO payments (id, source, external_id, contact_id, amount, currency, status, failure_reason, risk, draft_message, updated_at)
      ${p.rows(`gen_random_uuid(), ${p.add(event.source)}::text, ${p.add(payment.externalId)}::text, ${contact ? "(SELECT id FROM contact)" : "NULL::uuid"},
              ${p.add(payment.amount)}::int, ${p.add(payment.currency)}::text, ${p.add(payment.status)}::text, ${p.add(payment.failureReason)}::text,
              ${p.add(analysis?.risk)}::text, ${p.add(analysis?.customerMessage)}::text, (now() AT TIME ZONE 'UTC')`)}
      ON CONFLICT (source, external_id) DO UPDATE SET
        contact_id = COALESCE(EXCLUDED.contact_id, payments.contact_id), amount = EXCLUDED.amount, currency = EXCLUDED.currency,
        status = EXCLUDED.status, failure_reason = EXCLUDED.failure_reason, risk = EXCLUDED.risk,
        draft_message = EXCLUDED.draft_message, updated_at = EXCLUDED.updated_at
      RETURNING id)`;
    const amount = formatMoney(payment.amount, payment.currency);
    const activity = contact
      ? this.activity(
          p,
          event,
          `payment.${payment.status}`,
          `payment ${payment.status}: ${amount}`,
          "FROM contact, record",
          `jsonb_build_object('paymentId', record.id::text) || ${p.add(json({ kind: payment.kind, risk: analysis?.risk }))}::jsonb`,
        )
      : undefined;
    return {
      ctes: [contact, record, activity].filter((cte) => cte !== undefined),
      output: recordOutput("paymentId", contact !== undefined),
    };
  }

  /**
   * A contact by email (the CTE `contact`): created if new; a known one keeps what this
   * event does not say (a missing name never erases one, and a customer stays a customer).
   */
  private contact(p: Params, fields: ContactFields): string {
    return `contact AS (
      INSERT INTO contacts (id, email, name, company, phone, category, score, is_customer, attributes, updated_at)
      ${p.rows(`gen_random_uuid(), ${p.add(fields.email)}::text, ${p.add(fields.name)}::text, ${p.add(fields.company)}::text, ${p.add(fields.phone)}::text,
              ${p.add(fields.category)}::text, ${p.add(fields.score)}::int, ${p.add(fields.isCustomer ?? false)}::boolean,
              ${p.add(json(fields.attributes))}::jsonb, (now() AT TIME ZONE 'UTC')`)}
      ON CONFLICT (email) DO UPDATE SET
        name = COALESCE(EXCLUDED.name, contacts.name), company = COALESCE(EXCLUDED.company, contacts.company),
        phone = COALESCE(EXCLUDED.phone, contacts.phone), category = COALESCE(EXCLUDED.category, contacts.category),
        score = COALESCE(EXCLUDED.score, contacts.score), is_customer = contacts.is_customer OR EXCLUDED.is_customer,
        attributes = COALESCE(EXCLUDED.attributes, contacts.attributes), updated_at = EXCLUDED.updated_at
      RETURNING id)`;
  }

  /** The contact's timeline entry for this event (the CTE `activity`); `data` is a jsonb SQL expression over `from`. */
  private activity(p: Params, event: EventRef, kind: string, summary: string, from: string, data: string): string {
    return `activity AS (
      INSERT INTO activities (id, contact_id, event_id, kind, summary, data)
      SELECT gen_random_uuid(), contact.id, ${p.add(event.id)}::text, ${p.add(kind)}::text, ${p.add(summary.slice(0, 1000))}::text, ${data}
      ${from}
      ON CONFLICT (event_id, kind) DO NOTHING)`;
  }
}

/** The output of a ticket's or payment's step: the record's id, and its contact's when there is one. */
function recordOutput(key: string, withContact: boolean): string {
  const contact = withContact ? `, 'contactId', (SELECT id::text FROM contact)` : "";
  return `(SELECT jsonb_build_object('${key}', record.id::text${contact}) FROM record)`;
}
