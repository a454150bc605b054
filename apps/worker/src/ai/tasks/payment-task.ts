import type { Payment } from "../../normalize/canonical.js";
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
  instructions: [
    "You assess failed payments and disputes for a subscription business.",
    "Rate the risk of losing the customer or the money (low, medium, high) with up to five short reasons,",
    "and draft a short, polite message to the customer that helps them fix the payment. Amounts are in the currency's minor unit.",
  ].join(" "),
  rules: paymentRules,
};
