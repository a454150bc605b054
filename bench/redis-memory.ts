// Steady load through a no-op worker with a short completed-job age: does Redis memory stay
// flat? Prints the completed-set size and Redis's used_memory every few seconds.
// Usage: npm run bench -- redis-memory [seconds] [events/s] [ttl seconds]
import { randomBytes } from "node:crypto";
import { createWorkerConnection, EVENTS_QUEUE, type EventJob, eventJobOptions, parseConfig } from "@aiops/shared";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";

const [seconds = 40, rate = 1000, ttl = 5] = process.argv.slice(2).map(Number);
const prefix = `bench-${randomBytes(4).toString("hex")}`;
const config = parseConfig({ ...process.env, QUEUE_PREFIX: prefix, COMPLETED_JOB_TTL_SECONDS: String(ttl) });
const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const queue = new Queue<EventJob>(EVENTS_QUEUE, { connection: redis, prefix });
const connection = createWorkerConnection(config);
const worker = new Worker<EventJob>(EVENTS_QUEUE, async () => undefined, { connection, prefix, concurrency: 50 });
worker.on("error", () => undefined);

const payload = { email: "lead@example.com", name: "Lead", message: "x".repeat(800) };
/** Bytes held by this run's keys alone: Redis's used_memory also counts whatever else shares the server. */
async function prefixMemory(): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) {
    const pipeline = redis.pipeline();
    for (const key of batch as string[]) pipeline.memory("USAGE", key);
    const results = (await pipeline.exec()) ?? [];
    keys += results.length;
    for (const [, value] of results) bytes += Number(value ?? 0);
  }
  return { keys, bytes };
}
let sent = 0;
const started = Date.now();
let running = true;
const sampler = (async () => {
  while (running) {
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const counts = await queue.getJobCounts("waiting", "active", "completed");
    const { keys, bytes } = await prefixMemory();
    process.stdout.write(
      `${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s  sent ${String(sent).padStart(6)}  completed kept ${String(counts.completed).padStart(6)}  waiting ${counts.waiting}  keys ${keys}  ${(bytes / 1048576).toFixed(1)} MB\n`,
    );
  }
})();

while (Date.now() - started < seconds * 1000) {
  const batch = Array.from({ length: rate / 10 }, () => {
    const id = `evt_${randomBytes(16).toString("hex")}`;
    const data: EventJob = {
      id,
      source: "bench",
      providerEventId: id,
      providerType: null,
      type: "lead",
      receivedAt: new Date().toISOString(),
      payload,
    };
    return { name: "lead", data, opts: eventJobOptions(config, id) };
  });
  await queue.addBulk(batch);
  sent += batch.length;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
running = false;
await sampler;
await worker.close();
if (!process.env.KEEP) await queue.obliterate({ force: true });
else process.stdout.write(`kept under prefix ${prefix}\n`);
await queue.close();
connection.disconnect();
redis.disconnect();
