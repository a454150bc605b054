import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOpsApi, type OpsHarness } from "./harness.js";

/** The value of one sample of the Prometheus text, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf("}")).split(",");
    if (wanted.every((pair) => inside.includes(pair)) && inside.length === wanted.length) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("/metrics", () => {
  let h: OpsHarness;
  beforeAll(async () => {
    h = await startOpsApi();
  });
  afterAll(async () => {
    await h.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await h.close();
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
      headers: { "content-type": "application/json", "webhook-id": "msg_x", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,AAAA" },
      body: "{}",
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${h.url}/webhook/${h.source}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(unsigned.status).toBe(401);
    await h.api.db.webhookEvent.createMany({
      data: ["a", "b"].map((id) => ({ id: `evt_${h.source}_${id}`, source: h.source, providerEventId: id, type: "lead" as const, status: "failed" as const, receivedAt: new Date() })),
    });

    const res = await fetch(`${h.url}/metrics`);
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

  it("needs no admin token: it holds counts, never payloads", async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).not.toContain("ada@example.com");
  });
});
