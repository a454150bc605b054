import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type OpsHarness, startOpsApi } from "./harness.js";

describe("reviewers' labels", () => {
  let h: OpsHarness;
  const idOf = (seed: string) => `evt_${h.source}_${seed}`;
  const label = (id: string, body: unknown, init: RequestInit = {}) =>
    h.admin(`/admin/events/${id}/label`, { method: "POST", body: JSON.stringify(body), ...init });

  beforeAll(async () => {
    h = await startOpsApi();
    const seeds = [
      { id: "lead", type: "lead" },
      { id: "lead2", type: "lead" },
      { id: "ticket", type: "ticket" },
      { id: "payment", type: "payment" },
    ] as const;
    await h.api.db.webhookEvent.createMany({
      data: seeds.map((seed) => ({
        id: idOf(seed.id),
        source: h.source,
        providerEventId: seed.id,
        type: seed.type,
        status: "completed",
        payload: { seed: seed.id },
        receivedAt: new Date(),
      })),
    });
    await h.api.db.stepResult.createMany({
      data: [
        {
          eventId: idOf("lead"),
          name: "ai.lead",
          status: "succeeded",
          output: { category: "warm" },
          provider: "openai",
          model: "gpt-4o-mini",
        },
        {
          eventId: idOf("lead2"),
          name: "ai.lead",
          status: "succeeded",
          output: { category: "hot" },
          provider: "openai",
          model: `model-${h.source}`,
        },
        {
          eventId: idOf("ticket"),
          name: "ai.ticket",
          status: "succeeded",
          output: { priority: "low" },
          provider: "rules",
          model: "rules-v1",
        },
      ],
    });
  });
  afterAll(async () => {
    await h.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await h.close();
  });

  it("stores a ticket's corrected priority with who, when and what the AI said", async () => {
    const basic = `Basic ${Buffer.from(`maria:${ADMIN_TOKEN}`).toString("base64")}`;
    const res = await label(idOf("ticket"), { priority: "urgent" }, { headers: { authorization: basic } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      eventId: idOf("ticket"),
      type: "ticket",
      priority: "urgent",
      category: null,
      draft: null,
      ai: { value: "low", provider: "rules", model: "rules-v1" },
      labelledBy: "maria",
    });
    expect(Date.parse(res.body.labelledAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("keeps the history; the latest label wins and carries earlier fields forward", async () => {
    expect((await label(idOf("lead"), { category: "hot" })).status).toBe(200);
    expect((await label(idOf("lead"), { draft: "needed_edits" })).body).toMatchObject({
      category: "hot",
      draft: "needed_edits",
      labelledBy: "token",
    });
    const latest = await label(idOf("lead"), { category: "cold" });
    expect(latest.body).toMatchObject({
      category: "cold",
      draft: "needed_edits",
      ai: { value: "warm", provider: "openai", model: "gpt-4o-mini" },
    });
    const rows = await h.api.db.eventLabel.findMany({ where: { eventId: idOf("lead") }, orderBy: { id: "asc" } });
    expect(rows.map((row) => row.category)).toEqual(["hot", "hot", "cold"]);
  });

  it("refuses a wrong value, a field that does not fit the event, or nothing to label, storing nothing", async () => {
    const before = await h.api.db.eventLabel.count({ where: { event: { source: h.source } } });
    for (const [id, body] of [
      ["lead", { category: "lukewarm" }],
      ["lead", { priority: "urgent" }],
      ["ticket", { category: "hot" }],
      ["ticket", { priority: "high", extra: 1 }],
      ["ticket", { draft: "meh" }],
      ["ticket", {}],
      ["payment", { priority: "high" }],
    ] as const) {
      const res = await label(idOf(id), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe("invalid_payload");
    }
    expect(await h.api.db.eventLabel.count({ where: { event: { source: h.source } } })).toBe(before);
  });

  it("reports the weekly live accuracy per task, provider and model from the latest labels", async () => {
    expect((await label(idOf("lead2"), { category: "warm" })).status).toBe(200);
    const mine = async () =>
      (await h.admin("/admin/inbox/accuracy")).body.weeks.filter(
        (row: { model: string }) => row.model === `model-${h.source}`,
      );
    expect(await mine()).toEqual([
      {
        week: expect.any(String),
        task: "lead",
        provider: "openai",
        model: `model-${h.source}`,
        labelled: 1,
        agreed: 0,
        accuracy: 0,
      },
    ]);
    // The reviewer changes their mind: the latest label counts, once.
    expect((await label(idOf("lead2"), { category: "hot" })).status).toBe(200);
    expect(await mine()).toMatchObject([{ labelled: 1, agreed: 1, accuracy: 1 }]);
  });

  it("answers 404 for an unknown event", async () => {
    const res = await label(idOf("nope"), { priority: "high" });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe("not_found");
  });
});
