// Scenario 5: the AI server down (503), then slow (10 s, past the 4 s timeout), then
// answering garbage, 30 s each. Steps retry and complete once it is back; events that used
// up their attempts, or got a second bad answer, are `failed` and complete after a replay.

import { TEST_ADMIN_TOKEN } from "@aiops/testing";
import { afterAll, expect, it } from "vitest";
import { Fleet } from "./support/fleet.js";
import { record } from "./support/report.js";
import { Traffic } from "./support/traffic.js";
import { drain, outcome } from "./support/verify.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PHASE_MS = 30_000;
const GAP_MS = 8_000;
let fleet: Fleet | undefined;
afterAll(() => fleet?.close());

it("the AI down, slow, then answering garbage: retries complete, failed events complete after a replay", async () => {
  const started = Date.now();
  fleet = await Fleet.start({
    workers: 2,
    // Attempts span about 15 s, so events early in a phase fail and later ones ride it out.
    env: {
      WORKER_CONCURRENCY: "25",
      JOB_ATTEMPTS: "5",
      JOB_BACKOFF_MS: "1000",
      AI_TIMEOUT_MS: "4000",
      AI_MAX_RETRIES: "1",
    },
  });
  const traffic = new Traffic({ url: fleet.url, ratePerSecond: 4 }).start();
  const { fake } = fleet;

  // Healthy gaps between the phases, so events still retrying when a phase ends can complete by retry alone.
  await sleep(2_000);
  fake.always = { kind: "error", status: 503 };
  await sleep(PHASE_MS);
  fake.always = undefined;
  await sleep(GAP_MS);
  fake.delayMs = 10_000;
  await sleep(PHASE_MS);
  fake.delayMs = 0;
  await sleep(GAP_MS);
  fake.always = { kind: "content", content: "Sorry, I can't help with that." };
  await sleep(PHASE_MS);
  fake.always = undefined;
  await sleep(GAP_MS);
  await traffic.stop();
  const settled = await drain(fleet, traffic, 120_000);

  const ids = traffic.acknowledged.map((e) => e.id!);
  const failed = await fleet.db.webhookEvent.findMany({
    where: { id: { in: ids }, status: "failed" },
    select: { id: true },
  });
  const retriedThenCompleted = await fleet.db.webhookEvent.count({
    where: { id: { in: ids }, status: "completed", attempts: { gt: 1 } },
  });
  // One by one rather than the bulk route: the bulk route replays every failed event in the database, other suites' included.
  for (const { id } of failed) {
    const response = await fetch(`${fleet.url}/admin/events/${id}/replay`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(202);
  }
  const drained = await drain(fleet, traffic, 60_000);
  const result = await outcome(fleet, traffic);
  record({
    scenario: "AI down / slow / garbage, 30 s each",
    command: "pnpm test:faults ai-outage",
    seconds: Math.round((Date.now() - started) / 1000),
    notes: `4 events/s; ${retriedThenCompleted} completed after retries, ${failed.length} failed and completed after a replay; ${result.aiRequests} AI requests for ${result.aiSteps} AI steps`,
    ...result,
  });

  expect(settled).toBe(true);
  expect(retriedThenCompleted).toBeGreaterThan(0);
  expect(failed.length).toBeGreaterThan(0);
  expect(traffic.refused).toEqual([]);
  expect(drained).toBe(true);
  expect(result.acknowledged).toBe(result.sent);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, failed: 0, idleWorkers: 0 });
  expect(result.completed).toBe(result.acknowledged);
}, 300_000);
