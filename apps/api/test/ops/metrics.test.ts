import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventCountsQuery } from "../../src/queue-metrics.js";
import { ADMIN_TOKEN, type OpsHarness, startOpsApi } from "./harness.js";

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The value of one sample of the Prometheus text, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf("}")).split(",");
    if (wanted.every((pair) => inside.includes(pair)) && inside.length === wanted.length)
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("/metrics", () => {
  let h: OpsHarness;
  let disabled: OpsHarness;
  /** Every GROUP BY the gauge ran against Postgres. */
  let eventCountQueries = 0;
  beforeAll(async () => {
    disabled = await startOpsApi({ ADMIN_TOKEN: undefined });
    h = await startOpsApi(
      {},
      {
        metricsPort: true,
        eventCounts: (db) => {
          const query = eventCountsQuery(db);
          return () => {
            eventCountQueries++;
            return query();
          };
        },
      },
    );
  });
  afterAll(async () => {
    await h.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await Promise.all([h.close(), disabled.close()]);
  });

  it("counts received, duplicated and rejected events, queue depth and events by status", async () => {
    // A known sequence: three new events, one delivered twice more, two refused.
    const first = await h.deliver();
    await h.deliver();
    await h.deliver();
    await h.deliver(first.deliveryId);
    await h.deliver(first.deliveryId);
    const forged = await fetch(`${h.url}/webhook/${h.source}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": "msg_x",
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": "v1,AAAA",
      },
      body: "{}",
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${h.url}/webhook/${h.source}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(unsigned.status).toBe(401);
    await h.api.db.webhookEvent.createMany({
      data: ["a", "b"].map((id) => ({
        id: `evt_${h.source}_${id}`,
        source: h.source,
        providerEventId: id,
        type: "lead" as const,
        status: "failed" as const,
        receivedAt: new Date(),
      })),
    });

    const res = await fetch(`${h.url}/metrics`, { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(sample(text, "aiops_events_received_total", { source: h.source, type: "lead" })).toBe(3);
    expect(sample(text, "aiops_events_duplicated_total", { source: h.source })).toBe(2);
    expect(sample(text, "aiops_events_rejected_total", { source: h.source, reason: "invalid_signature" })).toBe(1);
    expect(sample(text, "aiops_events_rejected_total", { source: h.source, reason: "missing_signature" })).toBe(1);
    expect(sample(text, "aiops_queue_jobs", { queue: "events", state: "waiting" })).toBe(3);
    expect(sample(text, "aiops_queue_jobs", { queue: "events", state: "failed" })).toBe(0);
    expect(sample(text, "aiops_queue_jobs", { queue: "maintenance", state: "waiting" })).toBe(0);
    expect(sample(text, "aiops_events", { status: "failed", source: h.source })).toBe(2);
    expect(sample(text, "aiops_events", { status: "completed", source: h.source })).toBeUndefined();
  });

  it("needs the admin token on the public port, as a bearer token or the basic-auth password", async () => {
    for (const authorization of [
      undefined,
      "Bearer wrong-token",
      `Basic ${Buffer.from("prometheus:wrong").toString("base64")}`,
    ]) {
      const res = await fetch(`${h.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      const text = await res.text();
      expect(text).not.toContain("aiops_events_received_total");
      expect(text).not.toContain("nodejs_version");
    }
    const basic = await fetch(`${h.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from(`prometheus:${ADMIN_TOKEN}`).toString("base64")}` },
    });
    expect(basic.status).toBe(200);
    expect(await basic.text()).toContain("aiops_events_received_total");
  });

  it("is refused on the public port when no ADMIN_TOKEN is set", async () => {
    const res = await fetch(`${disabled.url}/metrics`, { headers: bearer });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("aiops_events_received_total");
  });

  it("is served without a token on the private metrics port, never with payloads", async () => {
    const res = await fetch(`${h.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, "aiops_events_received_total", { source: h.source, type: "lead" })).toBe(3);
    expect(text).not.toContain("ada@example.com");
    expect((await fetch(`${h.metricsUrl}/readyz`)).status).toBe(200);
    // Only metrics and health there: the admin API and the webhooks stay on the public port.
    expect((await fetch(`${h.metricsUrl}/admin/events`, { headers: bearer })).status).toBe(404);
  });

  it("counts events in Postgres at most once per 15 s, however often it is scraped", async () => {
    await fetch(`${h.metricsUrl}/metrics`);
    expect(eventCountQueries).toBeGreaterThan(0);
    const before = eventCountQueries;
    const scrape = async (url: string, init?: RequestInit) => {
      const res = await fetch(`${url}/metrics`, init);
      expect(res.status).toBe(200);
      return res.text();
    };
    // Twenty scrapes, ten of them at once, on both ports: within the window none reaches Postgres.
    await Promise.all(Array.from({ length: 10 }, () => scrape(h.metricsUrl!)));
    for (let i = 0; i < 5; i++) await scrape(h.url, { headers: bearer });
    for (let i = 0; i < 5; i++) await scrape(h.metricsUrl!);
    expect(eventCountQueries - before).toBeLessThanOrEqual(1);
    // And a row added meanwhile is not counted until the window has passed.
    const counted = sample(await scrape(h.metricsUrl!), "aiops_events", { status: "failed", source: h.source });
    await h.api.db.webhookEvent.create({
      data: {
        id: `evt_${h.source}_c`,
        source: h.source,
        providerEventId: "c",
        type: "lead",
        status: "failed",
        receivedAt: new Date(),
      },
    });
    expect(sample(await scrape(h.metricsUrl!), "aiops_events", { status: "failed", source: h.source })).toBe(counted);
    expect(eventCountQueries - before).toBeLessThanOrEqual(1);
  });
});
