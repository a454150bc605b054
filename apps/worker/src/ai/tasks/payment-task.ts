import type { Payment } from "@aiops/shared/canonical";
import { loadPrompt } from "../prompt-files.js";
import { paymentRules } from "../rules/payment-rules.js";
import { paymentAnalysisSchema } from "../schemas.js";
import type { AiTask } from "../task.js";

export interface PaymentInput {
  kind: string;
  status: Payment["status"];
  amount: number;
  currency: string;
  failureReason?: string;
  customerName?: string;
}

export function paymentInput(payment: Payment): PaymentInput {
  const { kind, status, amount, currency, failureReason, customerName } = payment;
  return { kind, status, amount, currency, failureReason, customerName };
}

export const paymentTask: AiTask<PaymentInput, typeof paymentAnalysisSchema> = {
  name: "payment_risk",
  promptVersion: "payment-v1",
  schema: paymentAnalysisSchema,
  instructions: loadPrompt("payment_risk", "payment-v1"),
  rules: paymentRules,
};
