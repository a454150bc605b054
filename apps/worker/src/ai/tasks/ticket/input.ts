import type { Ticket } from "@aiops/shared/canonical";

export interface TicketInput {
  subject: string;
  description?: string;
  requesterName?: string;
  source: string;
}

export function ticketInput(ticket: Ticket, source: string): TicketInput {
  return { subject: ticket.subject, description: ticket.description, requesterName: ticket.requesterName, source };
}
