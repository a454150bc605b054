// Scenario 2: the API SIGKILLed under load. Requests it never answered are the sender's to
// retry, and the suite retries them as a provider would; everything it acknowledged runs.
import { afterAll, expect, it } from "vitest";
import { Fleet } from "./support/fleet.js";
import { record } from "./support/report.js";
import { Traffic } from "./support/traffic.js";
import { drain, outcome } from "./support/verify.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let fleet: Fleet | undefined;
afterAll(() => fleet?.close());

it("the API killed under load: retried requests are acknowledged once, every acknowledged event completes", async () => {
  const started = Date.now();
  fleet = await Fleet.start({ workers: 2 });
  fleet.fake.delayMs = 50;
  const traffic = new Traffic({ url: fleet.url, ratePerSecond: 30 }).start();

  await sleep(4_000);
  const killedAt = Date.now();
  expect((await fleet.api.kill("SIGKILL")).signal).toBe("SIGKILL");
  // The orchestrator's restart delay; the senders meanwhile see refused connections.
  await sleep(1_000);
  const api = await fleet.startApi();
  const restartedAt = Date.now();
  await sleep(4_000);
  await traffic.stop();
  const drained = await drain(fleet, traffic);
  const result = await outcome(fleet, traffic);
  const unanswered = traffic.responses.filter((r) => r.status === 0 && r.at >= killedAt).length;
  const retried = traffic.events.filter((e) => e.deliveries > 1).length;
  // Enqueued, but the 202 died with the process: the retry is answered 200 duplicate.
  const ackLost = traffic.acknowledged.filter((e) => e.accepted === 0).length;
  record({
    scenario: "API SIGKILL",
    command: "pnpm test:faults api-kill",
    seconds: Math.round((Date.now() - started) / 1000),
    notes: `30 events/s, API down ${((restartedAt - killedAt) / 1000).toFixed(1)} s; ${unanswered} requests unanswered, ${retried} events retried by the sender, ${ackLost} of them already enqueued (answered 200 duplicate)`,
    ...result,
  });

  expect(unanswered).toBeGreaterThan(0);
  expect(traffic.refused).toEqual([]);
  expect(drained).toBe(true);
  expect(result.acknowledged).toBe(result.sent);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, failed: 0, idleWorkers: 0 });
  expect(result.completed).toBe(result.acknowledged);
  expect(await fetch(`${fleet.url}/healthz`).then((r) => r.status)).toBe(200);
  expect(api.running).toBe(true);
});
