import { describe, expect, it } from "vitest";
import { builtInSources } from "./registry.js";
import { shopifySource } from "./shopify.js";

describe("each source's sample event", () => {
  // `pnpm send <source>` and the benchmarks send these; the ingress must accept them.
  for (const source of builtInSources)
    it(`${source.name}: passes its own schema after a JSON round trip`, () => {
      const sample = source.sample(1, Date.now());
      const body: unknown = JSON.parse(JSON.stringify(sample.body));
      expect(source.schema(sample.headers ?? {}).safeParse(body).error).toBeUndefined();
    });

  it("shopify: accepts an order id past 2^53, as in Shopify's own example payloads", () => {
    // Shopify's "send test notification" delivers its documented example, id 820982911946154508.
    const body = JSON.parse('{"id":820982911946154508,"email":"jon@example.com","total_price":"199.65","currency":"USD"}');
    expect(shopifySource.schema({ "x-shopify-topic": "orders/create" }).safeParse(body).success).toBe(true);
  });
});
