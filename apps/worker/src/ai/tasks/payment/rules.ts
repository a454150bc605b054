import { formatMoney, minorUnitDigits } from "@aiops/shared/canonical";
import { quote, readable } from "../../rules-text.js";
import type { PaymentInput } from "./input.js";
import type { PaymentAnalysis } from "./schema.js";

/**
 * Rough US dollars per unit of a currency, only to place an amount in the rubric's bands
 * (small, sizeable, large); a currency missing here is read as if it were dollars.
 */
const usdPerUnit: Readonly<Record<string, number>> = {
  usd: 1,
  eur: 1.1,
  gbp: 1.27,
  chf: 1.13,
  cad: 0.73,
  aud: 0.66,
  nzd: 0.6,
  sgd: 0.75,
  hkd: 0.13,
  jpy: 0.0067,
  cny: 0.14,
  inr: 0.012,
  krw: 0.00073,
  brl: 0.18,
  mxn: 0.055,
  sek: 0.095,
  nok: 0.093,
  dkk: 0.15,
  pln: 0.25,
  czk: 0.044,
  huf: 0.0028,
  zar: 0.055,
  try: 0.03,
  aed: 0.27,
};

/** The rubric's bands (docs/ai.md): sizeable about $500 or more, large about $1,000 or more. */
const SIZEABLE_USD = 500;
const LARGE_USD = 1_000;

function amountUsd(input: PaymentInput): number {
  const currency = input.currency.toLowerCase();
  return (input.amount / 10 ** minorUnitDigits(currency)) * (usdPerUnit[currency] ?? 1);
}

const fraud = /\b(fraud\w*|unrecogni[sz]ed|stolen_card|lost_card|pickup_card|pick up card|stolen|lost card)\b/i;
const serviceDispute =
  /\b(product_not_received|product_unacceptable|duplicate|subscription_canceled|credit_not_processed)\b/i;
const generic = /\b(do_not_honor|card_declined|declined|insufficient_funds|insufficient funds)\b/i;
const attemptNumber = /\battempt (\d{1,6})\b/i;

/** The rubric's risk levels for failed payments and disputes, rule by rule. */
function assess(input: PaymentInput, reason: string, usd: number): { risk: PaymentAnalysis["risk"]; why: string } {
  const attempt = Number(attemptNumber.exec(reason)?.[1] ?? 0);
  if (fraud.test(reason)) return { risk: "high", why: "the card or charge is reported as fraudulent, lost or stolen" };
  if (input.status === "disputed") {
    if (usd >= LARGE_USD) return { risk: "high", why: "a dispute over a large amount" };
    return {
      risk: "medium",
      why: serviceDispute.test(reason) ? "a dispute over the product or service" : "the customer disputed the charge",
    };
  }
  if (attempt >= 4 && usd >= SIZEABLE_USD)
    return { risk: "high", why: `collection attempt ${attempt} failed on a sizeable amount` };
  if (attempt >= 2) return { risk: "medium", why: `collection attempt ${attempt} failed` };
  if (generic.test(reason) && usd >= SIZEABLE_USD) return { risk: "medium", why: "a decline on a sizeable amount" };
  if (usd >= LARGE_USD) return { risk: "medium", why: "a first failure on a large amount" };
  return { risk: "low", why: "a routine, fixable failure" };
}

export function paymentRules(input: PaymentInput): PaymentAnalysis {
  const reason = readable(input.failureReason ?? "");
  const usd = amountUsd(input);
  const { risk, why } = assess(input, reason, usd);
  const amount = formatMoney(input.amount, input.currency);
  const reasons = [
    why,
    reason ? `reason given: ${quote(reason)}` : `no reason given (${input.kind})`,
    `amount ${amount}`,
  ];
  // A customer name on a payment is often a company's ("Northwind Traders"): keep it whole.
  const hello = input.customerName?.trim() ? `Hi ${input.customerName.trim()},` : "Hello,";
  const customerMessage =
    input.status === "disputed"
      ? `${hello}\n\nWe saw that the payment of ${amount} was disputed with your bank. If something went wrong with your order or subscription, reply to this email and tell us what happened; we would rather put it right with you directly.`
      : `${hello}\n\nYour payment of ${amount} did not go through. Could you update your card or payment method in your account, or reply to this email if you'd like us to send a payment link?`;
  return { risk, reasons, customerMessage };
}
