import { createHmac } from "node:crypto";
import { sign as octokitSign, verify as octokitVerify } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { hubSignatureScheme } from "./hub-signature.js";
import { shopifyScheme } from "./shopify/provider.js";
import { slackScheme } from "./slack/provider.js";
import { standardWebhooksScheme } from "./standard-webhooks/provider.js";
import { stripeScheme } from "./stripe/provider.js";
import type { SignatureScheme, VerifyInput } from "./types.js";
import { zendeskScheme } from "./zendesk/provider.js";

const stripe = new Stripe("sk_test_unused");
const body = Buffer.from(JSON.stringify({ id: "evt_1", object: "event", note: "héllo" }));
const now = 1_780_000_000_000;

function verify(scheme: SignatureScheme, headers: Record<string, string>, secrets: string[], at = now, raw = body) {
  const input: VerifyInput = { headers, rawBody: raw, secrets, now: at, toleranceSeconds: 300 };
  return scheme.verify(input);
}

describe("each scheme against the provider's own SDK", () => {
  it("stripe: accepts the SDK's test header and the SDK accepts ours", () => {
    const secret = "whsec_stripe_test";
    const header = stripe.webhooks.generateTestHeaderString({
      payload: body.toString(),
      secret,
      timestamp: now / 1000,
    });
    expect(verify(stripeScheme, { "stripe-signature": header }, [secret])).toEqual({ ok: true });
    const ours = stripeScheme.sign(body, secret, { now: Date.now() })["stripe-signature"]!;
    expect(() => stripe.webhooks.constructEvent(body, ours, secret)).not.toThrow();
  });

  it("standard webhooks: accepts the library's signature and the library accepts ours", () => {
    const secret = `whsec_${Buffer.from("a-32-byte-long-secret-for-tests!").toString("base64")}`;
    const signature = new Webhook(secret).sign("msg_1", new Date(now), body.toString());
    const headers = { "webhook-id": "msg_1", "webhook-timestamp": `${now / 1000}`, "webhook-signature": signature };
    expect(verify(standardWebhooksScheme, headers, [secret])).toEqual({ ok: true });
    const ours = standardWebhooksScheme.sign(body, secret, { now: Date.now(), deliveryId: "msg_2" });
    expect(() => new Webhook(secret).verify(body.toString(), ours)).not.toThrow();
  });

  it("github and meta: accepts @octokit/webhooks-methods' signature and it accepts ours", async () => {
    const secret = "gh-secret";
    const signature = await octokitSign(secret, body.toString());
    expect(verify(hubSignatureScheme, { "x-hub-signature-256": signature }, [secret])).toEqual({ ok: true });
    const ours = hubSignatureScheme.sign(body, secret, { now })["x-hub-signature-256"]!;
    expect(await octokitVerify(secret, body.toString(), ours)).toBe(true);
  });
});

describe("schemes without an SDK, against their documented algorithms", () => {
  const hmac = (key: string, data: string, encoding: "hex" | "base64") =>
    createHmac("sha256", key).update(data).digest(encoding);

  it("zendesk: base64 HMAC of ISO timestamp + body", () => {
    const timestamp = new Date(now).toISOString().replace(".000Z", "Z");
    const headers = {
      "x-zendesk-webhook-signature": hmac("zd-secret", timestamp + body.toString(), "base64"),
      "x-zendesk-webhook-signature-timestamp": timestamp,
    };
    expect(verify(zendeskScheme, headers, ["zd-secret"])).toEqual({ ok: true });
  });

  it("slack: v0= hex HMAC of v0:timestamp:body", () => {
    const timestamp = `${now / 1000}`;
    const headers = {
      "x-slack-signature": `v0=${hmac("slack-secret", `v0:${timestamp}:${body.toString()}`, "hex")}`,
      "x-slack-request-timestamp": timestamp,
    };
    expect(verify(slackScheme, headers, ["slack-secret"])).toEqual({ ok: true });
  });

  it("shopify: base64 HMAC of the body", () => {
    const headers = { "x-shopify-hmac-sha256": hmac("shop-secret", body.toString(), "base64") };
    expect(verify(shopifyScheme, headers, ["shop-secret"])).toEqual({ ok: true });
  });
});

describe("refusals", () => {
  const schemes: Array<[string, SignatureScheme, string, boolean]> = [
    ["stripe", stripeScheme, "whsec_a", true],
    [
      "standard webhooks",
      standardWebhooksScheme,
      `whsec_${Buffer.from("0123456789abcdef01234567").toString("base64")}`,
      true,
    ],
    ["zendesk", zendeskScheme, "zd", true],
    ["slack", slackScheme, "sl", true],
    ["hub signature", hubSignatureScheme, "gh", false],
    ["shopify", shopifyScheme, "sh", false],
  ];

  for (const [name, scheme, secret, timestamped] of schemes) {
    describe(name, () => {
      const signed = scheme.sign(body, secret, { now, deliveryId: "msg_x" });

      it("accepts its own signature, and a rotated secret list containing it", () => {
        expect(verify(scheme, signed, [secret])).toEqual({ ok: true });
        expect(verify(scheme, signed, ["old-secret", secret])).toEqual({ ok: true });
      });

      it("refuses a tampered body, a wrong secret and missing headers", () => {
        const tampered = Buffer.from(body.toString().replace("héllo", "hello"));
        expect(verify(scheme, signed, [secret], now, tampered)).toMatchObject({ ok: false, code: "invalid_signature" });
        expect(verify(scheme, signed, ["whsec_d3Jvbmc="])).toMatchObject({ ok: false, code: "invalid_signature" });
        expect(verify(scheme, {}, [secret])).toMatchObject({ ok: false, code: "missing_signature" });
      });

      if (timestamped)
        it("refuses stale and future timestamps outside the tolerance, both ways", () => {
          expect(verify(scheme, signed, [secret], now + 301_000)).toMatchObject({ ok: false, code: "stale_timestamp" });
          expect(verify(scheme, signed, [secret], now - 301_000)).toMatchObject({ ok: false, code: "stale_timestamp" });
          expect(verify(scheme, signed, [secret], now + 299_000)).toEqual({ ok: true });
        });
    });
  }
});

describe("standard webhooks secrets that decode to an empty or short key", () => {
  // Buffer.from(x, "base64") skips characters outside the alphabet: these all decode to
  // zero bytes, so a request signed with an EMPTY key would match them.
  const emptyKeySignature = (id: string, timestamp: string) =>
    `v1,${createHmac("sha256", Buffer.alloc(0)).update(`${id}.${timestamp}.`).update(body).digest("base64")}`;

  for (const secret of ["whsec_", "whsec_!!!!", "!!!!", `whsec_${Buffer.from("short").toString("base64")}`])
    it(`refuses a signature made with an empty or short key when the secret is ${JSON.stringify(secret)}`, () => {
      const timestamp = `${now / 1000}`;
      const headers = {
        "webhook-id": "msg_e",
        "webhook-timestamp": timestamp,
        "webhook-signature": emptyKeySignature("msg_e", timestamp),
      };
      expect(verify(standardWebhooksScheme, headers, [secret])).toMatchObject({ ok: false, code: "invalid_signature" });
      expect(() => standardWebhooksScheme.sign(body, secret, { now })).toThrow(/Unusable Standard Webhooks secret/);
    });
});
