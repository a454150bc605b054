// `npm run bench -- soak [--rate 20] [--minutes 10] [--workers 2] [--ai-ms 200] [--retention-seconds N]`
//
// A steady mix of signed lead, ticket and payment events through the API and worker
// processes (a fake OpenAI server answering in --ai-ms), sampled every 10 s: throughput,
// p50/p99 acknowledgement latency and ack→completion latency, API and worker RSS, Redis
// used_memory and queue depth. Memory and queue depth must stay flat at a rate the fleet
// sustains. Writes bench/results/soak-<time>.csv and .png. Redis is a redis-server of the
// bench's own (AOF, appendfsync always, as in production), on a free port.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { migrateDatabase } from "@aiops/testing";
import { Redis } from "ioredis";
import { Fleet } from "../test/faults/support/fleet.js";
import { OwnRedis } from "../test/faults/support/redis-server.js";
import { Traffic } from "../test/faults/support/traffic.js";
import { drawChart } from "./support/line-chart.js";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "20" },
    minutes: { type: "string", default: "10" },
    workers: { type: "string", default: "2" },
    "ai-ms": { type: "string", default: "200" },
    // Shortens how long completed jobs and acknowledgement markers stay in Redis, so a short
    // run reaches the steady state a long one reaches with the production windows.
    "retention-seconds": { type: "string" },
  },
});
const RATE = Number(values.rate);
const MINUTES = Number(values.minutes);
const WORKERS = Number(values.workers);
const SAMPLE_MS = 10_000;
const root = fileURLToPath(new URL("..", import.meta.url));
const baseDb = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops");
baseDb.pathname = "/aiops_bench";
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? baseDb.toString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function rssMb(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

await migrateDatabase(DATABASE_URL);
process.env.DATABASE_URL = DATABASE_URL;

// A Redis of its own, so used_memory counts this run's keys and nobody else's.
const ownRedis = await new OwnRedis().start();
const retention = values["retention-seconds"];
const retentionEnv: Record<string, string> = retention
  ? { COMPLETED_JOB_TTL_SECONDS: retention, DEDUPE_WINDOW_SECONDS: retention }
  : {};
const fleet = await Fleet.start({
  workers: WORKERS,
  env: { DATABASE_URL, REDIS_URL: ownRedis.url, WORKER_CONCURRENCY: "20", JOB_LOCK_MS: "30000", ...retentionEnv },
});
fleet.fake.delayMs = Number(values["ai-ms"]);
const redis = new Redis(fleet.config.REDIS_URL);
const traffic = new Traffic({ url: fleet.url, ratePerSecond: RATE }).start();
process.stdout.write(
  `soak: ${RATE} events/s for ${MINUTES} min, ${WORKERS} worker processes, AI ${values["ai-ms"]} ms\n`,
);

const header =
  "seconds,sent_per_s,completed_per_s,ack_p50_ms,ack_p99_ms,done_p50_ms,done_p99_ms,api_rss_mb,worker_rss_mb,redis_used_mb,queue_depth";
const rows: number[][] = [];
const started = Date.now();
let windowStart = started;
while (Date.now() - started < MINUTES * 60_000) {
  await sleep(SAMPLE_MS - ((Date.now() - started) % SAMPLE_MS));
  const windowEnd = Date.now();
  const sent = traffic.events.filter((e) => e.sentAt >= windowStart && e.sentAt < windowEnd);
  const acks = traffic.events
    .filter((e) => e.ackedAt && e.ackedAt >= windowStart && e.ackedAt < windowEnd)
    .map((e) => e.ackedAt! - e.sentAt);
  const finished = await fleet.db.webhookEvent.findMany({
    where: {
      finishedAt: { gte: new Date(windowStart), lt: new Date(windowEnd) },
      id: { in: traffic.acknowledged.map((e) => e.id!) },
    },
    select: { id: true, finishedAt: true },
  });
  const ackedAt = new Map(traffic.acknowledged.map((e) => [e.id!, e.ackedAt!]));
  const done = finished.map((row) => row.finishedAt!.getTime() - ackedAt.get(row.id)!);
  const counts = await fleet.queue.getJobCounts("waiting", "active", "delayed", "prioritized");
  const usedMemory = Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);
  acks.sort((a, b) => a - b);
  done.sort((a, b) => a - b);
  const seconds = (windowEnd - started) / 1000;
  const span = (windowEnd - windowStart) / 1000;
  const row = [
    Math.round(seconds),
    sent.length / span,
    finished.length / span,
    percentile(acks, 50),
    percentile(acks, 99),
    percentile(done, 50),
    percentile(done, 99),
    rssMb(fleet.api.child.pid),
    fleet.workers.reduce((sum, worker) => sum + rssMb(worker.child.pid), 0),
    usedMemory / 1024 / 1024,
    Object.values(counts).reduce((sum, n) => sum + n, 0),
  ].map((n) => Math.round(n * 10) / 10);
  rows.push(row);
  process.stdout.write(
    `${header
      .split(",")
      .map((name, i) => `${name}=${row[i]}`)
      .join(" ")}\n`,
  );
  windowStart = windowEnd;
}
await traffic.stop();

const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const dir = `${root}bench/results/`;
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}soak-${stamp}.csv`, `${[header, ...rows.map((r) => r.join(","))].join("\n")}\n`);
const column = (i: number) => rows.map((r) => r[i]!);
const png = drawChart(
  column(0),
  [
    {
      title: "EVENTS/S",
      series: [
        { label: "SENT", values: column(1), color: [90, 90, 90] },
        { label: "COMPLETED", values: column(2), color: [30, 120, 220] },
      ],
    },
    {
      title: "LATENCY MS",
      series: [
        { label: "ACK P50", values: column(3), color: [120, 180, 90] },
        { label: "ACK P99", values: column(4), color: [40, 130, 40] },
        { label: "ACK>DONE P50", values: column(5), color: [240, 150, 60] },
        { label: "ACK>DONE P99", values: column(6), color: [200, 60, 40] },
      ],
    },
    {
      title: "MEMORY MB",
      series: [
        { label: "API RSS", values: column(7), color: [30, 120, 220] },
        { label: `${WORKERS} WORKERS RSS`, values: column(8), color: [200, 60, 40] },
        { label: "REDIS USED", values: column(9), color: [120, 60, 180] },
      ],
    },
    { title: "QUEUE DEPTH", series: [{ label: "WAITING+ACTIVE+DELAYED", values: column(10), color: [40, 130, 40] }] },
  ],
  `SOAK: ${RATE} EVENTS/S, ${MINUTES} MIN, ${WORKERS} WORKERS, AI ${values["ai-ms"]} MS${retention ? `, REDIS RETENTION ${retention} S` : ""}`,
);
writeFileSync(`${dir}soak-${stamp}.png`, png);
process.stdout.write(`wrote bench/results/soak-${stamp}.csv and .png\n`);
redis.disconnect();
await fleet.close();
await ownRedis.close();
process.exit(0);
