import { describe, expect, it } from "vitest";
import { leadSchema, paymentSchema, ticketSchema } from "../canonical/schemas.js";
import { builtInSources, normalizersFor } from "./registry.js";
import { shopifySource } from "./shopify/provider.js";
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

  it("becomes the canonical record of the type it is classified as", () => {
    const schemas = { lead: leadSchema, ticket: ticketSchema, payment: paymentSchema };
    for (const seq of [0, 1, 2]) {
      const sample = source.sample(seq, Date.now());
      const body = JSON.parse(JSON.stringify(sample.body));
      const { type, providerType } = source.classify({ headers: sample.headers ?? {}, rawBody: Buffer.from(""), body });
      if (type === "ignored") throw new Error(`the ${source.name} sample is ignored`);
      const readers = normalizersFor(source.name);
      const candidate = type === "payment" ? readers.payment(body, providerType ?? "payment") : readers[type](body);
      expect(schemas[type].safeParse(candidate).error).toBeUndefined();
    }
  });
});

describe("shopify", () => {
  it("accepts an order id past 2^53, as in Shopify's own example payloads", () => {
    // Shopify's "send test notification" delivers its documented example, id 820982911946154508.
    const body = JSON.parse(
      '{"id":820982911946154508,"email":"jon@example.com","total_price":"199.65","currency":"USD"}',
    );
    expect(shopifySource.schema({ "x-shopify-topic": "orders/create" }).safeParse(body).success).toBe(true);
  });
});

// A header the signature does not cover can be changed by anyone holding a delivery. If it
// changes the event's id or type, the source must say its id is unsigned, so the ingress
// recognises the signed body instead (a new source cannot forget to).
describe.each(builtInSources.map((source) => [source.name, source] as const))(
  "the %s source's unsigned headers",
  (_name, source) => {
    it("change neither its event id nor its type, or the source declares its event id unsigned", () => {
      const now = Date.now();
      const request = signedRequest(source, SECRET, source.sample(0, now), now);
      const body: unknown = JSON.parse(request.body.toString());
      const read = (headers: Record<string, string>) => {
        const parsed = { headers, rawBody: request.body, body };
        return { id: source.eventId(parsed), type: source.classify(parsed) };
      };
      const original = read(request.headers);
      const unsignedEffects = Object.keys(request.headers).filter((name) => {
        const headers = { ...request.headers, [name]: `${request.headers[name]}-changed` };
        const stillVerifies = source.scheme.verify({
          headers,
          rawBody: request.body,
          secrets: [SECRET],
          now,
          toleranceSeconds: 300,
        }).ok;
        return stillVerifies && JSON.stringify(read(headers)) !== JSON.stringify(original);
      });
      if (unsignedEffects.length > 0)
        expect(source.eventIdSigned, `unsigned headers ${unsignedEffects.join(", ")}`).toBe(false);
      else expect(source.eventIdSigned).toBe(true);
    });
  },
);
