import { needsAttention, type Payment } from "@aiops/shared/canonical";
import { z } from "zod";
import { paymentInput } from "../ai/tasks/payment/input.js";
import { paymentAnalysisSchema } from "../ai/tasks/payment/schema.js";
import { paymentTask } from "../ai/tasks/payment/task.js";
import { paymentDraft } from "../drafts/draft-record.js";
import { normalizePayment } from "../normalize/normalize.js";
import {
  crmIsLast,
  dispatchDraft,
  draftCommand,
  draftRefSchema,
  type Pipeline,
  type PipelineContext,
  runConnectors,
} from "./pipeline.js";

const paymentRef = z.object({ paymentId: z.string(), contactId: z.string().optional() }).extend(draftRefSchema.shape);

/** Only failures and disputes are worth a model's time; a successful payment has no AI step. */
function analyse(context: PipelineContext, payment: Payment) {
  if (!needsAttention(payment)) return Promise.resolve(undefined);
  return context.steps.run("ai.payment", paymentAnalysisSchema, () =>
    context.ai.ask(paymentTask, paymentInput(payment)),
  );
}

/** Payment: assess failures and disputes, record the payment and mark customers, then connectors. */
export const paymentPipeline: Pipeline = {
  async run(context) {
    const { event, steps, crm } = context;
    const payment = normalizePayment(event);
    const analysis = await analyse(context, payment);
    const draft = paymentDraft(payment, analysis);
    const auto = context.drafts.autoSend(draft);
    const crmRef = await steps.write(
      "crm.payment",
      paymentRef,
      () => ({ ...crm.payment(event, payment, analysis), ...draftCommand(event, draft, auto) }),
      {
        last: crmIsLast(context, draft),
      },
    );
    await dispatchDraft(context, crmRef);
    await runConnectors(context, { type: "payment", payment, analysis, crm: crmRef });
  },
};
