import { waitFor } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWorker } from "./fake-worker.js";
import { type OpsHarness, startOpsApi } from "./harness.js";

describe("bounded Redis", () => {
  let h: OpsHarness;
  let worker: ReturnType<typeof startFakeWorker>;
  beforeAll(async () => {
    h = await startOpsApi({ COMPLETED_JOB_TTL_SECONDS: "1", COMPLETED_JOB_MAX_COUNT: "1000" });
    worker = startFakeWorker(h.config, h.api.db, { aiDown: false, crmDown: false });
  });
  afterAll(async () => {
    await worker.close();
    await h.api.db.webhookEvent.deleteMany({ where: { source: h.source } });
    await h.close();
  });

  // The row is completed inside the job; BullMQ marks the job completed a moment later.
  const completed = async (id: string) => {
    await waitFor(
      async () => (await h.api.db.webhookEvent.findUnique({ where: { id } }))?.status === "completed",
      `${id} completed`,
    );
    await waitFor(async () => (await h.queue.getJobState(id)) !== "active", `${id}'s job to finish`);
  };

  it("drops completed jobs after the configured age, and a re-delivery is still a duplicate", async () => {
    const first = await h.deliver();
    expect(first.status).toBe(202);
    await completed(first.body.id);
    expect(await h.queue.getJobState(first.body.id)).toBe("completed");

    // BullMQ trims by age when a later job completes: wait past the age, then finish another.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await h.deliver();
    await completed(second.body.id);
    await waitFor(async () => (await h.queue.getJobState(first.body.id)) === "unknown", "the first job to leave Redis");
    expect(await h.queue.getJobCounts("completed")).toMatchObject({ completed: 1 });

    const again = await h.deliver(first.deliveryId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: first.body.id, duplicate: true });
    // Whatever Redis holds now, the stored row keeps the event from being processed twice.
    await waitFor(
      async () =>
        (await h.queue.getJobState(first.body.id)) !== "waiting" &&
        (await h.queue.getJobState(first.body.id)) !== "active",
      "the re-delivery to settle",
    );
    const steps = await h.api.db.stepResult.findMany({ where: { eventId: first.body.id } });
    expect(steps.map((step) => [step.name, step.attempts])).toEqual(
      expect.arrayContaining([
        ["classify", 1],
        ["crm", 1],
      ]),
    );
    expect(worker.calls.classify).toBe(2);
    // The ingress queued it again (the job id was free), and the worker found it done.
    expect(worker.calls.noop).toBe(1);
    expect(await h.api.db.webhookEvent.count({ where: { source: h.source } })).toBe(2);
  });
});
