// `pnpm bench scale [--processes 1,2,4] [--seconds 15] [--concurrency 20] [--backlog 100000] [--backlog-processes 2] [--backlog-model offline|fake]`
//
// How the worker scales on one host: for 1, 2 and 4 worker processes (`start:worker
// --processes N`), leads are enqueued exactly as the ingress enqueues them, at the ideal
// rate (processes × concurrency ÷ the fake model's 200 ms) for a fixed time. The API is left
// out: on a 2-core host its CPU would be taken from the workers measured, and its own
// throughput is `bench ingest`'s subject. Reports events/s against the ideal, p50/p99 from
// receipt (enqueue) to done, Postgres connections, and the CPU each part used (workers,
// this process = producer + fake model, Postgres, Redis). Then fills a backlog and drains
// it: Redis memory per queued event, drain rate.
// Writes bench/results/scale.csv, bench/results/scale-backlog.csv and docs/scale.png.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  builtInSources,
  type Config,
  createDatabase,
  createEventsQueue,
  type EventJob,
  eventJobOptions,
  eventRecordId,
} from "@aiops/shared";
import { FakeOpenAiServer, freePort, migrateDatabase, testConfig, uniquePrefix } from "@aiops/testing";
import { Redis } from "ioredis";
import pg from "pg";
import { drawChart } from "./support/line-chart.js";
import { machineBusyMs } from "./support/machine-cpu.js";

const { values } = parseArgs({
  options: {
    processes: { type: "string", default: "1,2,4" },
    seconds: { type: "string", default: "15" },
    concurrency: { type: "string", default: "20" },
    backlog: { type: "string", default: "100000" },
    "backlog-processes": { type: "string", default: "2" },
    "backlog-concurrency": { type: "string", default: "50" },
    // offline: the rules provider, so the drain rate is the platform's own; fake: the 200 ms model.
    "backlog-model": { type: "string", default: "offline" },
  },
});
const PROCESS_COUNTS = values.processes
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const BACKLOG = Number(values.backlog);
const LATENCY_MS = 200;
const root = fileURLToPath(new URL("..", import.meta.url));
const results = `${root}bench/results/`;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const baseDb = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops");
baseDb.pathname = "/aiops_bench";
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? baseDb.toString();
const DB_NAME = new URL(DATABASE_URL).pathname.slice(1);
const lead = builtInSources.find((source) => source.name === "new-lead")!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** CPU seconds (user + system) a process used so far, from /proc; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Pids whose command name is `name` (postgres, redis-server): their CPU is the service's. */
function pidsNamed(name: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The supervisor and its children (or the lone worker): this pid and every descendant. */
function processTree(pid: number): number[] {
  const all = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  const tree = [pid];
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of all) {
      try {
        const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
        if (tree.includes(ppid) && !tree.includes(Number(entry))) {
          tree.push(Number(entry));
          grew = true;
        }
      } catch {
        // gone
      }
    }
  }
  return tree;
}

interface WorkerFleet {
  child: ChildProcess;
  metricsPort: number;
  pids: () => number[];
  stop: () => Promise<void>;
}

/** `start:worker --processes N`, as an operator runs it; resolves once every child consumes. */
async function startWorkers(processes: number, env: NodeJS.ProcessEnv): Promise<WorkerFleet> {
  const metricsPort = await freePort();
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "apps/worker/src/main.ts", "--processes", String(processes)],
    {
      cwd: root,
      env: { PATH: process.env.PATH, ...env, LOG_LEVEL: "info", WORKER_METRICS_PORT: String(metricsPort) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.add(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  const readyLine = processes > 1 ? '"supervisor started"' : '"worker started"';
  for (let waited = 0; !output.includes(readyLine); waited += 200) {
    if (child.exitCode !== null || waited > 180_000) throw new Error(`workers did not start:\n${output}`);
    await sleep(200);
  }
  child.stdout!.resume();
  const stop = async () => {
    child.kill("SIGTERM");
    if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    children.delete(child);
  };
  return { child, metricsPort, pids: () => processTree(child.pid!), stop };
}

async function scrape(port: number, name: string): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
    (r) => r.text(),
    () => "",
  );
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

/** Peak Postgres connections to the bench's database, total and running a statement. */
function connectionSampler(client: pg.Client) {
  let total = 0;
  let active = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await client.query<{ total: string; active: string }>(
        "select count(*) as total, count(*) filter (where state = 'active') as active from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [DB_NAME],
      );
      total = Math.max(total, Number(rows[0]!.total));
      active = Math.max(active, Number(rows[0]!.active));
      await sleep(500);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { total, active };
    },
  };
}

interface ScaleRow {
  processes: number;
  ideal: number;
  rate: number;
  p50: number;
  p99: number;
  pgConnections: number;
  pgActive: number;
  /** CPU used over the run, in cores (1 = one core busy the whole time). */
  cpu: { workers: number; perWorker: number; bench: number; postgres: number; redis: number; machine: number };
  failed: number;
}

/** Every lead of a run gets its own sample (its own contact), as new leads would. */
let leads = Date.now() % 1_000_000_000;

/** A lead job exactly as the ingress enqueues it (id derivation, options), received now. */
function leadJob(config: Config, seq: number, tag: string) {
  const providerEventId = `${tag}-${seq}`;
  seq = ++leads;
  const data: EventJob = {
    id: eventRecordId("new-lead", providerEventId),
    source: "new-lead",
    providerEventId,
    providerType: null,
    type: "lead",
    receivedAt: new Date().toISOString(),
    payload: lead.sample(seq, Date.now()).body,
  };
  return { name: "lead", data, opts: eventJobOptions(config, data.id) };
}

async function scaleRun(processes: number, fake: FakeOpenAiServer, client: pg.Client): Promise<ScaleRow> {
  const ideal = (processes * CONCURRENCY) / (LATENCY_MS / 1000);
  const { config, env } = testConfig({
    DATABASE_URL,
    REDIS_URL: redisUrl,
    LOG_LEVEL: "warn",
    WORKER_CONCURRENCY: String(CONCURRENCY),
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    AI_CACHE: "false",
  });
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = createEventsQueue(config, producer);
  const fleet = await startWorkers(processes, env);
  const workerPids = fleet.pids();
  const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const before = {
    workers: cpuOf(workerPids),
    bench: process.cpuUsage(),
    postgres: cpuOf(pidsNamed("postgres")),
    redis: cpuOf(pidsNamed("redis-server")),
    machine: machineBusyMs() ?? 0,
  };
  const connections = connectionSampler(client);

  // Open loop: every 50 ms, the events due by then, whatever the workers' progress.
  const total = Math.round(ideal * SECONDS);
  const ids: string[] = [];
  const started = performance.now();
  const tag = `scale-${Date.now()}`;
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ideal));
    const batch = Array.from({ length: due - sent }, (_, i) => leadJob(config, sent + i, tag));
    if (batch.length) await queue.addBulk(batch);
    ids.push(...batch.map((job) => job.data.id));
    sent = due;
    await sleep(50);
  }
  for (let waited = 0; ; waited += 200) {
    const done =
      (await scrape(fleet.metricsPort, "aiops_worker_events_completed_total")) +
      (await scrape(fleet.metricsPort, "aiops_worker_events_failed_total"));
    if (done >= total) break;
    if (waited > 600_000) throw new Error(`only ${done} of ${total} events finished`);
    await sleep(200);
  }
  const elapsed = (performance.now() - started) / 1000;
  const benchCpu = process.cpuUsage(before.bench);
  const cpu = {
    workers: (cpuOf(workerPids) - before.workers) / elapsed,
    perWorker: 0,
    bench: (benchCpu.user + benchCpu.system) / 1e6 / elapsed,
    postgres: (cpuOf(pidsNamed("postgres")) - before.postgres) / elapsed,
    redis: (cpuOf(pidsNamed("redis-server")) - before.redis) / elapsed,
    machine: ((machineBusyMs() ?? 0) - before.machine) / 1000 / elapsed,
  };
  // The supervisor itself only forwards metrics: the per-worker figure is over the children.
  cpu.perWorker = cpu.workers / processes;
  const peak = await connections.stop();

  const database = createDatabase(DATABASE_URL);

  const db = database.prisma;
  const rows = await db.webhookEvent.findMany({
    where: { id: { in: ids } },
    select: { status: true, receivedAt: true, finishedAt: true },
  });
  await database.close();
  const latencies = rows.map((row) => row.finishedAt!.getTime() - row.receivedAt.getTime()).sort((a, b) => a - b);
  const first = Math.min(...rows.map((row) => row.receivedAt.getTime()));
  const last = Math.max(...rows.map((row) => row.finishedAt!.getTime()));
  await fleet.stop();
  await queue.close();
  producer.disconnect();
  await removeKeys(config.QUEUE_PREFIX);
  return {
    processes,
    ideal,
    rate: rows.length / ((last - first) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    pgConnections: peak.total,
    pgActive: peak.active,
    cpu,
    failed: rows.filter((row) => row.status === "failed").length,
  };
}

async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>)
    if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
}

interface BacklogResult {
  events: number;
  processes: number;
  fillSeconds: number;
  bytesPerEvent: number;
  drainSeconds: number;
  rate: number;
  peakRedisMb: number;
  endRedisMb: number;
  peakWorkerRssMb: number;
  failed: number;
}

/** Bytes Redis holds under `prefix`, summed key by key (MEMORY USAGE): other users of the server do not count. */
async function prefixBytes(redis: Redis, prefix: string): Promise<number> {
  let bytes = 0;
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 2000 }) as AsyncIterable<string[]>) {
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory("USAGE", key, "SAMPLES", "0");
    for (const [, value] of (await pipeline.exec()) ?? []) bytes += Number(value ?? 0);
  }
  return bytes;
}

const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1] ?? 0);

async function backlogRun(fake: FakeOpenAiServer): Promise<BacklogResult> {
  const processes = Number(values["backlog-processes"]);
  const prefix = uniquePrefix("bench-backlog");
  const { config, env } = testConfig({
    DATABASE_URL,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: "warn",
    WORKER_CONCURRENCY: values["backlog-concurrency"],
    ...(values["backlog-model"] === "fake"
      ? { OPENAI_API_KEY: "test-openai-key", OPENAI_BASE_URL: fake.baseURL, AI_CACHE: "false" }
      : {}),
  });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = createEventsQueue(config, redis);
  // The jobs the ingress would have enqueued: same id derivation, options and payload.
  const fillStart = performance.now();
  const ids: string[] = [];
  const tag = `backlog-${Date.now()}`;
  for (let i = 0; i < BACKLOG; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, BACKLOG - i) }, (_, j) => leadJob(config, i + j, tag));
    ids.push(...batch.map((job) => job.data.id));
    await queue.addBulk(batch);
  }
  const fillSeconds = (performance.now() - fillStart) / 1000;
  const queuedBytes = await prefixBytes(redis, prefix);
  process.stdout.write(
    `backlog: ${BACKLOG} events queued in ${fillSeconds.toFixed(1)} s, ${(queuedBytes / BACKLOG).toFixed(0)} bytes each in Redis\n`,
  );

  const fleet = await startWorkers(processes, env);
  const drainStart = performance.now();
  let peakRedis = await usedMemory(redis);
  let peakRss = 0;
  for (let tick = 0; ; tick++) {
    await sleep(2_000);
    peakRedis = Math.max(peakRedis, await usedMemory(redis));
    peakRss = Math.max(peakRss, await scrape(fleet.metricsPort, "aiops_worker_process_resident_memory_bytes"));
    // From the queue, not the workers' counters: those restart from zero with a restarted child.
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
    const left = Object.values(counts).reduce((sum, n) => sum + n, 0);
    if (tick % 15 === 0)
      process.stdout.write(
        `  ${((performance.now() - drainStart) / 1000).toFixed(0)} s: ${left} left, Redis ${(peakRedis / 1048576).toFixed(0)} MB peak\n`,
      );
    if (left === 0) break;
    if (fleet.child.exitCode !== null) throw new Error("the workers exited during the drain");
  }
  const drainSeconds = (performance.now() - drainStart) / 1000;
  await fleet.stop();
  const endBytes = await prefixBytes(redis, prefix);
  const database = createDatabase(DATABASE_URL);
  const db = database.prisma;
  let failed = 0;
  for (let i = 0; i < ids.length; i += 10_000)
    failed += await db.webhookEvent.count({ where: { id: { in: ids.slice(i, i + 10_000) }, status: "failed" } });
  await database.close();
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  await removeKeys(prefix);
  return {
    events: BACKLOG,
    processes,
    fillSeconds,
    bytesPerEvent: queuedBytes / BACKLOG,
    drainSeconds,
    rate: BACKLOG / drainSeconds,
    peakRedisMb: peakRedis / 1048576,
    endRedisMb: endBytes / 1048576,
    peakWorkerRssMb: peakRss / 1048576,
    failed,
  };
}

await migrateDatabase(DATABASE_URL);
mkdirSync(results, { recursive: true });
const fake = new FakeOpenAiServer();
fake.delayMs = LATENCY_MS;
await fake.start();
const client = new pg.Client({ connectionString: DATABASE_URL });
await client.connect();

const rows: ScaleRow[] = [];
for (const processes of PROCESS_COUNTS) {
  process.stdout.write(
    `scale: ${processes} worker process(es), concurrency ${CONCURRENCY}, ${SECONDS} s at the ideal rate\n`,
  );
  const row = await scaleRun(processes, fake, client);
  rows.push(row);
  process.stdout.write(
    `  ${row.rate.toFixed(0)} events/s of ${row.ideal} ideal (${((row.rate / row.ideal) * 100).toFixed(0)}%), p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.pgConnections} Postgres connections\n`,
  );
}
await client.end();
const f = (n: number, digits = 2) => n.toFixed(digits);
const csv = [
  "processes,concurrency,latency_ms,ideal_per_s,events_per_s,pct_of_ideal,p50_ms,p99_ms,pg_connections_peak,pg_active_peak,cpu_workers_cores,cpu_per_worker_cores,cpu_producer_fake_model_cores,cpu_postgres_cores,cpu_redis_cores,cpu_machine_cores,failed",
  ...rows.map((r) =>
    [
      r.processes,
      CONCURRENCY,
      LATENCY_MS,
      r.ideal,
      f(r.rate, 1),
      f((r.rate / r.ideal) * 100, 1),
      r.p50,
      r.p99,
      r.pgConnections,
      r.pgActive,
      f(r.cpu.workers),
      f(r.cpu.perWorker),
      f(r.cpu.bench),
      f(r.cpu.postgres),
      f(r.cpu.redis),
      f(r.cpu.machine),
      r.failed,
    ].join(","),
  ),
];
writeFileSync(`${results}scale.csv`, `${csv.join("\n")}\n`);
if (rows.length > 1) {
  const xs = rows.map((r) => r.processes);
  const png = drawChart(
    xs,
    [
      {
        title: "EVENTS/S",
        series: [
          { label: "MEASURED", values: rows.map((r) => r.rate), color: [31, 119, 180] },
          { label: "IDEAL", values: rows.map((r) => r.ideal), color: [150, 150, 150] },
        ],
      },
      {
        title: "RECEIVED TO DONE MS",
        series: [
          { label: "P50", values: rows.map((r) => r.p50), color: [44, 160, 44] },
          { label: "P99", values: rows.map((r) => r.p99), color: [214, 39, 40] },
        ],
      },
      {
        title: "CPU CORES",
        series: [
          { label: "WORKERS", values: rows.map((r) => r.cpu.workers), color: [31, 119, 180] },
          { label: "POSTGRES", values: rows.map((r) => r.cpu.postgres), color: [148, 103, 189] },
          { label: "REDIS", values: rows.map((r) => r.cpu.redis), color: [214, 39, 40] },
          { label: "PRODUCER+MODEL", values: rows.map((r) => r.cpu.bench), color: [255, 127, 14] },
        ],
      },
    ],
    `WORKER PROCESSES ON ONE 2-CORE HOST, MODEL 200 MS, CONCURRENCY ${CONCURRENCY} EACH (X: PROCESSES)`,
    1000,
    200,
    "",
  );
  writeFileSync(`${root}docs/scale.png`, png);
}
const table = [
  "",
  `| worker processes | ideal events/s | measured | of ideal | p50 ms | p99 ms | Postgres connections (peak / active) | CPU cores: workers (per process) | Postgres | Redis | producer + fake model | machine |`,
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.processes} | ${r.ideal} | ${r.rate.toFixed(0)} | ${((r.rate / r.ideal) * 100).toFixed(0)}% | ${r.p50} | ${r.p99} | ${r.pgConnections} / ${r.pgActive} | ${f(r.cpu.workers)} (${f(r.cpu.perWorker)}) | ${f(r.cpu.postgres)} | ${f(r.cpu.redis)} | ${f(r.cpu.bench)} | ${f(r.cpu.machine)} |`,
  ),
  "",
];
process.stdout.write(table.join("\n"));

if (BACKLOG > 0) {
  const backlog = await backlogRun(fake);
  writeFileSync(
    `${results}scale-backlog.csv`,
    [
      "events,processes,concurrency,fill_s,redis_bytes_per_queued_event,drain_s,drain_per_s,peak_redis_used_mb,redis_mb_left_under_prefix,peak_worker_rss_mb_sum,failed",
      [
        backlog.events,
        backlog.processes,
        values["backlog-concurrency"],
        f(backlog.fillSeconds, 1),
        f(backlog.bytesPerEvent, 0),
        f(backlog.drainSeconds, 1),
        f(backlog.rate, 1),
        f(backlog.peakRedisMb, 1),
        f(backlog.endRedisMb, 1),
        f(backlog.peakWorkerRssMb, 0),
        backlog.failed,
      ].join(","),
      "",
    ].join("\n"),
  );
  process.stdout.write(
    `\nbacklog: ${backlog.events} events, ${(backlog.bytesPerEvent).toFixed(0)} bytes of Redis per queued event; drained by ${backlog.processes} processes × ${values["backlog-concurrency"]} (${values["backlog-model"]} model) in ${backlog.drainSeconds.toFixed(0)} s = ${backlog.rate.toFixed(0)} events/s; Redis peak ${backlog.peakRedisMb.toFixed(0)} MB (whole server), ${backlog.endRedisMb.toFixed(1)} MB left under the prefix after; workers' RSS peak ${backlog.peakWorkerRssMb.toFixed(0)} MB summed; ${backlog.failed} failed\n`,
  );
}
await fake.close();
process.exit(0);
