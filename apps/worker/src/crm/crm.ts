import type { Prisma, PrismaClient } from "@aiops/shared";
import type { Lead, Payment, Ticket } from "../normalize/canonical.js";
import type { LeadAnalysis, PaymentAnalysis, TicketAnalysis } from "../ai/schemas.js";

export interface EventRef {
  id: string;
  source: string;
}

/**
 * The built-in CRM. Every write is an upsert on a natural key (contact email, source +
 * external id, event + activity kind), so running an event twice changes nothing.
 */
export class Crm {
  constructor(private readonly db: PrismaClient) {}

  async recordLead(event: EventRef, lead: Lead, analysis: LeadAnalysis): Promise<{ contactId: string }> {
    const profile = { name: lead.name, company: lead.company, phone: lead.phone };
    const contact = await this.db.contact.upsert({
      where: { email: lead.email },
      create: {
        email: lead.email,
        ...profile,
        category: analysis.category,
        score: analysis.urgency,
        attributes: lead.attributes as Prisma.InputJsonValue,
      },
      // Fields the form left empty keep what the CRM knew.
      update: { ...profile, category: analysis.category, score: analysis.urgency },
      select: { id: true },
    });
    await this.activity(contact.id, event, "lead", `${analysis.category} lead (urgency ${analysis.urgency})`, {
      message: lead.message,
      reasons: analysis.reasons,
      draftReply: analysis.draftReply,
    });
    return { contactId: contact.id };
  }

  async recordTicket(event: EventRef, ticket: Ticket, analysis: TicketAnalysis): Promise<{ ticketId: string; contactId?: string }> {
    const contactId = ticket.requesterEmail
      ? await this.contact(ticket.requesterEmail, { name: ticket.requesterName })
      : undefined;
    const fields = {
      subject: ticket.subject,
      description: ticket.description,
      url: ticket.url,
      contactId,
      priority: analysis.priority,
      category: analysis.category,
      sentiment: analysis.sentiment,
      summary: analysis.summary,
      draftReply: analysis.draftReply,
    };
    const row = await this.db.ticket.upsert({
      where: { source_externalId: { source: event.source, externalId: ticket.externalId } },
      create: { source: event.source, externalId: ticket.externalId, ...fields },
      update: fields,
      select: { id: true },
    });
    if (contactId)
      await this.activity(contactId, event, "ticket", `${analysis.priority} ticket: ${ticket.subject}`, { ticketId: row.id });
    return { ticketId: row.id, contactId };
  }

  async recordPayment(
    event: EventRef,
    payment: Payment,
    analysis: PaymentAnalysis | undefined,
  ): Promise<{ paymentId: string; contactId?: string }> {
    const paid = payment.status === "succeeded";
    const contactId = payment.email
      ? await this.contact(payment.email, { name: payment.customerName }, paid ? { isCustomer: true } : {})
      : undefined;
    const fields = {
      contactId,
      amount: payment.amount,
      currency: payment.currency,
      status: payment.status,
      failureReason: payment.failureReason,
      risk: analysis?.risk,
      draftMessage: analysis?.customerMessage,
    };
    const row = await this.db.payment.upsert({
      where: { source_externalId: { source: event.source, externalId: payment.externalId } },
      create: { source: event.source, externalId: payment.externalId, ...fields },
      update: fields,
      select: { id: true },
    });
    if (contactId) {
      const amount = `${(payment.amount / 100).toFixed(2)} ${payment.currency.toUpperCase()}`;
      await this.activity(contactId, event, `payment.${payment.status}`, `payment ${payment.status}: ${amount}`, {
        paymentId: row.id,
        kind: payment.kind,
        risk: analysis?.risk,
      });
    }
    return { paymentId: row.id, contactId };
  }

  /** A contact by email: created if new; a known one only gains what is given. */
  private async contact(email: string, profile: { name?: string }, flags: { isCustomer?: true } = {}): Promise<string> {
    const row = await this.db.contact.upsert({
      where: { email },
      create: { email, ...profile, ...flags },
      update: { ...profile, ...flags },
      select: { id: true },
    });
    return row.id;
  }

  private async activity(contactId: string, event: EventRef, kind: string, summary: string, data: Record<string, unknown>) {
    await this.db.activity.createMany({
      data: [{ contactId, eventId: event.id, kind, summary: summary.slice(0, 1000), data: data as Prisma.InputJsonValue }],
      skipDuplicates: true,
    });
  }
}
