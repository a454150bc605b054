import { z } from "zod";
import { ticketInput } from "../ai/tasks/ticket/input.js";
import { ticketAnalysisSchema } from "../ai/tasks/ticket/schema.js";
import { ticketTask } from "../ai/tasks/ticket/task.js";
import { ticketDraft } from "../drafts/draft-record.js";
import { normalizeTicket } from "../normalize/normalize.js";
import { crmIsLast, dispatchDraft, draftCommand, draftRefSchema, type Pipeline, runConnectors } from "./pipeline.js";

const ticketRef = z.object({ ticketId: z.string(), contactId: z.string().optional() }).extend(draftRefSchema.shape);

/** Ticket: triage (priority, category, sentiment, summary, drafted reply), upsert the ticket and store the drafted reply, then connectors. */
export const ticketPipeline: Pipeline = {
  async run(context) {
    const { event, steps, ai, crm } = context;
    const ticket = normalizeTicket(event);
    const analysis = await steps.run("ai.ticket", ticketAnalysisSchema, () =>
      ai.ask(ticketTask, ticketInput(ticket, event.source)),
    );
    const draft = ticketDraft(ticket, analysis);
    const auto = context.drafts.autoSend(draft);
    const crmRef = await steps.write(
      "crm.ticket",
      ticketRef,
      () => ({ ...crm.ticket(event, ticket, analysis), ...draftCommand(event, draft, auto) }),
      {
        last: crmIsLast(context, draft),
      },
    );
    await dispatchDraft(context, crmRef);
    await runConnectors(context, { type: "ticket", ticket, analysis, crm: crmRef });
  },
};
