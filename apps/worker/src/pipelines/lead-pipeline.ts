import { z } from "zod";
import { leadAnalysisSchema } from "../ai/schemas.js";
import { leadInput, leadTask } from "../ai/tasks/lead-task.js";
import { metaLeadToRead, normalizeLead } from "../normalize/lead.js";
import { metaLeadSchema } from "../normalize/meta-graph.js";
import { runConnectors, type Pipeline } from "./pipeline.js";

const contactRef = z.object({ contactId: z.string() });

/**
 * Lead: read a Meta lead's answers when the webhook did not carry them, qualify (category,
 * urgency, reasons, drafted reply), upsert the contact, then connectors.
 */
export const leadPipeline: Pipeline = {
  async run(context) {
    const { event, steps, ai, crm, meta } = context;
    const leadgenId = metaLeadToRead(event);
    // A read that changes nothing anywhere: after a crash it is simply read again.
    const read = leadgenId ? await steps.run("meta.lead", metaLeadSchema, async () => ({ output: await meta.lead(leadgenId), repeatable: true })) : undefined;
    const lead = normalizeLead(event, read);
    const analysis = await steps.run("ai.lead", leadAnalysisSchema, () => ai.ask(leadTask, leadInput(lead, event.source)));
    const crmRef = await steps.write("crm.contact", contactRef, (p) => crm.lead(p, event, lead, analysis), { last: !context.connectors.length });
    await runConnectors(context, { type: "lead", lead, analysis, crm: crmRef });
  },
};
