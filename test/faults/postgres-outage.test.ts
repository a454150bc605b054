// Scenario 4: Postgres unreachable for 20 s mid-stream (a proxy between the platform and
// the database drops every connection and refuses new ones). The ingress keeps accepting,
// since it needs only Redis; workers back off and finish everything once it returns.
import { afterAll, expect, it } from "vitest";
import { Fleet } from "./support/fleet.js";
import { record } from "./support/report.js";
import { TcpProxy } from "./support/tcp-proxy.js";
import { Traffic } from "./support/traffic.js";
import { drain, outcome } from "./support/verify.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const databaseUrl = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_test");
const proxy = new TcpProxy(databaseUrl.hostname, Number(databaseUrl.port || 5432));
let fleet: Fleet | undefined;
afterAll(async () => {
  await fleet?.close();
  await proxy.close();
});

it("Postgres unreachable for 20 s: workers back off, then finish every event", async () => {
  const started = Date.now();
  await proxy.start();
  const proxied = new URL(databaseUrl);
  proxied.host = `127.0.0.1:${proxy.port}`;
  // Enough attempts that exponential backoff from 200 ms outlasts 20 s.
  fleet = await Fleet.start({
    workers: 2,
    env: { DATABASE_URL: proxied.toString(), JOB_ATTEMPTS: "12" },
    checkDatabaseUrl: databaseUrl.toString(),
  });
  fleet.fake.delayMs = 100;
  const traffic = new Traffic({ url: fleet.url, ratePerSecond: 10 }).start();

  await sleep(3_000);
  const cutAt = Date.now();
  proxy.cut();
  await sleep(20_000);
  proxy.restore();
  const restoredAt = Date.now();
  await sleep(3_000);
  await traffic.stop();
  const drained = await drain(fleet, traffic, 120_000);
  const result = await outcome(fleet, traffic);
  const acceptedWhileDown = traffic.events.filter(
    (e) => e.ackedAt && e.ackedAt > cutAt && e.ackedAt < cutAt + 20_000,
  ).length;
  // Attempts made while the database was away cannot be counted on the event's row; the time to finish shows the backoff.
  const last = await fleet.db.webhookEvent.aggregate({
    where: { id: { in: traffic.acknowledged.map((e) => e.id!) } },
    _max: { finishedAt: true },
  });
  const caughtUpSeconds = ((last._max.finishedAt?.getTime() ?? restoredAt) - restoredAt) / 1000;
  record({
    scenario: "Postgres unreachable 20 s",
    command: "pnpm test:faults postgres-outage",
    seconds: Math.round((Date.now() - started) / 1000),
    notes: `10 events/s; ${acceptedWhileDown} accepted while the database was away, all finished ${caughtUpSeconds.toFixed(0)} s after it returned`,
    ...result,
  });

  expect(acceptedWhileDown).toBeGreaterThan(0);
  expect(traffic.refused).toEqual([]);
  expect(drained).toBe(true);
  expect(result.acknowledged).toBe(result.sent);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, failed: 0, idleWorkers: 0 });
  expect(result.completed).toBe(result.acknowledged);
  expect(fleet.api.running && fleet.workers.every((worker) => worker.running)).toBe(true);
});
