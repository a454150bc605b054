// Scenario 1: a worker SIGKILLed three times at random moments while jobs are active, with
// other workers running. Each killed worker is replaced, as an orchestrator would.
import { waitFor } from "@aiops/testing";
import { afterAll, expect, it } from "vitest";
import { Fleet } from "./support/fleet.js";
import { record } from "./support/report.js";
import { Traffic } from "./support/traffic.js";
import { drain, outcome } from "./support/verify.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let fleet: Fleet | undefined;
afterAll(() => fleet?.close());

it("a worker killed three times mid-job: every acknowledged event completes once, nothing duplicated", async () => {
  const started = Date.now();
  fleet = await Fleet.start({ workers: 3 });
  // Answers take long enough that every worker always holds jobs in the middle of an AI call.
  fleet.fake.delayMs = 300;
  const traffic = new Traffic({ url: fleet.url, ratePerSecond: 15 }).start();

  const kills: Array<NodeJS.Signals | null> = [];
  for (let i = 0; i < 3; i++) {
    await sleep(2_000 + Math.random() * 3_000);
    // The kill must land mid-job: wait for an event in the middle of its pipeline, however
    // long a busy machine takes to get the workers going.
    const processing = await waitFor(
      async () =>
        (await fleet!.db.webhookEvent.count({
          where: { status: "processing", id: { in: traffic.acknowledged.map((e) => e.id!) } },
        })) || false,
      "an event in the middle of its pipeline",
      120_000,
    );
    expect(processing).toBeGreaterThan(0);
    const victim = fleet.workers[Math.floor(Math.random() * fleet.workers.length)]!;
    const { signal, replacement } = await fleet.killWorker(victim);
    kills.push(signal);
    expect(replacement.running).toBe(true);
  }
  await sleep(2_000);
  await traffic.stop();
  const drained = await drain(fleet, traffic);
  const result = await outcome(fleet, traffic);
  record({
    scenario: "worker SIGKILL ×3",
    command: "pnpm test:faults worker-kill",
    seconds: Math.round((Date.now() - started) / 1000),
    notes: `3 workers, 15 events/s, AI 300 ms; ${result.aiRequests} AI requests for ${result.aiSteps} AI steps`,
    ...result,
  });

  expect(kills).toEqual(["SIGKILL", "SIGKILL", "SIGKILL"]);
  expect(traffic.refused).toEqual([]);
  expect(drained).toBe(true);
  expect(result.acknowledged).toBe(result.sent);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, failed: 0, idleWorkers: 0 });
  expect(result.completed).toBe(result.acknowledged);
  expect(fleet.workers.every((worker) => worker.running)).toBe(true);
});
