import type { Ticket } from "@aiops/shared/canonical";
import { loadPrompt } from "../prompt-files.js";
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
  instructions: loadPrompt("ticket_triage", "ticket-v1"),
  rules: ticketRules,
};
