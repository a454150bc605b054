// GitHub and Shopify sign the body only: their event id and type headers are not signed.
// A captured delivery resent under a fresh id (or a relabelled type) must be recognised as
// the event it is, answered duplicate with the FIRST event's id, and queued once.
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bodyClaimKey, bodyDigest, eventRecordId, parseConfig } from "@aiops/shared";
import { TEST_SECRETS } from "@aiops/testing";
import { sign as octokitSign } from "@octokit/webhooks-methods";
import { Redis } from "ioredis";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startApi } from "./harness.js";

const json = { "content-type": "application/json" };
const CUSTOM_SECRET = "acme-hub-signature-secret-for-tests";
const dir = mkdtempSync(join(tmpdir(), "aiops-replays-"));
const sourcesFile = join(dir, "sources.json");
writeFileSync(
  sourcesFile,
  JSON.stringify({
    sources: [
      // The id comes from a header the scheme does not sign: replays must be caught by body.
      {
        name: "acme",
        scheme: "hub-signature-256",
        secretVariable: "ACME_SECRET",
        eventId: { header: "X-Acme-Delivery" },
        type: "ticket",
      },
    ],
  }),
);

let h: Harness;
beforeAll(async () => {
  h = await startApi({ SOURCES_FILE: sourcesFile, ACME_SECRET: CUSTOM_SECRET });
});
afterAll(async () => h.close());

const ids = async () => new Set((await h.jobs()).map((job) => job.id));

async function github(body: string, delivery: string, event = "issues") {
  const signature = await octokitSign(TEST_SECRETS.GITHUB_WEBHOOK_SECRET, body);
  return h.post("github", body, {
    ...json,
    "x-github-event": event,
    "x-github-delivery": delivery,
    "x-hub-signature-256": signature,
  });
}

function shopify(body: string, headers: Record<string, string>) {
  const hmac = createHmac("sha256", TEST_SECRETS.SHOPIFY_WEBHOOK_SECRET).update(body).digest("base64");
  return h.post("shopify", body, { ...json, "x-shopify-hmac-sha256": hmac, ...headers });
}

const issueBody = () =>
  JSON.stringify({
    action: "opened",
    issue: { number: 7, title: `Crash ${randomUUID()}`, body: "trace", user: { login: "octocat" } },
    repository: { full_name: "acme/app" },
  });
const orderBody = () =>
  JSON.stringify({
    id: Math.floor(Math.random() * 1e12),
    email: "bob@example.com",
    total_price: "10.00",
    currency: "EUR",
  });

describe("github: X-GitHub-Delivery and X-GitHub-Event are not signed", () => {
  it("answers a replay under a fresh delivery id as a duplicate of the first event, queued once", async () => {
    const body = issueBody();
    const first = randomUUID();
    const id = eventRecordId("github", first);
    expect(await github(body, first)).toEqual({ status: 202, body: { id, duplicate: false } });
    const replayId = randomUUID();
    expect(await github(body, replayId)).toEqual({ status: 200, body: { id, duplicate: true } });
    // Relabelled as another event type too.
    expect(await github(body, randomUUID(), "issue_comment")).toEqual({ status: 200, body: { id, duplicate: true } });
    const queued = await ids();
    expect(queued.has(id)).toBe(true);
    expect(queued.has(eventRecordId("github", replayId))).toBe(false);
  });

  it("answers a real retry (same delivery id, same body) as today: duplicate with the same id", async () => {
    const body = issueBody();
    const delivery = randomUUID();
    const id = eventRecordId("github", delivery);
    expect((await github(body, delivery)).status).toBe(202);
    expect(await github(body, delivery)).toEqual({ status: 200, body: { id, duplicate: true } });
    expect((await h.jobs()).filter((job) => job.id === id)).toHaveLength(1);
  });

  it("queues different bodies under their own ids", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    expect((await github(issueBody(), a)).status).toBe(202);
    expect((await github(issueBody(), b)).status).toBe(202);
  });

  it("of one body sent at once under different delivery ids, queues exactly one and names it in every answer", async () => {
    const body = issueBody();
    const deliveries = Array.from({ length: 6 }, () => randomUUID());
    const answers = await Promise.all(deliveries.map((delivery) => github(body, delivery)));
    const accepted = answers.filter((answer) => answer.status === 202);
    expect(accepted).toHaveLength(1);
    const firstId = accepted[0]!.body.id as string;
    for (const answer of answers.filter((a) => a.status !== 202))
      expect(answer).toEqual({ status: 200, body: { id: firstId, duplicate: true } });
    const queued = await ids();
    expect(deliveries.map((delivery) => eventRecordId("github", delivery)).filter((id) => queued.has(id))).toEqual([
      firstId,
    ]);
  });

  it("never answers duplicate while the first delivery of the body is not queued", async () => {
    const body = issueBody();
    // The state a first delivery leaves between claiming the body and queueing its job (or
    // after dying there): the body is claimed, no job exists.
    const config = parseConfig(h.env);
    const redis = new Redis(config.REDIS_URL);
    try {
      const inFlight = eventRecordId("github", randomUUID());
      await redis.set(
        bodyClaimKey(config, "github", bodyDigest(Buffer.from(body))),
        `pending:${inFlight}`,
        "PX",
        60_000,
      );
      const delivery = randomUUID();
      expect(await github(body, delivery)).toMatchObject({ status: 503, body: { error: "queue_unavailable" } });
      const queued = await ids();
      expect(queued.has(inFlight) || queued.has(eventRecordId("github", delivery))).toBe(false);
    } finally {
      redis.disconnect();
    }
  });
});

describe("shopify: X-Shopify-Event-Id, X-Shopify-Webhook-Id and X-Shopify-Topic are not signed", () => {
  it("answers a replay under fresh id headers, or relabelled orders/paid, as a duplicate of the first event", async () => {
    const body = orderBody();
    const event = randomUUID();
    const id = eventRecordId("shopify", event);
    const headers = {
      "x-shopify-topic": "orders/create",
      "x-shopify-event-id": event,
      "x-shopify-webhook-id": randomUUID(),
    };
    expect(await shopify(body, headers)).toEqual({ status: 202, body: { id, duplicate: false } });
    expect(await shopify(body, headers)).toEqual({ status: 200, body: { id, duplicate: true } });
    const fresh = { ...headers, "x-shopify-event-id": randomUUID(), "x-shopify-webhook-id": randomUUID() };
    expect(await shopify(body, fresh)).toEqual({ status: 200, body: { id, duplicate: true } });
    expect(
      await shopify(body, { ...fresh, "x-shopify-event-id": randomUUID(), "x-shopify-topic": "orders/paid" }),
    ).toEqual({
      status: 200,
      body: { id, duplicate: true },
    });
    // An older API version's delivery: the webhook id alone.
    expect(await shopify(body, { "x-shopify-topic": "orders/paid", "x-shopify-webhook-id": randomUUID() })).toEqual({
      status: 200,
      body: { id, duplicate: true },
    });
    const jobs = (await h.jobs()).filter((job) => (job.payload as { id?: number }).id === JSON.parse(body).id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ id, providerType: "orders/create" });
  });
});

describe("a sources-file source whose event id header is not signed", () => {
  it("answers a replay under a fresh id header as a duplicate of the first event", async () => {
    const body = JSON.stringify({ subject: "Printer on fire", at: randomUUID() });
    const headers = (delivery: string) => ({
      ...json,
      "x-acme-delivery": delivery,
      "x-hub-signature-256": `sha256=${createHmac("sha256", CUSTOM_SECRET).update(body).digest("hex")}`,
    });
    const first = randomUUID();
    const id = eventRecordId("acme", first);
    expect(await h.post("acme", body, headers(first))).toEqual({ status: 202, body: { id, duplicate: false } });
    expect(await h.post("acme", body, headers(randomUUID()))).toEqual({ status: 200, body: { id, duplicate: true } });
    expect(await h.post("acme", body, headers(first))).toEqual({ status: 200, body: { id, duplicate: true } });
    expect(
      (await h.jobs()).filter(
        (job) =>
          job.source === "acme" &&
          (job.payload as { subject?: string }).subject === "Printer on fire" &&
          JSON.stringify(job.payload) === body,
      ),
    ).toHaveLength(1);
  });
});

describe("sources whose event id is signed", () => {
  it("queue two Standard Webhooks deliveries with the same body but different signed ids as two events", async () => {
    // Two identical form submissions are two leads: webhook-id is inside the signature.
    const body = JSON.stringify({ email: "twice@example.com", name: "Twice" });
    const send = (id: string) => {
      const date = new Date();
      return h.post("new-lead", body, {
        ...json,
        "webhook-id": id,
        "webhook-timestamp": `${Math.floor(date.getTime() / 1000)}`,
        "webhook-signature": new Webhook(TEST_SECRETS.LEAD_WEBHOOK_SECRET).sign(id, date, body),
      });
    };
    const [a, b] = [`msg_${randomUUID()}`, `msg_${randomUUID()}`];
    expect(await send(a)).toEqual({ status: 202, body: { id: eventRecordId("new-lead", a), duplicate: false } });
    expect(await send(b)).toEqual({ status: 202, body: { id: eventRecordId("new-lead", b), duplicate: false } });
  });
});
