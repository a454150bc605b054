import { z } from "zod";
import { leadAnalysisSchema } from "../ai/schemas.js";
import { leadInput, leadTask } from "../ai/tasks/lead-task.js";
import { normalizeLead } from "../normalize/lead.js";
import { runConnectors, type Pipeline } from "./pipeline.js";

const contactRef = z.object({ contactId: z.string() });

/** Lead: qualify (category, urgency, reasons, drafted reply), upsert the contact, then connectors. */
export const leadPipeline: Pipeline = {
  async run(context) {
    const { event, steps, ai, crm } = context;
    const lead = normalizeLead(event);
    const analysis = await steps.run("ai.lead", leadAnalysisSchema, () => ai.ask(leadTask, leadInput(lead, event.source)));
    const crmRef = await steps.write("crm.contact", contactRef, (p) => crm.lead(p, event, lead, analysis), { last: !context.connectors.length });
    await runConnectors(context, { type: "lead", lead, analysis, crm: crmRef });
  },
};
