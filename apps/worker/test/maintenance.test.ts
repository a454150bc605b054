import { randomBytes } from "node:crypto";
import {
  createDatabase,
  createLogger,
  createWorkerConnection,
  type EventStatus,
  MAINTENANCE_QUEUE,
  parseConfig,
} from "@aiops/shared";
import { testEnv } from "@aiops/testing";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRUNE_SCHEDULER_ID, startMaintenance } from "../src/maintenance/maintenance.js";
import { prunePayloads } from "../src/maintenance/prune-payloads.js";

const config = parseConfig(testEnv({ PRUNE_INTERVAL_SECONDS: "1", PAYLOAD_RETENTION_DAYS: "30" }));
const database = createDatabase(config.DATABASE_URL);
const db = database.prisma;
const logger = createLogger({ level: "silent" });
const source = `prune-${randomBytes(4).toString("hex")}`;
const day = 86_400_000;
// Far in the past, with `now` set near them: other suites' rows are never older than the cutoff.
const now = new Date("2000-06-01T00:00:00Z");

async function seed(name: string, status: EventStatus, ageDays: number, extra: { payloadPrunedAt?: Date } = {}) {
  const id = `evt_${source}_${name}`;
  await db.webhookEvent.create({
    data: {
      id,
      source,
      providerEventId: name,
      type: "lead",
      status,
      payload: { email: `${name}@example.com` },
      receivedAt: new Date(now.getTime() - ageDays * day),
      ...extra,
    },
  });
  return id;
}
const row = (id: string) => db.webhookEvent.findUniqueOrThrow({ where: { id } });

afterAll(async () => {
  await db.webhookEvent.deleteMany({ where: { source } });
  await db.contact.deleteMany({ where: { email: `${source}@example.com` } });
  await database.close();
});

describe("payload retention", () => {
  it("removes old payloads of finished events in batches and keeps everything else", async () => {
    const old = await Promise.all([
      seed("c1", "completed", 40),
      seed("c2", "completed", 31),
      seed("i1", "ignored", 60),
      seed("f1", "failed", 45),
    ]);
    const running = await seed("q1", "processing", 90);
    const recent = await seed("c3", "completed", 29);
    const earlier = new Date("2000-01-02T00:00:00Z");
    const already = await seed("p1", "completed", 100, { payloadPrunedAt: earlier });
    await db.webhookEvent.update({ where: { id: already }, data: { payload: undefined } });
    const contact = await db.contact.create({
      data: { email: `${source}@example.com`, name: "Kept", attributes: { from: "lead" } },
    });
    await db.stepResult.create({
      data: { eventId: old[0]!, name: "classify", status: "succeeded", output: { category: "hot" } },
    });

    const result = await prunePayloads(db, { retentionDays: 30, batchSize: 3, pauseMs: 0, now });
    expect(result).toEqual({ pruned: 4, batches: 2 });
    for (const id of old) expect(await row(id)).toMatchObject({ payload: null, payloadPrunedAt: now });
    expect(await row(running)).toMatchObject({ payload: { email: "q1@example.com" }, payloadPrunedAt: null });
    expect(await row(recent)).toMatchObject({ payload: { email: "c3@example.com" }, payloadPrunedAt: null });
    expect((await row(already)).payloadPrunedAt).toEqual(earlier);
    expect(await db.contact.findUnique({ where: { id: contact.id } })).toMatchObject({
      name: "Kept",
      attributes: { from: "lead" },
    });
    expect(await db.stepResult.findFirst({ where: { eventId: old[0]! } })).toMatchObject({
      output: { category: "hot" },
    });

    expect(await prunePayloads(db, { retentionDays: 30, batchSize: 3, now })).toEqual({ pruned: 0, batches: 0 });
  });

  it("passes over a row another transaction holds instead of waiting for it", async () => {
    const locked = await seed("locked", "completed", 50);
    const free = await seed("free", "completed", 50);
    // A second client plays the worker that holds the row.
    const other = createDatabase(config.DATABASE_URL, { poolSize: 1 });
    try {
      await other.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM webhook_events WHERE id = ${locked} FOR UPDATE`;
        const result = await prunePayloads(db, { retentionDays: 30, batchSize: 10, pauseMs: 0, now });
        expect(result.pruned).toBe(1);
        expect((await row(free)).payloadPrunedAt).toEqual(now);
      });
    } finally {
      await other.close();
    }
    expect((await row(locked)).payloadPrunedAt).toBeNull();
  });
});

describe("startMaintenance", () => {
  const connections = [createWorkerConnection(config), createWorkerConnection(config)];
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: connections[0]!, prefix: config.QUEUE_PREFIX });
  let running: Awaited<ReturnType<typeof startMaintenance>>[] = [];
  beforeAll(async () => {
    // Two worker processes of the fleet start maintenance.
    running = await Promise.all(connections.map((connection) => startMaintenance({ config, db, connection, logger })));
  });
  afterAll(async () => {
    await Promise.all(running.map((m) => m.close()));
    await queue.obliterate({ force: true });
    await queue.close();
    for (const connection of connections) connection.disconnect();
  });

  it("keeps one schedule for the fleet and prunes on it", async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[PRUNE_SCHEDULER_ID, 1000]]);
    const id = await seed("scheduled", "completed", 40);
    await expect.poll(async () => (await row(id)).payloadPrunedAt, { timeout: 10_000, interval: 200 }).not.toBeNull();
    expect((await row(id)).payload).toBeNull();
  });
});
