import { waitFor } from "@aiops/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeDownstreams, startFakeWorker } from "./fake-worker.js";
import { type OpsHarness, startOpsApi } from "./harness.js";

describe("replay", () => {
  let h: OpsHarness;
  let worker: ReturnType<typeof startFakeWorker>;
  const downstreams: FakeDownstreams = { aiDown: false, crmDown: false };

  beforeEach(async () => {
    h = await startOpsApi({ JOB_ATTEMPTS: "2", JOB_BACKOFF_MS: "10" });
    Object.assign(downstreams, { aiDown: false, crmDown: false, crmFailures: 0 });
    worker = startFakeWorker(h.config, h.api.db, downstreams);
  });
  afterEach(async () => {
    await worker.close();
    await h.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await h.close();
  });

  const event = (id: string) => h.admin(`/admin/events/${id}`).then((res) => res.body);
  const settled = (id: string, status: string) =>
    waitFor(async () => {
      const body = await event(id);
      return body.status === status && body.job?.state !== "active" && body;
    }, `${id} to be ${status}`);

  it("replays a failed event from its first unfinished step, never repeating a finished one", async () => {
    downstreams.crmDown = true;
    const { body } = await h.deliver();
    const failed = await settled(body.id, "failed");
    expect(failed.lastError).toBe("CRM answered 502 Bad Gateway");
    expect(failed.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ["classify", "succeeded"],
      ["crm", "failed"],
    ]);
    expect(worker.calls).toMatchObject({ classify: 1, crm: 2 });

    downstreams.crmDown = false;
    const replay = await h.admin(`/admin/events/${body.id}/replay`, { method: "POST" });
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ id: body.id, status: "queued", job: "retried" });
    const done = await settled(body.id, "completed");
    expect(done.lastError).toBeNull();
    expect(done.steps.map((s: { status: string }) => s.status)).toEqual(["succeeded", "succeeded"]);
    // The AI call that had succeeded was not made again.
    expect(worker.calls).toMatchObject({ classify: 1, crm: 3 });
  });

  it("gives a replayed event a fresh set of attempts", async () => {
    downstreams.crmDown = true;
    const { body } = await h.deliver();
    await settled(body.id, "failed");
    // Still flaky after the fix: one more failure must be retried, not final.
    Object.assign(downstreams, { crmDown: false, crmFailures: 1 });
    await h.admin(`/admin/events/${body.id}/replay`, { method: "POST" });
    await settled(body.id, "completed");
    expect(worker.calls.crm).toBe(4);
  });

  it("rebuilds the job from the row when Redis no longer holds it", async () => {
    downstreams.aiDown = true;
    const { body } = await h.deliver();
    await settled(body.id, "failed");
    await (await h.queue.getJob(body.id))!.remove();

    downstreams.aiDown = false;
    const replay = await h.admin(`/admin/events/${body.id}/replay`, { method: "POST" });
    expect(replay.body.job).toBe("requeued");
    const done = await settled(body.id, "completed");
    expect(done.payload).toMatchObject({ email: "ada@example.com" });
    expect(done.steps.find((s: { name: string }) => s.name === "classify")).toMatchObject({
      provider: "fake-ai",
      usage: { totalTokens: 150 },
    });
  });

  it("leaves a job that will run anyway alone, and refuses unknown and pruned events", async () => {
    await worker.close();
    const { body } = await h.deliver();
    const again = await h.admin(`/admin/events/${body.id}/replay`, { method: "POST" });
    expect(again.body.job).toBe("already_queued");
    expect((await h.queue.getJobCounts("waiting")).waiting).toBe(1);

    expect((await h.admin("/admin/events/evt_nope/replay", { method: "POST" })).status).toBe(404);

    await h.api.db.webhookEvent.create({
      data: {
        id: `evt_${h.source}_pruned`,
        source: h.source,
        providerEventId: "pruned",
        type: "lead",
        status: "failed",
        receivedAt: new Date(),
        payloadPrunedAt: new Date("2026-01-01T00:00:00Z"),
      },
    });
    const pruned = await h.admin(`/admin/events/evt_${h.source}_pruned/replay`, { method: "POST" });
    expect(pruned.status).toBe(409);
    expect(pruned.body).toMatchObject({
      error: "conflict",
      message: expect.stringMatching(/removed by retention on 2026-01-01/),
    });
  });

  it("replays every failed event of a source in bulk, skipping pruned ones", async () => {
    downstreams.aiDown = true;
    const ids = await Promise.all(Array.from({ length: 5 }, async () => (await h.deliver()).body.id as string));
    for (const id of ids) await settled(id, "failed");
    // One whose job Redis already dropped, and one whose payload retention removed.
    await (await h.queue.getJob(ids[0]!))!.remove();
    await h.api.db.webhookEvent.create({
      data: {
        id: `evt_${h.source}_old`,
        source: h.source,
        providerEventId: "old",
        type: "lead",
        status: "failed",
        receivedAt: new Date(),
        payloadPrunedAt: new Date(),
      },
    });

    const listed = await h.admin(`/admin/events?source=${h.source}&status=failed`);
    expect(listed.body.events).toHaveLength(6);

    downstreams.aiDown = false;
    const bulk = await h.admin("/admin/events/replay", {
      method: "POST",
      body: JSON.stringify({ status: "failed", source: h.source }),
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual({ replayed: 5, skipped: 1 });
    for (const id of ids) await settled(id, "completed");
    const still = await h.admin(`/admin/events?source=${h.source}&status=failed`);
    expect(still.body.events.map((e: { id: string }) => e.id)).toEqual([`evt_${h.source}_old`]);
  });

  it("refuses a bulk replay of anything but failed events", async () => {
    for (const body of [{ status: "completed" }, {}, { status: "failed", extra: 1 }]) {
      const res = await h.admin("/admin/events/replay", { method: "POST", body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe("invalid_request");
    }
    const broken = await h.admin("/admin/events/replay", { method: "POST", body: "{not json" });
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe("invalid_json");
  });
});
