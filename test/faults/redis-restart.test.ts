// Scenario 3: Redis killed and restarted mid-stream (AOF, appendfsync always). Nothing
// acknowledged is lost; while Redis is down the API answers 503 and the senders retry.
import { afterAll, expect, it } from "vitest";
import { Fleet } from "./support/fleet.js";
import { OwnRedis } from "./support/redis-server.js";
import { record } from "./support/report.js";
import { Traffic } from "./support/traffic.js";
import { drain, outcome } from "./support/verify.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const redis = new OwnRedis();
let fleet: Fleet | undefined;
afterAll(async () => {
  await fleet?.close();
  await redis.close();
});

it("Redis restarted mid-stream: 503 while it is down, nothing acknowledged is lost", async () => {
  const started = Date.now();
  await redis.start();
  fleet = await Fleet.start({ workers: 2, env: { REDIS_URL: redis.url } });
  fleet.fake.delayMs = 100;
  const traffic = new Traffic({ url: fleet.url, ratePerSecond: 20 }).start();

  await sleep(4_000);
  const ackedBefore = traffic.acknowledged.length;
  const downAt = Date.now();
  await redis.kill();
  await sleep(5_000);
  const upAt = Date.now();
  await redis.start();
  await sleep(5_000);
  await traffic.stop();
  const drained = await drain(fleet, traffic);
  const result = await outcome(fleet, traffic);
  // Answers to requests sent while Redis was away (a request in flight at the kill may have been acknowledged just before).
  const whileDown = traffic.responses.filter((r) => r.at > downAt + 500 && r.at < upAt);
  const unavailable = whileDown.filter((r) => r.status === 503).length;
  record({
    scenario: "Redis killed and restarted",
    command: "pnpm test:faults redis-restart",
    seconds: Math.round((Date.now() - started) / 1000),
    notes: `20 events/s, Redis down ${((upAt - downAt) / 1000).toFixed(1)} s; ${unavailable} answers 503 while down, ${ackedBefore} acknowledged before the kill`,
    ...result,
  });

  expect(unavailable).toBeGreaterThan(0);
  expect(whileDown.map((r) => r.status).filter((s) => s !== 503)).toEqual([]);
  expect(traffic.refused).toEqual([]);
  expect(drained).toBe(true);
  expect(result.acknowledged).toBe(result.sent);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, failed: 0, idleWorkers: 0 });
  expect(result.completed).toBe(result.acknowledged);
  expect(fleet.api.running && fleet.workers.every((worker) => worker.running)).toBe(true);
});
