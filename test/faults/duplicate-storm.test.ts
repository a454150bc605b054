// Scenario 6: duplicate storms. Every event delivered five times: twice at once, then three
// more spread over the next 20 s, many of them after the event's job has left Redis (a
// completed job is kept for 1 s here). Exactly one delivery is acknowledged with 202, the
// others are answered 200 duplicate, and the event is processed once.
import { afterAll, expect, it } from "vitest";
import { Fleet } from "./support/fleet.js";
import { record } from "./support/report.js";
import { Traffic, type TrafficEvent } from "./support/traffic.js";
import { drain, outcome } from "./support/verify.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const COPIES = 5;
let fleet: Fleet | undefined;
afterAll(() => fleet?.close());

it("each event delivered five times, concurrently and after its job left Redis: one 202, processed once", async () => {
  const started = Date.now();
  fleet = await Fleet.start({ workers: 2, env: { COMPLETED_JOB_TTL_SECONDS: "1", COMPLETED_JOB_MAX_COUNT: "1" } });
  fleet.fake.delayMs = 50;
  const queue = fleet.queue;
  const traffic = new Traffic({ url: fleet.url, ratePerSecond: 1 });
  const answers: number[] = [];
  let afterJobLeft = 0;
  const deliver = async (event: TrafficEvent) => {
    const { status, body } = await traffic.deliverOnce(event);
    answers.push(status);
    if (event.id && body?.id !== event.id)
      throw new Error(`event ${event.seq} answered with id ${body?.id}, expected ${event.id}`);
  };
  const storm = async (event: TrafficEvent) => {
    await Promise.all([deliver(event), deliver(event)]);
    for (let copy = 2; copy < COPIES; copy++) {
      await sleep(1_000 + Math.random() * 6_000);
      if (event.id && !(await queue.getJob(event.id))) afterJobLeft++;
      await deliver(event);
    }
  };

  // 10 new events a second for 8 s, each followed by its own storm.
  const storms: Array<Promise<void>> = [];
  for (let i = 0; i < 80; i++) {
    storms.push(storm(traffic.next()));
    await sleep(100);
  }
  await Promise.all(storms);
  const drained = await drain(fleet, traffic);
  const result = await outcome(fleet, traffic);
  const ids = traffic.acknowledged.map((e) => e.id!);
  const processedTwice = await fleet.db.webhookEvent.count({ where: { id: { in: ids }, attempts: { not: 1 } } });
  record({
    scenario: `duplicate storm (×${COPIES})`,
    command: "pnpm test:faults duplicate-storm",
    seconds: Math.round((Date.now() - started) / 1000),
    notes: `${result.deliveries} deliveries of ${result.sent} events over ~20 s, ${afterJobLeft} after the job had left Redis; ${answers.filter((s) => s === 202).length} answered 202, ${answers.filter((s) => s === 200).length} answered 200 duplicate`,
    ...result,
  });

  expect(answers.filter((s) => s !== 200 && s !== 202)).toEqual([]);
  expect(answers.filter((s) => s === 202)).toHaveLength(traffic.events.length);
  expect(afterJobLeft).toBeGreaterThan(traffic.events.length);
  expect(drained).toBe(true);
  expect(result.acknowledged).toBe(result.sent);
  expect(result).toMatchObject({ lost: 0, duplicated: 0, failed: 0, idleWorkers: 0, deliveries: result.sent * COPIES });
  expect(result.completed).toBe(result.acknowledged);
  expect(processedTwice).toBe(0);
});
