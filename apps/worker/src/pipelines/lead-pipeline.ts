import { metaLeadSchema } from "@aiops/shared";
import { z } from "zod";
import { leadInput } from "../ai/tasks/lead/input.js";
import { leadAnalysisSchema } from "../ai/tasks/lead/schema.js";
import { leadTask } from "../ai/tasks/lead/task.js";
import { leadDraft } from "../drafts/draft-record.js";
import { leadToRead, normalizeLead } from "../normalize/normalize.js";
import { crmIsLast, dispatchDraft, draftCommand, draftRefSchema, type Pipeline, runConnectors } from "./pipeline.js";

const contactRef = z.object({ contactId: z.string() }).extend(draftRefSchema.shape);

/**
 * Lead: read a Meta lead's answers when the webhook did not carry them, qualify (category,
 * urgency, reasons, drafted reply), upsert the contact and store the drafted reply, then connectors.
 */
export const leadPipeline: Pipeline = {
  async run(context) {
    const { event, steps, ai, crm, meta } = context;
    // Only Meta names a lead without its answers; its Graph API is the one lead reader wired.
    const leadgenId = leadToRead(event);
    const read = leadgenId
      ? await steps.run("meta.lead", metaLeadSchema, async () => ({ output: await meta.lead(leadgenId) }))
      : undefined;
    const lead = normalizeLead(event, read);
    const analysis = await steps.run("ai.lead", leadAnalysisSchema, () =>
      ai.ask(leadTask, leadInput(lead, event.source)),
    );
    const draft = leadDraft(lead, analysis);
    const auto = context.drafts.autoSend(draft);
    const crmRef = await steps.write(
      "crm.contact",
      contactRef,
      () => ({ ...crm.lead(event, lead, analysis), ...draftCommand(event, draft, auto) }),
      {
        last: crmIsLast(context, draft),
      },
    );
    await dispatchDraft(context, crmRef);
    await runConnectors(context, { type: "lead", lead, analysis, crm: crmRef });
  },
};
