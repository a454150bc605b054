import { sqlFor, type PrismaClient, type Sql } from "@aiops/shared";
import type { Lead, Payment, Ticket } from "../normalize/canonical.js";
import type { LeadAnalysis, PaymentAnalysis, TicketAnalysis } from "../ai/schemas.js";

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

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/**
 * The built-in CRM. Every write is an upsert on a natural key (contact email, source +
 * external id, event + activity kind), so running an event twice changes nothing.
 *
 * Written in SQL on the shared pool (`sqlFor`) because this is the worker's hot path: one
 * statement per record, without Prisma's per-call client cost.
 */
export class Crm {
  private readonly sql: Sql;

  constructor(db: PrismaClient) {
    this.sql = sqlFor(db);
  }

  async recordLead(event: EventRef, lead: Lead, analysis: LeadAnalysis): Promise<{ contactId: string }> {
    const contactId = await this.contact({
      email: lead.email,
      name: lead.name,
      company: lead.company,
      phone: lead.phone,
      category: analysis.category,
      score: analysis.urgency,
      attributes: lead.attributes,
    });
    await this.activity(contactId, event, "lead", `${analysis.category} lead (urgency ${analysis.urgency})`, {
      message: lead.message,
      reasons: analysis.reasons,
      draftReply: analysis.draftReply,
    });
    return { contactId };
  }

  async recordTicket(event: EventRef, ticket: Ticket, analysis: TicketAnalysis): Promise<{ ticketId: string; contactId?: string }> {
    const contactId = ticket.requesterEmail ? await this.contact({ email: ticket.requesterEmail, name: ticket.requesterName }) : undefined;
    const rows = await this.sql.query<{ id: string }>(
      `INSERT INTO tickets (id, source, external_id, contact_id, subject, description, url, priority, category, sentiment, summary, draft_reply, updated_at)
      VALUES (gen_random_uuid(), $1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11, (now() AT TIME ZONE 'UTC'))
      ON CONFLICT (source, external_id) DO UPDATE SET
        contact_id = COALESCE(EXCLUDED.contact_id, tickets.contact_id), subject = EXCLUDED.subject,
        description = EXCLUDED.description, url = EXCLUDED.url, priority = EXCLUDED.priority, category = EXCLUDED.category,
        sentiment = EXCLUDED.sentiment, summary = EXCLUDED.summary, draft_reply = EXCLUDED.draft_reply, updated_at = EXCLUDED.updated_at
      RETURNING id::text`,
      [
        event.source,
        ticket.externalId,
        contactId ?? null,
        ticket.subject,
        ticket.description ?? null,
        ticket.url ?? null,
        analysis.priority,
        analysis.category,
        analysis.sentiment,
        analysis.summary,
        analysis.draftReply,
      ],
    );
    const ticketId = rows[0]!.id;
    if (contactId)
      await this.activity(contactId, event, "ticket", `${analysis.priority} ticket: ${ticket.subject}`, { ticketId });
    return { ticketId, contactId };
  }

  async recordPayment(
    event: EventRef,
    payment: Payment,
    analysis: PaymentAnalysis | undefined,
  ): Promise<{ paymentId: string; contactId?: string }> {
    const paid = payment.status === "succeeded";
    const contactId = payment.email
      ? await this.contact({ email: payment.email, name: payment.customerName, isCustomer: paid || undefined })
      : undefined;
    const rows = await this.sql.query<{ id: string }>(
      `INSERT INTO payments (id, source, external_id, contact_id, amount, currency, status, failure_reason, risk, draft_message, updated_at)
      VALUES (gen_random_uuid(), $1, $2, $3::uuid, $4, $5, $6, $7, $8, $9, (now() AT TIME ZONE 'UTC'))
      ON CONFLICT (source, external_id) DO UPDATE SET
        contact_id = COALESCE(EXCLUDED.contact_id, payments.contact_id), amount = EXCLUDED.amount, currency = EXCLUDED.currency,
        status = EXCLUDED.status, failure_reason = EXCLUDED.failure_reason, risk = EXCLUDED.risk,
        draft_message = EXCLUDED.draft_message, updated_at = EXCLUDED.updated_at
      RETURNING id::text`,
      [
        event.source,
        payment.externalId,
        contactId ?? null,
        payment.amount,
        payment.currency,
        payment.status,
        payment.failureReason ?? null,
        analysis?.risk ?? null,
        analysis?.customerMessage ?? null,
      ],
    );
    const paymentId = rows[0]!.id;
    if (contactId) {
      const amount = `${(payment.amount / 100).toFixed(2)} ${payment.currency.toUpperCase()}`;
      await this.activity(contactId, event, `payment.${payment.status}`, `payment ${payment.status}: ${amount}`, {
        paymentId,
        kind: payment.kind,
        risk: analysis?.risk,
      });
    }
    return { paymentId, contactId };
  }

  /**
   * A contact by email: created if new; a known one keeps what this event does not say
   * (a missing name never erases one, and a customer stays a customer).
   */
  private async contact(fields: ContactFields): Promise<string> {
    const rows = await this.sql.query<{ id: string }>(
      `INSERT INTO contacts (id, email, name, company, phone, category, score, is_customer, attributes, updated_at)
      VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6::int, $7, $8::jsonb, (now() AT TIME ZONE 'UTC'))
      ON CONFLICT (email) DO UPDATE SET
        name = COALESCE(EXCLUDED.name, contacts.name), company = COALESCE(EXCLUDED.company, contacts.company),
        phone = COALESCE(EXCLUDED.phone, contacts.phone), category = COALESCE(EXCLUDED.category, contacts.category),
        score = COALESCE(EXCLUDED.score, contacts.score), is_customer = contacts.is_customer OR EXCLUDED.is_customer,
        attributes = COALESCE(EXCLUDED.attributes, contacts.attributes), updated_at = EXCLUDED.updated_at
      RETURNING id::text`,
      [
        fields.email,
        fields.name ?? null,
        fields.company ?? null,
        fields.phone ?? null,
        fields.category ?? null,
        fields.score ?? null,
        fields.isCustomer ?? false,
        json(fields.attributes),
      ],
    );
    return rows[0]!.id;
  }

  private async activity(contactId: string, event: EventRef, kind: string, summary: string, data: Record<string, unknown>) {
    await this.sql.execute(
      `INSERT INTO activities (id, contact_id, event_id, kind, summary, data)
      VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, $5::jsonb)
      ON CONFLICT (event_id, kind) DO NOTHING`,
      [contactId, event.id, kind, summary.slice(0, 1000), json(data)],
    );
  }
}
