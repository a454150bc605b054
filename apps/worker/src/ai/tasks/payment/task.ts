import { promptFolder } from "../../prompt-files.js";
import type { AiTask } from "../../task.js";
import type { PaymentInput } from "./input.js";
import { paymentRules } from "./rules.js";
import { paymentAnalysisSchema } from "./schema.js";

export const paymentPrompts = promptFolder("payment_risk", new URL("./prompts/", import.meta.url));

export const paymentTask: AiTask<PaymentInput, typeof paymentAnalysisSchema> = {
  name: "payment_risk",
  promptVersion: "payment-v1",
  schema: paymentAnalysisSchema,
  instructions: paymentPrompts.load("payment-v1"),
  rules: paymentRules,
};
