import { randomUUID } from "node:crypto";
import { z } from "zod";
import { bodyDigest } from "../../event-id.js";
import { anyMatches, fromBase64, hmacSha256 } from "../crypto.js";
import { header, type SignatureScheme, type SourceDefinition } from "../types.js";
import { shopifyPayment } from "./normalize.js";

/** Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the body with the app's secret. */
export const shopifyScheme: SignatureScheme = {
  name: "shopify",
  verify({ headers, rawBody, secrets }) {
    const value = header(headers, "x-shopify-hmac-sha256");
    if (!value) return { ok: false, code: "missing_signature", message: "X-Shopify-Hmac-Sha256 header is missing" };
    if (!anyMatches(secrets, [fromBase64(value)], (secret) => hmacSha256(secret, rawBody)))
      return { ok: false, code: "invalid_signature", message: "the signature does not match a configured secret" };
    return { ok: true };
  },
  sign(rawBody, secret) {
    return { "x-shopify-hmac-sha256": hmacSha256(secret, rawBody).toString("base64") };
  },
};

const order = z.looseObject({
  // Not z.int(): that stops at 2^53, and Shopify's own example orders (its "send test
  // notification") carry ids past it, which JSON.parse rounds but which are still integers.
  id: z.number().refine(Number.isInteger, "expected an integer"),
  email: z.string().nullable().optional(),
  total_price: z.string(),
  currency: z.string().length(3),
  financial_status: z.string().nullable().optional(),
});

const orderTopics = new Set(["orders/create", "orders/paid"]);

export const shopifySource: SourceDefinition = {
  name: "shopify",
  scheme: shopifyScheme,
  secretVariable: "SHOPIFY_WEBHOOK_SECRET",
  schema: (headers) => (orderTopics.has(header(headers, "x-shopify-topic") ?? "") ? order : z.looseObject({})),
  // The event id is the same on every retry of one event; older API versions send only the webhook id.
  eventId: ({ headers, rawBody }) =>
    header(headers, "x-shopify-event-id") ?? header(headers, "x-shopify-webhook-id") ?? bodyDigest(rawBody),
  // Those headers and X-Shopify-Topic are outside the signature, which covers the body alone.
  eventIdSigned: false,
  classify({ headers }) {
    const topic = header(headers, "x-shopify-topic") ?? null;
    return { type: topic && orderTopics.has(topic) ? "payment" : "ignored", providerType: topic };
  },
  normalize: { payment: shopifyPayment },
  sample(seq, now) {
    return {
      body: {
        id: 5_200_000_000_000 + seq,
        email: `shopper${seq}@example.com`,
        created_at: new Date(now).toISOString(),
        total_price: "199.00",
        currency: "USD",
        financial_status: "paid",
        order_number: 1000 + seq,
        customer: { email: `shopper${seq}@example.com`, first_name: "Sam", last_name: `Shopper ${seq}` },
        line_items: [{ title: "Widget", quantity: 1, price: "199.00" }],
      },
      headers: {
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": "acme.myshopify.com",
        "x-shopify-api-version": "2025-01",
        "x-shopify-webhook-id": randomUUID(),
        "x-shopify-event-id": randomUUID(),
        "x-shopify-triggered-at": new Date(now).toISOString(),
      },
    };
  },
};
