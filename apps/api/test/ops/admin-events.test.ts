import type { EventStatus } from "@aiops/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpsHarness, startOpsApi } from "./harness.js";

describe("admin events API", () => {
  let h: OpsHarness;
  // Recent, so that payload retention running meanwhile never touches these rows.
  const base = Date.now() - 3_600_000;
  // Eight events; two share a timestamp so the id must break the tie.
  const seeds: Array<{ id: string; status: EventStatus; type: "lead" | "ticket"; at: number }> = [
    { id: "a", status: "completed", type: "lead", at: 0 },
    { id: "b", status: "failed", type: "ticket", at: 1 },
    { id: "c", status: "completed", type: "ticket", at: 2 },
    { id: "d", status: "failed", type: "lead", at: 3 },
    { id: "e", status: "processing", type: "lead", at: 3 },
    { id: "f", status: "ignored", type: "lead", at: 4 },
    { id: "g", status: "failed", type: "lead", at: 5 },
    { id: "h", status: "completed", type: "lead", at: 6 },
  ];
  const idOf = (seed: string) => `evt_${h.source}_${seed}`;

  beforeAll(async () => {
    h = await startOpsApi();
    await h.api.db.webhookEvent.createMany({
      data: seeds.map((seed) => ({
        id: idOf(seed.id),
        source: h.source,
        providerEventId: seed.id,
        type: seed.type,
        status: seed.status,
        attempts: seed.status === "failed" ? 3 : 1,
        lastError: seed.status === "failed" ? "CRM answered 502" : null,
        payload: { seed: seed.id },
        receivedAt: new Date(base + seed.at * 60_000),
      })),
    });
    await h.api.db.stepResult.createMany({
      data: [
        {
          eventId: idOf("h"),
          name: "classify",
          status: "succeeded",
          output: { category: "hot" },
          provider: "openai",
          model: "gpt-4o-mini",
          promptTokens: 200,
          completionTokens: 50,
          costUsd: 0.0001,
          durationMs: 800,
          createdAt: new Date(base),
        },
        {
          eventId: idOf("h"),
          name: "crm",
          status: "succeeded",
          output: { contact: "x" },
          durationMs: 20,
          attempts: 2,
          createdAt: new Date(base + 1),
        },
      ],
    });
  });
  afterAll(async () => {
    await h.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await h.close();
  });

  async function allPages(query: string, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await h.admin(
        `/admin/events?source=${h.source}&limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.status).toBe(200);
      pages.push(res.body.events.map((event: { id: string }) => event.id));
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 10);
    return pages;
  }

  it("pages newest first with a cursor, without gaps or repeats", async () => {
    const pages = await allPages("", 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 2]);
    expect(pages.flat()).toEqual(["h", "g", "f", "e", "d", "c", "b", "a"].map(idOf));
  });

  it("filters by status, type and source", async () => {
    expect((await allPages("&status=failed", 2)).flat()).toEqual(["g", "d", "b"].map(idOf));
    expect((await allPages("&status=failed&type=lead", 50)).flat()).toEqual(["g", "d"].map(idOf));
    expect((await allPages("&type=ticket", 50)).flat()).toEqual(["c", "b"].map(idOf));
    const other = await h.admin("/admin/events?source=no-such-source");
    expect(other.body).toEqual({ events: [], nextCursor: null });
  });

  it("lists summaries without payloads", async () => {
    const res = await h.admin(`/admin/events?source=${h.source}&status=failed&limit=1`);
    expect(res.body.events[0]).toMatchObject({
      id: idOf("g"),
      status: "failed",
      attempts: 3,
      lastError: "CRM answered 502",
      type: "lead",
    });
    expect(res.body.events[0]).not.toHaveProperty("payload");
  });

  it("refuses bad queries with the problem named", async () => {
    for (const query of ["status=lost", "limit=0", "limit=500", "type=invoice", "cursor=garbage"]) {
      const res = await h.admin(`/admin/events?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toBe("invalid_request");
    }
  });

  it("shows an event with its steps, outputs, provider and token usage", async () => {
    const res = await h.admin(`/admin/events/${idOf("h")}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: idOf("h"), status: "completed", payload: { seed: "h" }, job: null });
    expect(res.body.steps).toEqual([
      expect.objectContaining({
        name: "classify",
        status: "succeeded",
        output: { category: "hot" },
        provider: "openai",
        model: "gpt-4o-mini",
        durationMs: 800,
        usage: { promptTokens: 200, completionTokens: 50, totalTokens: 250 },
        costUsd: 0.0001,
      }),
      expect.objectContaining({ name: "crm", status: "succeeded", attempts: 2, usage: null }),
    ]);
    expect(res.body.usage).toEqual({ promptTokens: 200, completionTokens: 50, totalTokens: 250, costUsd: 0.0001 });
  });

  it("answers 404 for an id neither Postgres nor the queue knows", async () => {
    const res = await h.admin("/admin/events/evt_00000000000000000000000000000000");
    expect(res.status).toBe(404);
    expect(res.body.error).toBe("not_found");
  });

  it("reports an acknowledged event as queued before any worker recorded it", async () => {
    const delivered = await h.deliver();
    expect(delivered.status).toBe(202);
    const res = await h.admin(`/admin/events/${delivered.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: delivered.body.id,
      source: h.source,
      providerEventId: delivered.deliveryId,
      status: "queued",
      steps: [],
      payload: { email: "ada@example.com" },
      job: { state: "waiting", attemptsMade: 0 },
    });
  });

  it("counts events by status and jobs by state", async () => {
    const res = await h.admin(`/admin/stats?source=${h.source}`);
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual({ queued: 0, processing: 1, completed: 3, ignored: 1, failed: 3 });
    expect(res.body.queue.waiting).toBeGreaterThanOrEqual(1);
  });
});
