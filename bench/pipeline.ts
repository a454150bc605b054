// `npm run bench -- pipeline [--events 5000] [--concurrency 20] [--runs noop,reference,offline,drain,ai] [--repeat 1] [--cpu-prof DIR]`
//
// Events through the whole pipeline (signed HTTP request → API → Redis → worker process →
// Postgres), once with the offline rules provider and once with a fake OpenAI server that
// takes 200 ms per answer, plus a no-op BullMQ worker on the same Redis as the baseline,
// and a reference worker making the one durable write any pipeline must make (one INSERT
// per job through a plain `pg` pool), as the measure of what durability costs.
// `--repeat N` runs the reference and the drain N times, each drain right after its own
// reference, and reports every pair's ratio and their median: on a shared host one pair can
// land on a busy moment. `WORKER_DB_BATCH=1` in the environment runs the worker without
// group commit.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createApi } from "@aiops/api";
import {
  builtInSources,
  createDatabase,
  createLogger,
  type EventJob,
  eventRecordId,
  signedRequest,
} from "@aiops/shared";
import { FakeOpenAiServer, migrateDatabase, TEST_SECRETS, testConfig, uniquePrefix } from "@aiops/testing";
import { StepStore } from "@aiops/worker";
import { type Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { machineBusyMs } from "./support/machine-cpu.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "20" },
    // A subset, to look at one run on its own: noop,reference,offline,drain,ai; `record` (each event only
    // recorded through the worker's own store and group commit) runs only when named.
    runs: { type: "string", default: "noop,reference,offline,drain,ai" },
    // How many times the reference and the drain run, in alternation.
    repeat: { type: "string", default: "1" },
    // A directory for the worker processes' V8 CPU profiles (open them in Chrome DevTools).
    "cpu-prof": { type: "string" },
  },
});
const RUNS = new Set(values.runs.split(",").map((run) => run.trim()));
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const REPEAT = Number(values.repeat);
if (!Number.isInteger(REPEAT) || REPEAT < 1) {
  process.stderr.write(`--repeat must be a whole number of runs, 1 or more (got "${values.repeat}")\n`);
  process.exit(2);
}
const AI_LATENCY_MS = 200;
const SENDERS = 32;
const root = fileURLToPath(new URL("..", import.meta.url));
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const baseDb = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops");
baseDb.pathname = "/aiops_bench";
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? baseDb.toString();
const logger = createLogger({ level: "warn" });
const sources = ["new-lead", "new-ticket", "payment", "slack", "github", "shopify", "meta"];

/** Worker processes still running: stopped if the bench itself fails. */
const children = new Set<ReturnType<typeof spawn>>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface BaselineResult {
  rate: number;
  cpuMs: number | undefined;
}

/**
 * A BullMQ worker in this process draining `jobs` from a filled queue with `processor`,
 * on the same Redis and at the same concurrency as the worker measured.
 */
async function drainInProcess(
  name: string,
  jobs: Array<{ name: string; data: unknown }>,
  processor: (job: Job) => Promise<unknown>,
): Promise<BaselineResult> {
  const prefix = uniquePrefix(name);
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("events", { connection, prefix });
  for (let i = 0; i < jobs.length; i += 1000)
    await queue.addBulk(jobs.slice(i, i + 1000).map((job) => ({ ...job, opts: { removeOnComplete: true } })));
  let done = 0;
  const busy = machineBusyMs();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const worker = new Worker("events", processor, { connection: workerConnection, prefix, concurrency: CONCURRENCY });
    worker.on("completed", () => {
      if (++done === jobs.length) void worker.close().then(() => resolve());
    });
  });
  const rate = jobs.length / ((performance.now() - start) / 1000);
  const cpuMs = busy === undefined ? undefined : (machineBusyMs()! - busy) / jobs.length;
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return { rate, cpuMs };
}

/** BullMQ alone: jobs that do nothing, same Redis, same concurrency. */
function noopBaseline(): Promise<BaselineResult> {
  return drainInProcess(
    "bench-noop",
    Array.from({ length: EVENTS }, (_, i) => ({ name: "lead", data: { i } })),
    async () => undefined,
  );
}

/** The events as the ingress enqueues them, for the in-process workers: same sources, same payload sizes. */
function eventJobs(tag: string): Array<{ name: string; data: EventJob }> {
  const now = Date.now();
  return Array.from({ length: EVENTS }, (_, seq) => {
    const source = builtInSources.find((s) => s.name === sources[seq % sources.length])!;
    const providerEventId = `${tag}-${now}-${seq}`;
    const event: EventJob = {
      id: eventRecordId(source.name, providerEventId),
      source: source.name,
      providerEventId,
      providerType: null,
      type: "lead",
      receivedAt: new Date(now).toISOString(),
      payload: source.sample(seq, now + seq).body,
    };
    return { name: event.type, data: event };
  });
}

/**
 * The reference: a BullMQ worker at the same concurrency, on the same Redis and Postgres,
 * whose processor makes the one durable write any pipeline must make: one INSERT of the
 * job's payload per job, through a plain `pg` pool the size of the worker's, into a table
 * of its own that the bench creates and drops.
 */
async function referenceWorker(): Promise<BaselineResult> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: Math.min(50, CONCURRENCY + 5) });
  await pool.query("DROP TABLE IF EXISTS bench_reference");
  await pool.query(
    "CREATE TABLE bench_reference (id text PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
  );
  try {
    return await drainInProcess("bench-reference", eventJobs("reference"), (job) =>
      pool.query("INSERT INTO bench_reference (id, payload) VALUES ($1, $2)", [
        (job.data as EventJob).id,
        JSON.stringify((job.data as EventJob).payload),
      ]),
    );
  } finally {
    await pool.query("DROP TABLE IF EXISTS bench_reference");
    await pool.end();
  }
}

/**
 * What durability alone costs: the pipeline's events, each only recorded (its row, the
 * pipeline's first write: `StepStore.begin`) through the same group commit, and nothing
 * else: a ceiling for any pipeline that records its events the way this one does.
 */
async function recordOnly(): Promise<BaselineResult> {
  const database = createDatabase(DATABASE_URL, { batchStatements: 64 });
  const store = new StepStore(database.sql);
  try {
    return await drainInProcess("bench-record", eventJobs("record"), (job) => store.begin(job.data as EventJob));
  } finally {
    await database.close();
  }
}

interface RunResult {
  name: string;
  rate: number;
  p50: number | undefined;
  p99: number | undefined;
  rssMb: number;
  aiRequests: number;
  failed: number;
  /** The whole machine's busy CPU per event (worker, API, Postgres, Redis, kernel). */
  cpuMs: number | undefined;
}

/** Everything a run left in Redis under its prefix: its 5,000 completed jobs are kept for a day otherwise. */
async function removeKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>)
    if (keys.length) await redis.unlink(...keys);
  redis.disconnect();
}

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/**
 * With `prefill`, every event is acknowledged before the worker starts, and the rate is
 * taken from the first event the worker started to the last it finished: the worker's own
 * throughput, measured like the no-op baseline (which also drains a filled queue). Without
 * it the senders and the worker run together, and the rate is from the first send.
 */
async function pipelineRun(
  name: string,
  extraEnv: Record<string, string>,
  fake?: FakeOpenAiServer,
  prefill = false,
): Promise<RunResult> {
  const metricsPort = 9500 + Math.floor(Math.random() * 400);
  const { config, env } = testConfig({
    DATABASE_URL,
    REDIS_URL: redisUrl,
    LOG_LEVEL: "warn",
    WORKER_CONCURRENCY: String(CONCURRENCY),
    // Group commit on or off (`WORKER_DB_BATCH=1 pnpm bench pipeline`), to see what it pays.
    ...(process.env.WORKER_DB_BATCH ? { WORKER_DB_BATCH: process.env.WORKER_DB_BATCH } : {}),
    WORKER_METRICS_PORT: String(metricsPort),
    ...extraEnv,
  });
  const api = createApi(config, { logger, env });
  const port = await api.listen(0, "127.0.0.1");
  const startWorker = async () => {
    const worker = spawn(
      process.execPath,
      [
        ...(values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`] : []),
        "--conditions=source",
        "--import",
        "tsx",
        "apps/worker/src/main.ts",
      ],
      {
        cwd: root,
        env: { PATH: process.env.PATH, ...env },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    children.add(worker);
    worker.once("exit", () => children.delete(worker));
    for (let i = 0; ; i++) {
      if (
        await fetch(`http://127.0.0.1:${metricsPort}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 200) throw new Error("worker did not start");
      await sleep(100);
    }
    // One scrape every half second gives both the peak RSS and the progress: each scrape
    // costs the worker being measured some CPU.
    let peakRss = 0;
    let latest = "";
    const sampler = setInterval(() => {
      void scrape(metricsPort)
        .then((text) => {
          const rss = Number(/aiops_worker_process_resident_memory_bytes (\d+)/.exec(text)?.[1] ?? 0);
          peakRss = Math.max(peakRss, rss);
          latest = text;
        })
        .catch(() => undefined);
    }, 500);
    return { worker, sampler, peak: () => peakRss, metrics: () => latest };
  };
  let running = prefill ? undefined : await startWorker();
  let busy = machineBusyMs();
  const aiBefore = fake?.requests.length ?? 0;

  // Signed requests, as the providers would send them, from a pool of concurrent senders.
  const acked = new Set<string>();
  const now = Date.now();
  let next = 0;
  const firstAck = Date.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < EVENTS) {
        const seq = next++;
        const source = builtInSources.find((s) => s.name === sources[seq % sources.length])!;
        const secret = TEST_SECRETS[source.secretVariable as keyof typeof TEST_SECRETS];
        const sample = source.sample(seq, now + seq);
        const request = signedRequest(source, secret, sample, now);
        const response = await fetch(`http://127.0.0.1:${port}/webhook/${source.name}`, {
          method: "POST",
          headers: request.headers,
          body: request.body,
        });
        const body = (await response.json()) as { id: string };
        if (response.status !== 202) throw new Error(`ingress answered ${response.status}: ${JSON.stringify(body)}`);
        acked.add(body.id);
      }
    }),
  );

  if (!running) {
    running = await startWorker();
    busy = machineBusyMs();
  }
  const { worker, sampler, peak, metrics } = running;
  const database = createDatabase(DATABASE_URL);
  const db = database.prisma;
  const ids = [...acked];
  // Progress from the worker's own counters: asking Postgres about 5,000 ids twice a second
  // would load the database the worker is being measured on.
  const counted = (text: string, name: string) =>
    [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, "gm"))].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  for (;;) {
    const text = metrics();
    const finished =
      counted(text, "aiops_worker_events_completed_total") + counted(text, "aiops_worker_events_failed_total");
    if (finished >= ids.length) break;
    await sleep(100);
  }
  const busyMs = busy === undefined ? undefined : machineBusyMs()! - busy;
  clearInterval(sampler);
  const rows = await db.webhookEvent.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, receivedAt: true, startedAt: true, finishedAt: true },
  });
  // From the ingress's clock at receipt (its acknowledgement follows within the enqueue) to
  // the worker's at completion: an upper bound of ack→done. The senders' own clocks, read
  // once they had parsed the answer, ran late under load, enough to give negative latencies.
  const latencies = rows.map((row) => row.finishedAt!.getTime() - row.receivedAt.getTime()).sort((a, b) => a - b);
  const lastFinish = Math.max(...rows.map((row) => row.finishedAt!.getTime()));
  const firstStart = Math.min(...rows.map((row) => row.startedAt!.getTime()));
  worker.kill("SIGTERM");
  await new Promise((resolve) => worker.once("exit", resolve));
  await api.close();
  await database.close();
  await removeKeys(config.QUEUE_PREFIX);
  return {
    name,
    rate: ids.length / ((lastFinish - (prefill ? firstStart : firstAck)) / 1000),
    // Filled first, the latencies would measure how long the queue was left to fill.
    p50: prefill ? undefined : percentile(latencies, 50),
    p99: prefill ? undefined : percentile(latencies, 99),
    rssMb: peak() / 1024 / 1024,
    cpuMs: busyMs === undefined ? undefined : busyMs / ids.length,
    aiRequests: (fake?.requests.length ?? 0) - aiBefore,
    failed: rows.filter((row) => row.status === "failed").length,
  };
}

await migrateDatabase(DATABASE_URL);
process.stdout.write(
  `pipeline bench: ${EVENTS} events, worker concurrency ${CONCURRENCY}, one worker process${REPEAT > 1 ? `, reference and drain ${REPEAT} times in alternation` : ""}\n`,
);
const baseline = RUNS.has("noop") ? await noopBaseline() : undefined;
const noop = baseline?.rate;
if (noop) process.stdout.write(`no-op BullMQ worker: ${noop.toFixed(0)} jobs/s\n`);
const record = RUNS.has("record") ? await recordOnly() : undefined;
if (record) process.stdout.write(`record-only worker: ${record.rate.toFixed(0)} jobs/s\n`);
const offline = RUNS.has("offline") ? await pipelineRun("offline rules provider", {}) : undefined;
if (offline) process.stdout.write(`offline: ${offline.rate.toFixed(0)} events/s\n`);
/** Each drain with the reference run just before it, so that a pair shares the host's moment. */
const pairs: Array<{ reference?: BaselineResult; drain?: RunResult }> = [];
for (let i = 1; i <= REPEAT; i++) {
  const of = REPEAT > 1 ? ` (${i}/${REPEAT})` : "";
  const reference = RUNS.has("reference") ? await referenceWorker() : undefined;
  if (reference)
    process.stdout.write(`reference worker (one INSERT per job)${of}: ${reference.rate.toFixed(0)} jobs/s\n`);
  const drain = RUNS.has("drain")
    ? await pipelineRun(`offline, queue filled first (the worker alone)${of}`, {}, undefined, true)
    : undefined;
  if (drain) process.stdout.write(`offline, queue filled first${of}: ${drain.rate.toFixed(0)} events/s\n`);
  pairs.push({ reference, drain });
}
let ai: RunResult | undefined;
if (RUNS.has("ai")) {
  const fake = new FakeOpenAiServer();
  fake.delayMs = AI_LATENCY_MS;
  await fake.start();
  // The cache is off so every event that has AI work really waits for the model.
  ai = await pipelineRun(
    "fake OpenAI, 200 ms per answer",
    { OPENAI_API_KEY: "test-openai-key", OPENAI_BASE_URL: fake.baseURL, AI_CACHE: "false" },
    fake,
  );
  await fake.close();
}

const share = (rate: number, of: number) => `${((rate / of) * 100).toFixed(0)}%`;
const ofNoop = (r: RunResult) => (noop ? `${share(r.rate, noop)} of no-op` : "");
const cpu = (ms: number | undefined) => (ms === undefined ? "" : ms.toFixed(2));
const row = (r: RunResult, target: string, ratio: string) =>
  `| ${r.name} | ${r.rate.toFixed(0)} | ${r.p50 ?? ""} | ${r.p99 ?? ""} | ${r.rssMb.toFixed(0)} | ${cpu(r.cpuMs)} | ${r.failed} | ${ratio} | ${target} |`;
const lines = [
  "",
  `| run (${EVENTS} events, concurrency ${CONCURRENCY}) | events/s | p50 received→done (ms) | p99 received→done (ms) | worker peak RSS (MB) | machine CPU per event (ms) | failed | ratio | target |`,
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
];
if (baseline)
  lines.push(`| no-op BullMQ worker (baseline) | ${baseline.rate.toFixed(0)} | | | | ${cpu(baseline.cpuMs)} | | | |`);
if (record)
  lines.push(
    `| record-only BullMQ worker (the pipeline's first write alone) | ${record.rate.toFixed(0)} | | | | ${cpu(record.cpuMs)} | | ${noop ? `${share(record.rate, noop)} of no-op` : ""} | reference |`,
  );
if (offline) lines.push(row(offline, "", ofNoop(offline)));
for (const { reference, drain } of pairs) {
  if (reference)
    lines.push(
      `| reference BullMQ worker (one INSERT per job through a pg pool) | ${reference.rate.toFixed(0)} | | | | ${cpu(reference.cpuMs)} | | ${noop ? `${share(reference.rate, noop)} of no-op` : ""} | reference |`,
    );
  if (drain) {
    const ratio = [reference ? `${share(drain.rate, reference.rate)} of reference` : "", ofNoop(drain)].filter(Boolean);
    lines.push(row(drain, "≥ 50% of reference", ratio.join(", ")));
  }
}
if (ai) {
  // Latency-bound ideal: jobs in flight ÷ the AI time an event spends in sequence (its answers × 200 ms).
  const aiSecondsPerEvent = (ai.aiRequests / EVENTS) * (AI_LATENCY_MS / 1000);
  const ideal = CONCURRENCY / aiSecondsPerEvent;
  lines.push(
    row(ai, `≥ 80% of ideal (${ideal.toFixed(0)}/s)`, `${((ai.rate / ideal) * 100).toFixed(0)}% of ideal`),
    "",
    `AI answers: ${ai.aiRequests} for ${EVENTS} events (${(ai.aiRequests / EVENTS).toFixed(2)} per event; successful payments and orders need none).`,
  );
}
const ratios = pairs.flatMap(({ reference, drain }) => (reference && drain ? [drain.rate / reference.rate] : []));
if (ratios.length === 1)
  lines.push(
    "",
    `The worker alone (queue filled first) ran at ${share(ratios[0]!, 1)} of the reference worker's rate (target ≥ 50%).`,
  );
if (ratios.length > 1)
  lines.push(
    "",
    `The worker alone (queue filled first) ran at a median of ${share(median(ratios), 1)} of the reference worker's rate over ${ratios.length} pairs (${ratios.map((r) => share(r, 1)).join(", ")}; target ≥ 50%).`,
  );
const drains = pairs.flatMap(({ drain }) => (drain ? [drain.rate] : []));
if (record && drains.length)
  lines.push(
    "",
    `The worker alone (queue filled first) ran at ${share(median(drains), record.rate)} of the record-only worker's rate${drains.length > 1 ? " (median drain)" : ""}.`,
  );
lines.push("");
process.stdout.write(lines.join("\n"));
process.exit(0);
