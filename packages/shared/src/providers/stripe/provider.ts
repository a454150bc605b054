import { z } from "zod";
import { bodyDigest } from "../../event-id.js";
import { anyMatches, fromHex, hmacSha256, timestampProblem } from "../crypto.js";
import { header, type SignatureScheme, type SourceDefinition } from "../types.js";
import { stripePayment } from "./normalize.js";

/** Stripe: `Stripe-Signature: t=<unix>,v1=<hex hmac of "t.body">[,v1=…]`. */
export const stripeScheme: SignatureScheme = {
  name: "stripe",
  verify({ headers, rawBody, secrets, now, toleranceSeconds }) {
    const value = header(headers, "stripe-signature");
    if (!value) return { ok: false, code: "missing_signature", message: "Stripe-Signature header is missing" };
    const pairs = value.split(",").map((pair) => pair.trim().split("=", 2));
    const timestamp = pairs.find(([key]) => key === "t")?.[1];
    const signatures = pairs.filter(([key]) => key === "v1").map(([, sig]) => fromHex(sig ?? ""));
    if (!timestamp || signatures.length === 0)
      return { ok: false, code: "invalid_signature", message: "Stripe-Signature has no t= and v1= elements" };
    const signed = (secret: string) => hmacSha256(secret, timestamp, ".", rawBody);
    if (!anyMatches(secrets, signatures, signed))
      return { ok: false, code: "invalid_signature", message: "no v1 signature matches a configured secret" };
    const problem = timestampProblem(Number(timestamp), now, toleranceSeconds);
    return problem ? { ok: false, code: "stale_timestamp", message: problem } : { ok: true };
  },
  sign(rawBody, secret, { now }) {
    const t = Math.floor(now / 1000);
    return { "stripe-signature": `t=${t},v1=${hmacSha256(secret, `${t}`, ".", rawBody).toString("hex")}` };
  },
};

const stripeEvent = z.looseObject({
  id: z.string().min(1),
  object: z.literal("event"),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/** The Stripe events the platform acts on; every other type is recorded and ignored. */
export const stripePaymentEvents = new Set([
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "invoice.payment_failed",
  "invoice.paid",
  "charge.dispute.created",
  "checkout.session.completed",
]);

export const stripeSource: SourceDefinition = {
  name: "payment",
  scheme: stripeScheme,
  secretVariable: "STRIPE_WEBHOOK_SECRET",
  schema: () => stripeEvent,
  eventId: ({ body, rawBody }) => (body as { id?: string }).id ?? bodyDigest(rawBody),
  eventIdSigned: true,
  classify({ body }) {
    const type = (body as z.infer<typeof stripeEvent>).type;
    return { type: stripePaymentEvents.has(type) ? "payment" : "ignored", providerType: type };
  },
  normalize: { payment: stripePayment },
  sample(seq, now) {
    const failed = seq % 3 === 2;
    return {
      body: {
        id: `evt_sample_${now}_${seq}`,
        object: "event",
        api_version: "2024-06-20",
        created: Math.floor(now / 1000),
        livemode: false,
        type: failed ? "payment_intent.payment_failed" : "payment_intent.succeeded",
        data: {
          object: {
            id: `pi_sample_${now}_${seq}`,
            object: "payment_intent",
            amount: 4900 + seq,
            currency: "usd",
            status: failed ? "requires_payment_method" : "succeeded",
            receipt_email: `buyer${seq}@example.com`,
            last_payment_error: failed ? { code: "card_declined", message: "Your card was declined." } : null,
          },
        },
      },
    };
  },
};
