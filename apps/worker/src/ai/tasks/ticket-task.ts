import type { Ticket } from "../../normalize/canonical.js";
import { ticketRules } from "../rules/ticket-rules.js";
import { ticketAnalysisSchema } from "../schemas.js";
import type { AiTask } from "../task.js";

export interface TicketInput {
  subject: string;
  description?: string;
  requesterName?: string;
  source: string;
}

export function ticketInput(ticket: Ticket, source: string): TicketInput {
  return { subject: ticket.subject, description: ticket.description, requesterName: ticket.requesterName, source };
}

export const ticketTask: AiTask<TicketInput, typeof ticketAnalysisSchema> = {
  name: "ticket_triage",
  promptVersion: "ticket-v1",
  schema: ticketAnalysisSchema,
  instructions: [
    "You triage customer support requests.",
    "Set priority (urgent only for outages or data loss affecting the customer's business now), a category, the customer's sentiment,",
    "a one-sentence summary, and draft a short, empathetic reply that promises nothing the team has not confirmed.",
  ].join(" "),
  rules: ticketRules,
};
