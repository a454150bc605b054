import { z } from "zod";
import { ticketAnalysisSchema } from "../ai/schemas.js";
import { ticketInput, ticketTask } from "../ai/tasks/ticket-task.js";
import { normalizeTicket } from "../normalize/ticket.js";
import { runConnectors, type Pipeline } from "./pipeline.js";

const ticketRef = z.object({ ticketId: z.string(), contactId: z.string().optional() });

/** Ticket: triage (priority, category, sentiment, summary, drafted reply), upsert the ticket, then connectors. */
export const ticketPipeline: Pipeline = {
  async run(context) {
    const { event, steps, ai, crm } = context;
    const ticket = normalizeTicket(event);
    const analysis = await steps.run("ai.ticket", ticketAnalysisSchema, () => ai.ask(ticketTask, ticketInput(ticket, event.source)));
    const crmRef = await steps.write("crm.ticket", ticketRef, (p) => crm.ticket(p, event, ticket, analysis), { last: !context.connectors.length });
    await runConnectors(context, { type: "ticket", ticket, analysis, crm: crmRef });
  },
};
