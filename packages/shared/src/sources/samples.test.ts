import { describe, expect, it } from "vitest";
import { builtInSources } from "./registry.js";
import { shopifySource } from "./shopify.js";
import { signedRequest } from "./sign.js";

// Valid for every scheme: a Standard Webhooks secret of more than 24 bytes, and long for the others.
const SECRET = `whsec_${Buffer.from("sample-secret-for-the-tests").toString("base64")}`;

// `pnpm send` and the benchmarks post these samples: each must pass its own source end to end.
describe.each(builtInSources.map((source) => [source.name, source] as const))("the %s sample", (_name, source) => {
  it("is signed, valid, carries an event id and is acted on", () => {
    const now = Date.now();
    for (const seq of [0, 1, 2]) {
      const sample = source.sample(seq, now);
      const request = signedRequest(source, SECRET, sample, now);
      const verified = source.scheme.verify({
        headers: request.headers,
        rawBody: request.body,
        secrets: [SECRET],
        now,
        toleranceSeconds: 300,
      });
      expect(verified).toEqual({ ok: true });
      const body: unknown = JSON.parse(request.body.toString());
      expect(source.schema(request.headers).safeParse(body).error).toBeUndefined();
      const parsed = { headers: request.headers, rawBody: request.body, body };
      expect(source.eventId(parsed)).toEqual(expect.any(String));
      expect(source.classify(parsed).type).not.toBe("ignored");
    }
  });
});

describe("shopify", () => {
  it("accepts an order id past 2^53, as in Shopify's own example payloads", () => {
    // Shopify's "send test notification" delivers its documented example, id 820982911946154508.
    const body = JSON.parse('{"id":820982911946154508,"email":"jon@example.com","total_price":"199.65","currency":"USD"}');
    expect(shopifySource.schema({ "x-shopify-topic": "orders/create" }).safeParse(body).success).toBe(true);
  });
});
