// Several worker processes on one host: `start:worker --processes N`, and separate
// `start:worker` commands side by side. Every test checks that each process ran jobs.
// BullMQ wakes one idle worker per burst of jobs; the others find work when their blocking
// wait (drainDelay, 5 s) ends. Each test therefore gives one worker alone over 10 s of work.

import { createServer, type Server } from "node:net";
import { createDatabase, createEventsQueue, type EventJob } from "@aiops/shared";
import { FakeOpenAiServer, ServiceProcess, sampleEvent, testEnv, waitFor } from "@aiops/testing";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const fake = new FakeOpenAiServer();
const processes: ServiceProcess[] = [];
const database = createDatabase(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/aiops_test");
const db = database.prisma;

beforeAll(() => fake.start());
afterAll(async () => {
  for (const worker of processes) worker.kill("SIGKILL");
  await Promise.all([fake.close(), database.close()]);
});

function setup(overrides: Record<string, string> = {}) {
  const env = testEnv({
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: fake.baseURL,
    AI_CACHE: "false",
    WORKER_CONCURRENCY: "2",
    ...overrides,
  });
  const redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: null });
  const queue = createEventsQueue({ QUEUE_PREFIX: env.QUEUE_PREFIX } as never, redis);
  const start = (args: string[] = []) => {
    const worker = new ServiceProcess("worker", env, args);
    processes.push(worker);
    return worker;
  };
  const enqueue = async (count: number) => {
    const events = Array.from({ length: count }, () =>
      sampleEvent("new-lead", undefined, (body) => (body.message = `Quote ${Math.random()}`)),
    );
    await queue.addBulk(
      events.map((event) => ({ name: event.type, data: event, opts: { attempts: 5, jobId: event.id } })),
    );
    return events;
  };
  const statuses = async (events: EventJob[]) =>
    (await db.webhookEvent.findMany({ where: { id: { in: events.map((e) => e.id) } } })).map((row) => row.status);
  const close = async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
  };
  return { env, queue, start, enqueue, statuses, close };
}

/** The fields of the first JSON log line carrying `msg`. */
function logged(worker: ServiceProcess, msg: string): Record<string, unknown> | undefined {
  const line = worker.output.find((l) => l.includes(`"msg":"${msg}"`));
  return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
}

async function supervisorReady(
  worker: ServiceProcess,
  timeoutMs = 90_000,
): Promise<{ pids: number[]; metricsPort: number }> {
  await waitFor(
    () => {
      if (worker.child.exitCode !== null) throw new Error(`supervisor exited:\n${worker.output.join("\n")}`);
      return logged(worker, "supervisor started") !== undefined;
    },
    "supervisor started",
    timeoutMs,
  );
  return logged(worker, "supervisor started") as { pids: number[]; metricsPort: number };
}

/** Sample values of a metric in Prometheus text, with their labels. */
async function samples(port: number, name: string): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, "gm"))].map((match) => ({
    labels: Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!])),
    value: Number(match[2]),
  }));
}

/** Jobs each process ran, by pid, from `aiops_worker_process_jobs_total`. */
async function jobsByPid(port: number): Promise<Map<number, number>> {
  const byPid = new Map<number, number>();
  for (const { labels, value } of await samples(port, "aiops_worker_process_jobs_total"))
    byPid.set(Number(labels.pid), (byPid.get(Number(labels.pid)) ?? 0) + value);
  return byPid;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Holds a TCP port on every interface, as another program would. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return { port: address.port, server };
}

describe("start:worker --processes N", () => {
  it("runs N children that each consume, behind one endpoint summing their metrics", async () => {
    fake.delayMs = 600;
    const t = setup();
    const supervisor = t.start(["--processes", "3"]);
    const { pids, metricsPort } = await supervisorReady(supervisor);
    expect(pids).toHaveLength(3);
    expect(new Set(pids).size).toBe(3);
    expect(pids.every(alive)).toBe(true);
    expect(metricsPort).toBeGreaterThan(0);

    const events = await t.enqueue(60);
    await waitFor(
      async () => (await t.statuses(events)).filter((s) => s === "completed").length === events.length,
      "events completed",
      60_000,
    );

    const byPid = await jobsByPid(metricsPort);
    expect([...byPid.keys()].sort()).toEqual([...pids].sort());
    for (const pid of pids) expect(byPid.get(pid)).toBeGreaterThan(0);
    expect([...byPid.values()].reduce((a, b) => a + b, 0)).toBe(events.length);
    // The children's counters without a per-process label arrive summed into one series.
    const completed = await samples(metricsPort, "aiops_worker_events_completed_total");
    expect(completed).toEqual([{ labels: { type: "lead", status: "completed" }, value: events.length }]);

    supervisor.kill("SIGTERM");
    expect((await supervisor.exited).code).toBe(0);
    expect(pids.some(alive)).toBe(false);
    await t.close();
  }, 150_000);

  it("on SIGTERM every child finishes its jobs in flight, takes no more, and the supervisor exits 0", async () => {
    fake.delayMs = 2_000;
    const t = setup({ SHUTDOWN_TIMEOUT_MS: "20000" });
    const supervisor = t.start(["--processes", "2"]);
    const { pids } = await supervisorReady(supervisor);
    const events = await t.enqueue(12);
    // Two children, two jobs each: four in flight.
    await waitFor(
      async () => (await t.statuses(events)).filter((s) => s === "processing").length === 4,
      "four in flight",
      30_000,
    );
    supervisor.kill("SIGTERM");
    expect((await supervisor.exited).code).toBe(0);

    const statuses = await t.statuses(events);
    expect(statuses.filter((s) => s === "processing")).toEqual([]);
    const completed = statuses.filter((s) => s === "completed").length;
    expect(completed).toBeGreaterThanOrEqual(4);
    expect(completed + (await t.queue.getWaitingCount())).toBe(events.length);
    for (const pid of pids)
      expect(supervisor.output.some((l) => l.includes(`"pid":${pid}`) && l.includes('"shutdown complete"'))).toBe(true);
    await t.close();
  }, 150_000);

  it("restarts a child that was killed, and the new child consumes", async () => {
    fake.delayMs = 600;
    const t = setup();
    const supervisor = t.start(["--processes", "2"]);
    const { pids, metricsPort } = await supervisorReady(supervisor);
    const victim = pids[0]!;
    process.kill(victim, "SIGKILL");
    const restarted = () =>
      supervisor.output
        .filter((l) => l.includes('"worker started"'))
        .map((l) => JSON.parse(l) as { pid: number; slot: string });
    await waitFor(() => restarted().some((w) => !pids.includes(w.pid)), "a new child", 90_000);
    const replacement = restarted().find((w) => !pids.includes(w.pid))!;
    expect(replacement.slot).toBe(restarted().find((w) => w.pid === victim)!.slot);
    expect(
      supervisor.output.some(
        (l) => l.includes('"worker process exited: restarting"') && l.includes('"signal":"SIGKILL"'),
      ),
    ).toBe(true);
    expect(alive(replacement.pid)).toBe(true);

    const events = await t.enqueue(40);
    await waitFor(
      async () => (await t.statuses(events)).filter((s) => s === "completed").length === events.length,
      "events completed",
      60_000,
    );
    await waitFor(
      async () => (await jobsByPid(metricsPort)).has(replacement.pid),
      "the replacement in the metrics",
      10_000,
    );
    const byPid = await jobsByPid(metricsPort);
    expect(byPid.get(replacement.pid)).toBeGreaterThan(0);
    expect(byPid.get(pids[1]!)).toBeGreaterThan(0);
    expect(byPid.has(victim)).toBe(false);

    supervisor.kill("SIGTERM");
    expect((await supervisor.exited).code).toBe(0);
    await t.close();
  }, 180_000);
});

describe("separate start:worker commands on one host", () => {
  it("both run when WORKER_METRICS_PORT is unset: the second takes a free port, and both consume", async () => {
    fake.delayMs = 600;
    const t = setup();
    const first = t.start();
    await first.ready(60_000);
    const second = t.start();
    await second.ready(60_000);
    const ports = [first, second].map((w) => logged(w, "worker started")!.metricsPort as number);
    expect(ports.every((port) => port > 0)).toBe(true);
    expect(ports[0]).not.toBe(ports[1]);
    // Two processes cannot both hold 9464: at least one said it took another port.
    expect(
      [first, second].some((w) =>
        logged(w, "default metrics port taken by another process: serving metrics on a free port"),
      ),
    ).toBe(true);

    const events = await t.enqueue(40);
    await waitFor(
      async () => (await t.statuses(events)).filter((s) => s === "completed").length === events.length,
      "events completed",
      60_000,
    );
    const jobs = await Promise.all(
      ports.map(async (port) => [...(await jobsByPid(port)).values()].reduce((a, b) => a + b, 0)),
    );
    expect(jobs[0]).toBeGreaterThan(0);
    expect(jobs[1]).toBeGreaterThan(0);
    expect(jobs[0]! + jobs[1]!).toBe(events.length);

    for (const worker of [first, second]) worker.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);
    expect((await second.exited).code).toBe(0);
    await t.close();
  }, 150_000);

  it.each([[[]], [["--processes", "2"]]])(
    "an explicit WORKER_METRICS_PORT that is taken ends the process with one line naming it (args %j)",
    async (args) => {
      const held = await holdPort();
      const t = setup({ WORKER_METRICS_PORT: String(held.port) });
      const worker = t.start(args);
      const { code } = await worker.exited;
      held.server.close();
      expect(code).toBe(78);
      const errors = worker.output.filter((line) => !line.startsWith("{"));
      expect(errors).toEqual([
        expect.stringMatching(new RegExp(`^WORKER_METRICS_PORT=${held.port} is already in use`)),
      ]);
      await t.close();
    },
    60_000,
  );
});
