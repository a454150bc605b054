import type { PaymentAnalysis } from "../schemas.js";
import type { PaymentInput } from "../tasks/payment-task.js";
import { formatMoney } from "../../normalize/money.js";
import { readable } from "./signals.js";

const levels = ["low", "medium", "high"] as const;

export function paymentRules(input: PaymentInput): PaymentAnalysis {
  const reason = readable(input.failureReason ?? "");
  const reasons: string[] = [];
  let level = 0;
  if (input.status === "disputed") {
    level = 2;
    reasons.push(`the customer disputed the charge${reason ? ` (${reason})` : ""}`);
  } else if (/fraud|stolen|lost_card|pickup_card/i.test(reason)) {
    level = 2;
    reasons.push("the card was reported lost, stolen or fraudulent");
  } else {
    level = 1;
    reasons.push(reason ? `the payment failed: ${reason}` : "the payment failed");
    const attempt = /attempt (\d+)/.exec(reason);
    if (attempt && Number(attempt[1]) >= 3) {
      level = 2;
      reasons.push("several collection attempts have failed");
    }
  }
  if (input.amount >= 100_000 && level < 2) {
    level += 1;
    reasons.push("the amount is large");
  }
  const greeting = input.customerName ? `Hi ${input.customerName},` : "Hello,";
  const customerMessage =
    input.status === "disputed"
      ? `${greeting}\n\nWe noticed a dispute on a recent payment. If something went wrong with your order, reply to this email and we will make it right directly.`
      : `${greeting}\n\nYour recent payment of ${formatMoney(input.amount, input.currency)} did not go through. Please update your payment method or reply to this email and we will help.`;
  return { risk: levels[level] ?? "high", reasons, customerMessage };
}
