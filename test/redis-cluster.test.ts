// The platform on a Redis Cluster the test starts itself (three masters): the API in this
// process, workers as their own processes, as `npm run start:worker` runs them.
import { type Api, createApi } from "@aiops/api";
import {
  acknowledgedKey,
  builtInSources,
  type Config,
  createDatabase,
  createLogger,
  type Database,
  type PrismaClient,
  redisKey,
  signedRequest,
} from "@aiops/shared";
import { FakeOpenAiServer, ServiceProcess, TEST_SECRETS, testConfig, uniquePrefix, waitFor } from "@aiops/testing";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRedisCluster } from "./support/redis-cluster.js";

const logger = createLogger({ level: "silent" });
const fake = new FakeOpenAiServer();
const workers: ServiceProcess[] = [];
let cluster: LocalRedisCluster;
let inspect: Cluster;
let config: Config;
let env: NodeJS.ProcessEnv;
let api: Api;
let url: string;
let database: Database | undefined;
let db: PrismaClient;
let seq = Math.floor(Math.random() * 1_000_000) * 100;

beforeAll(async () => {
  [cluster] = await Promise.all([LocalRedisCluster.start(3), fake.start()]);
  ({ config, env } = testConfig({
    REDIS_CLUSTER_NODES: cluster.nodes,
    QUEUE_PREFIX: `{${uniquePrefix("cluster")}}`,
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    // On, so the fleet-wide limiter's key is written to the cluster too; far above what the test sends.
    AI_RATE_LIMIT_RPM: "100000",
    AI_CACHE: "false",
    WORKER_METRICS_PORT: "0",
    WORKER_CONCURRENCY: "3",
    JOB_LOCK_MS: "2000",
    JOB_BACKOFF_MS: "100",
  }));
  api = createApi(config, { logger, env });
  url = `http://127.0.0.1:${await api.listen(0, "127.0.0.1")}`;
  database = createDatabase(config.DATABASE_URL);
  db = database.prisma;
  inspect = new Cluster(config.REDIS_CLUSTER_NODES);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill("SIGKILL")));
  await api?.close();
  inspect?.disconnect();
  await database?.close();
  await fake.close();
  await cluster?.close();
});

async function startWorker(): Promise<ServiceProcess> {
  const worker = new ServiceProcess("worker", env);
  workers.push(worker);
  return worker.ready();
}

function signed(sourceName: string, edit?: (body: any) => void) {
  const source = builtInSources.find((s) => s.name === sourceName)!;
  const sample = source.sample(++seq, Date.now());
  edit?.(sample.body);
  return signedRequest(source, TEST_SECRETS[source.secretVariable as keyof typeof TEST_SECRETS], sample);
}

async function post(sourceName: string, request: ReturnType<typeof signedRequest>) {
  const response = await fetch(`${url}/webhook/${sourceName}`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  return { status: response.status, body: (await response.json()) as { id: string; duplicate: boolean } };
}

const statuses = (ids: string[]) =>
  db.webhookEvent.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, attempts: true } });
const allCompleted = async (ids: string[]) =>
  (await statuses(ids)).filter((row) => row.status === "completed").length === ids.length;

/** Every key of the test's prefix, from every master, with the node that holds it. */
async function prefixKeys(): Promise<Array<{ key: string; node: string }>> {
  const found: Array<{ key: string; node: string }> = [];
  for (const node of inspect.nodes("master")) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", `${config.QUEUE_PREFIX}*`, "COUNT", 1000);
      cursor = next;
      for (const key of keys) found.push({ key, node: `${node.options.host}:${node.options.port}` });
    } while (cursor !== "0");
  }
  return found;
}

describe("Redis Cluster", () => {
  it("refuses to start with a QUEUE_PREFIX that carries no hash tag, naming the variable", async () => {
    const started = ["api", "worker"].map(
      (service) => new ServiceProcess(service as "api" | "worker", { ...env, QUEUE_PREFIX: "aiops" }),
    );
    for (const process of started) {
      expect((await process.exited).code).toBe(78);
      expect(process.output.join("\n")).toMatch(/QUEUE_PREFIX: must carry a Redis Cluster hash tag/);
    }
  }, 60_000);

  it("signed events complete through the API and a worker process, duplicates stay duplicates, every key in one slot", async () => {
    await startWorker();
    const lead = signed("new-lead", (b) => (b.message = `Quote for 200 seats this week ${seq}`));
    const sent = [
      { source: "new-lead", request: lead },
      { source: "new-ticket", request: signed("new-ticket", (b) => (b.detail.subject = `Production is down ${seq}`)) },
      { source: "payment", request: signed("payment") },
    ];
    const answers = await Promise.all(sent.map(({ source, request }) => post(source, request)));
    for (const answer of answers) expect(answer).toMatchObject({ status: 202, body: { duplicate: false } });
    const ids = answers.map((answer) => answer.body.id);

    // The provider retries the same delivery: the same event, answered as a duplicate.
    const again = await post("new-lead", lead);
    expect(again).toEqual({ status: 200, body: { id: ids[0], duplicate: true } });

    await waitFor(() => allCompleted(ids), "events completed", 20_000);
    const again2 = await post("new-lead", lead);
    expect(again2).toEqual({ status: 200, body: { id: ids[0], duplicate: true } });
    expect(await db.webhookEvent.count({ where: { id: ids[0] } })).toBe(1);
    expect(await db.stepResult.count({ where: { eventId: ids[0], name: "ai.lead" } })).toBe(1);

    // BullMQ's scripts and the ingress's marker work only when their keys share a slot
    // (Redis answers CROSSSLOT otherwise): every key of the prefix must hash alike.
    const keys = await prefixKeys();
    const names = keys.map((entry) => entry.key);
    for (const expected of [
      acknowledgedKey(config, ids[0]!),
      redisKey(config, "ai-rate-limit"),
      `${config.QUEUE_PREFIX}:events:meta`,
      `${config.QUEUE_PREFIX}:maintenance:meta`,
    ])
      expect(names).toContain(expected);
    const slots = new Set(await Promise.all(names.map((key) => inspect.cluster("KEYSLOT", key))));
    expect(slots.size).toBe(1);
    expect(new Set(keys.map((entry) => entry.node)).size).toBe(1);
  }, 60_000);

  it("readiness, Bull Board and the queue metrics read the cluster", async () => {
    const admin = { authorization: `Bearer ${config.ADMIN_TOKEN}` };
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toMatchObject({ status: "ready", redis: "ok" });
    const board = await fetch(`${url}/admin/queues/api/queues`, { headers: admin });
    expect(board.status).toBe(200);
    const { queues } = (await board.json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    expect(queues.find((queue) => queue.name === "events")?.counts.completed).toBeGreaterThanOrEqual(3);
    const metrics = await (await fetch(`${url}/metrics`, { headers: admin })).text();
    expect(metrics).toMatch(/aiops_queue_jobs\{[^}]*queue="events"[^}]*state="completed"[^}]*\} [1-9]/);
  });

  it("a worker killed with SIGKILL mid-job loses nothing: another worker finishes its events", async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.kill("SIGTERM")));
    fake.delayMs = 800;
    const [first, second] = await Promise.all([startWorker(), startWorker()]);
    const answers = await Promise.all(
      Array.from({ length: 24 }, () =>
        post(
          "new-lead",
          signed("new-lead", (b) => (b.message = `Quote for 30 seats ${seq} ${Math.random()}`)),
        ),
      ),
    );
    for (const answer of answers) expect(answer.status).toBe(202);
    const ids = answers.map((answer) => answer.body.id);
    // More events in flight than one worker's concurrency (3): the first worker holds some.
    await waitFor(
      async () => (await statuses(ids)).filter((row) => row.status === "processing").length > 3,
      "both workers busy",
      15_000,
    );
    expect((await first.kill("SIGKILL")).signal).toBe("SIGKILL");

    await waitFor(() => allCompleted(ids), "every event completed", 40_000);
    const rows = await statuses(ids);
    // The jobs the killed worker held were taken over and run again by the other one.
    expect(rows.filter((row) => row.attempts >= 2).length).toBeGreaterThan(0);
    expect(await db.stepResult.count({ where: { eventId: { in: ids }, status: "succeeded", name: "ai.lead" } })).toBe(
      ids.length,
    );
    expect(await db.activity.count({ where: { eventId: { in: ids } } })).toBe(ids.length);
    expect(second.running).toBe(true);
    // The cluster, not some other Redis, held the jobs.
    expect((await prefixKeys()).map((entry) => entry.key)).toContain(`${config.QUEUE_PREFIX}:events:${ids[0]}`);
    fake.delayMs = 0;
  }, 60_000);
});
