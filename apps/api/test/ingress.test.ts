import { createHash, createHmac, randomUUID } from "node:crypto";
import { eventRecordId } from "@aiops/shared";
import { TEST_SECRETS } from "@aiops/testing";
import { sign as octokitSign } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startApi } from "./harness.js";

const stripe = new Stripe("sk_test_unused");
/** The secrets the factories below sign with; a test may swap one for a wrong one. */
const S: Record<keyof typeof TEST_SECRETS, string> = { ...TEST_SECRETS };
const json = { "content-type": "application/json" };
const hmac = (key: string, data: string, encoding: "hex" | "base64") =>
  createHmac("sha256", key).update(data).digest(encoding);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A signed delivery per source, each signed by the provider's SDK or its documented algorithm. */
interface Delivery {
  source: string;
  body: string;
  headers: Record<string, string>;
  providerEventId: string;
  type: string;
}

function stripeDelivery(
  type = "payment_intent.succeeded",
  id = `evt_${randomUUID()}`,
  timestamp = nowSeconds(),
): Delivery {
  const body = JSON.stringify({
    id,
    object: "event",
    type,
    created: timestamp,
    data: { object: { id: "pi_1", amount: 100, currency: "usd" } },
  });
  const signature = stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: S.STRIPE_WEBHOOK_SECRET,
    timestamp,
  });
  return {
    source: "payment",
    body,
    headers: { ...json, "stripe-signature": signature },
    providerEventId: id,
    type: "payment",
  };
}

function leadDelivery(id = `msg_${randomUUID()}`, date = new Date(), secret: string = S.LEAD_WEBHOOK_SECRET): Delivery {
  const body = JSON.stringify({
    email: "ada@example.com",
    name: "Ada Lovelace",
    company: "Analytical Engines",
    utm: { source: "ads" },
  });
  const signature = new Webhook(secret).sign(id, date, body);
  const headers = {
    ...json,
    "webhook-id": id,
    "webhook-timestamp": `${Math.floor(date.getTime() / 1000)}`,
    "webhook-signature": signature,
  };
  return { source: "new-lead", body, headers, providerEventId: id, type: "lead" };
}

function zendeskDelivery(timestamp = new Date()): Delivery {
  const id = randomUUID();
  const body = JSON.stringify({
    type: "zen:event-type:ticket.created",
    id,
    detail: { id: "4711", subject: "Help", description: "It broke" },
  });
  const ts = timestamp.toISOString().replace(/\.\d{3}Z$/, "Z");
  const headers = {
    ...json,
    "x-zendesk-webhook-signature": hmac(S.ZENDESK_WEBHOOK_SECRET, ts + body, "base64"),
    "x-zendesk-webhook-signature-timestamp": ts,
  };
  return { source: "new-ticket", body, headers, providerEventId: id, type: "ticket" };
}

function slackDelivery(timestamp = nowSeconds()): Delivery {
  const id = `Ev${randomUUID().slice(0, 8)}`;
  const body = JSON.stringify({
    type: "event_callback",
    event_id: id,
    team_id: "T1",
    event: { type: "message", text: "help!", user: "U1", ts: "1.2" },
  });
  const headers = {
    ...json,
    "x-slack-signature": `v0=${hmac(S.SLACK_SIGNING_SECRET, `v0:${timestamp}:${body}`, "hex")}`,
    "x-slack-request-timestamp": `${timestamp}`,
  };
  return { source: "slack", body, headers, providerEventId: id, type: "ticket" };
}

async function githubDelivery(): Promise<Delivery> {
  const id = randomUUID();
  const body = JSON.stringify({
    action: "opened",
    issue: { number: 7, title: "Crash", body: "trace", user: { login: "octocat" } },
    repository: { full_name: "acme/app" },
  });
  const headers = {
    ...json,
    "x-github-event": "issues",
    "x-github-delivery": id,
    "x-hub-signature-256": await octokitSign(S.GITHUB_WEBHOOK_SECRET, body),
  };
  return { source: "github", body, headers, providerEventId: id, type: "ticket" };
}

function shopifyDelivery(): Delivery {
  const id = randomUUID();
  const body = JSON.stringify({ id: 450789469, email: "bob@example.com", total_price: "10.00", currency: "EUR" });
  const headers = {
    ...json,
    "x-shopify-topic": "orders/create",
    "x-shopify-event-id": id,
    "x-shopify-webhook-id": randomUUID(),
    "x-shopify-hmac-sha256": hmac(S.SHOPIFY_WEBHOOK_SECRET, body, "base64"),
  };
  return { source: "shopify", body, headers, providerEventId: id, type: "payment" };
}

function metaDelivery(): Delivery {
  const body = JSON.stringify({
    object: "page",
    entry: [{ id: "1", time: nowSeconds(), changes: [{ field: "leadgen", value: { leadgen_id: randomUUID() } }] }],
  });
  const headers = { ...json, "x-hub-signature-256": `sha256=${hmac(S.META_APP_SECRET, body, "hex")}` };
  return {
    source: "meta",
    body,
    headers,
    providerEventId: createHash("sha256").update(body).digest("hex"),
    type: "lead",
  };
}

const deliveries: Record<string, () => Delivery | Promise<Delivery>> = {
  payment: () => stripeDelivery(),
  "new-lead": () => leadDelivery(),
  "new-ticket": () => zendeskDelivery(),
  slack: () => slackDelivery(),
  github: githubDelivery,
  shopify: shopifyDelivery,
  meta: metaDelivery,
};

async function signedWithWrongSecrets(make: () => Delivery | Promise<Delivery>): Promise<Delivery> {
  for (const key of Object.keys(S) as Array<keyof typeof S>)
    S[key] =
      key === "LEAD_WEBHOOK_SECRET"
        ? `whsec_${Buffer.from("a-wrong-secret-of-32-bytes-length").toString("base64")}`
        : `wrong-${key}`;
  try {
    return await make();
  } finally {
    Object.assign(S, TEST_SECRETS);
  }
}

let h: Harness;
beforeAll(async () => {
  h = await startApi({
    SLACK_SIGNING_SECRET: `old-slack-signing-secret-rotated-out,${TEST_SECRETS.SLACK_SIGNING_SECRET}`,
  });
});
afterAll(async () => h.close());

async function jobsFor(id: string) {
  return (await h.jobs()).filter((job) => job.id === id);
}

describe.each(Object.keys(deliveries))("source %s", (source) => {
  it("accepts a correctly signed event and queues it once, even when sent three times at once", async () => {
    const delivery = await deliveries[source]!();
    const answers = await Promise.all([1, 2, 3].map(() => h.post(source, delivery.body, delivery.headers)));
    const id = eventRecordId(source, delivery.providerEventId);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
    for (const answer of answers) expect(answer.body).toMatchObject({ id });
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    const jobs = await jobsFor(id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      source,
      providerEventId: delivery.providerEventId,
      type: delivery.type,
      payload: JSON.parse(delivery.body),
    });
  });

  it("refuses a tampered body, a missing signature and a wrong secret, queueing nothing", async () => {
    const delivery = await deliveries[source]!();
    const tampered = delivery.body.replace(/}$/, ',"extra":1}');
    const signatureHeaders = Object.keys(delivery.headers).filter((name) => /signature|hmac/.test(name));
    const unsigned = Object.fromEntries(
      Object.entries(delivery.headers).filter(([name]) => !signatureHeaders.includes(name)),
    );
    const wrong = await signedWithWrongSecrets(deliveries[source]!);

    expect(await h.post(source, tampered, delivery.headers)).toMatchObject({
      status: 401,
      body: { error: "invalid_signature" },
    });
    expect(await h.post(source, delivery.body, unsigned)).toMatchObject({
      status: 401,
      body: { error: "missing_signature" },
    });
    expect(await h.post(source, wrong.body, wrong.headers)).toMatchObject({
      status: 401,
      body: { error: "invalid_signature" },
    });
    expect(await jobsFor(eventRecordId(source, delivery.providerEventId))).toHaveLength(0);
    expect(await jobsFor(eventRecordId(source, wrong.providerEventId))).toHaveLength(0);
  });
});

describe("timestamps", () => {
  const cases: Array<[string, (offsetSeconds: number) => Delivery]> = [
    ["payment", (offset) => stripeDelivery(undefined, undefined, nowSeconds() + offset)],
    ["new-lead", (offset) => leadDelivery(undefined, new Date(Date.now() + offset * 1000))],
    ["new-ticket", (offset) => zendeskDelivery(new Date(Date.now() + offset * 1000))],
    ["slack", (offset) => slackDelivery(nowSeconds() + offset)],
  ];
  it.each(cases)("%s: refuses stale and future timestamps with stale_timestamp", async (source, make) => {
    for (const offset of [-301, -3600, 301, 86_400]) {
      const delivery = make(offset);
      const answer = await h.post(source, delivery.body, delivery.headers);
      expect(answer, `offset ${offset}s`).toMatchObject({ status: 401, body: { error: "stale_timestamp" } });
    }
    const fresh = make(-200);
    expect((await h.post(source, fresh.body, fresh.headers)).status).toBe(202);
  });
});

describe("secrets", () => {
  it("accepts either secret while a rotation is under way", async () => {
    const body = JSON.stringify({ type: "event_callback", event_id: `Ev${randomUUID()}`, event: { type: "message" } });
    const ts = `${nowSeconds()}`;
    const signedWith = (secret: string) => ({
      ...json,
      "x-slack-signature": `v0=${hmac(secret, `v0:${ts}:${body}`, "hex")}`,
      "x-slack-request-timestamp": ts,
    });
    expect((await h.post("slack", body, signedWith("old-slack-signing-secret-rotated-out"))).status).toBe(202);
    expect((await h.post("slack", body, signedWith(TEST_SECRETS.SLACK_SIGNING_SECRET))).status).toBe(200);
    expect((await h.post("slack", body, signedWith("never-configured"))).status).toBe(401);
  });

  it("refuses every request to a source whose secret is not set", async () => {
    const other = await startApi({ GITHUB_WEBHOOK_SECRET: "" });
    try {
      const delivery = await githubDelivery();
      expect(await other.post("github", delivery.body, delivery.headers)).toMatchObject({
        status: 401,
        body: { error: "source_not_configured" },
      });
      expect(await other.jobs()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe("provider handshakes and event types", () => {
  it("answers Slack's url_verification with its challenge and queues nothing", async () => {
    const body = JSON.stringify({
      type: "url_verification",
      token: "x",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
    const ts = `${nowSeconds()}`;
    const headers = {
      ...json,
      "x-slack-signature": `v0=${hmac(S.SLACK_SIGNING_SECRET, `v0:${ts}:${body}`, "hex")}`,
      "x-slack-request-timestamp": ts,
    };
    const before = (await h.jobs()).length;
    expect(await h.post("slack", body, headers)).toEqual({
      status: 200,
      body: { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
    });
    expect((await h.jobs()).length).toBe(before);
  });

  it("answers Meta's hub.challenge only with the right verify token", async () => {
    const ok = await fetch(
      `${h.url}/webhook/meta?hub.mode=subscribe&hub.verify_token=${TEST_SECRETS.META_VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect([ok.status, await ok.text()]).toEqual([200, "1158201444"]);
    const bad = await fetch(`${h.url}/webhook/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
  });

  it("records events the platform does not act on as ignored", async () => {
    const delivery = stripeDelivery("customer.created");
    expect((await h.post("payment", delivery.body, delivery.headers)).status).toBe(202);
    const [job] = await jobsFor(eventRecordId("payment", delivery.providerEventId));
    expect(job).toMatchObject({ type: "ignored", providerType: "customer.created" });
  });

  it("refuses a body that fails the source's schema with the failing fields", async () => {
    const id = `msg_${randomUUID()}`;
    const body = JSON.stringify({ name: "No Email" });
    const date = new Date();
    const headers = {
      ...json,
      "webhook-id": id,
      "webhook-timestamp": `${Math.floor(date.getTime() / 1000)}`,
      "webhook-signature": new Webhook(TEST_SECRETS.LEAD_WEBHOOK_SECRET).sign(id, date, body),
    };
    const answer = await h.post("new-lead", body, headers);
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_payload", details: [{ path: "email" }] } });
  });
});
