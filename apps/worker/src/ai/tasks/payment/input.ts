import type { Payment } from "@aiops/shared/canonical";

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
