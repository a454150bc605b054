// `pnpm test:compose`: docker-compose.yml run for real, the way a newcomer with only Docker
// runs it (README: `docker compose run --rm setup`, then `docker compose up -d`), on a copy of
// the working tree without any .env, under a project name of its own, on empty volumes.
// scripts/platform.mjs gets an engine first (scripts/container-engine.sh) and passes the
// Compose command in AIOPS_COMPOSE; without one the suite is skipped and says why.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseEnv } from "node:util";
import { builtInSources, signedRequest } from "@aiops/shared";
import { freePort } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const composeCommand = (process.env.AIOPS_COMPOSE ?? "").trim().split(/\s+/).filter(Boolean);
const root = join(import.meta.dirname, "..", "..");
const project = `aiopsct${randomBytes(4).toString("hex")}`;
// Every character that breaks a password written into a URL.
const databasePassword = `p@ss:w/rd#${randomBytes(6).toString("hex")}`;
const timings: Record<string, number> = {};
let dir = "";
let port = 0;
let env: Record<string, string | undefined> = {};

function sh(
  program: string,
  args: string[],
  options: { allowFailure?: boolean; cwd?: string } = {},
): { status: number; out: string } {
  const result = spawnSync(program, args, { cwd: options.cwd ?? dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  const out = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 && !options.allowFailure)
    throw new Error(`${program} ${args.join(" ")} exited ${result.status}:\n${out.slice(-4000)}`);
  return { status: result.status ?? 1, out };
}
const compose = (...args: string[]) => sh(composeCommand[0]!, [...composeCommand.slice(1), "-p", project, ...args]).out;
const docker = (...args: string[]) => sh("docker", args).out.trim();

/** Containers of one service of this project, by the labels both Compose v1 and v2 set. */
function containers(service: string, all = false): string[] {
  const listed = docker(
    "ps",
    ...(all ? ["-a"] : []),
    "-q",
    "--filter",
    `label=com.docker.compose.project=${project}`,
    "--filter",
    `label=com.docker.compose.service=${service}`,
  );
  return listed.split("\n").filter(Boolean);
}
const inspect = (id: string, format: string) => docker("inspect", "-f", format, id);

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

async function timed<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings[label] = Date.now() - started;
  }
}

async function healthy(service: string, count: number): Promise<string[]> {
  return until(`${count} healthy ${service}`, () => {
    const ids = containers(service);
    return ids.length === count && ids.every((id) => inspect(id, "{{.State.Health.Status}}") === "healthy")
      ? ids
      : undefined;
  });
}

const sourceNames = ["new-lead", "new-ticket", "payment"] as const;
let sequence = 100;

/** Posts one signed sample event of the source, as its provider would; returns the event id. */
async function send(name: (typeof sourceNames)[number]): Promise<string> {
  const source = builtInSources.find((candidate) => candidate.name === name)!;
  const secret = env[source.secretVariable]!;
  // Three-digit sequence numbers keep every sample's id distinct within one millisecond.
  const request = signedRequest(source, secret, source.sample(sequence++, Date.now()));
  const response = await call("POST", `/webhook/${name}`, request.headers, request.body);
  const body = JSON.parse(response.text) as { id: string; duplicate: boolean };
  expect(response.status, `${name}: ${response.text}`).toBe(202);
  return body.id;
}

async function admin<T>(path: string): Promise<T> {
  const response = await call("GET", `/admin${path}`, { authorization: `Bearer ${env.ADMIN_TOKEN}` });
  if (response.status !== 200) throw new Error(`GET /admin${path}: ${response.status}`);
  return JSON.parse(response.text) as T;
}

/**
 * One request on its own connection: a kept-alive socket the API closes when idle (while
 * Compose stops or starts containers) would fail the next request that picks it up.
 */
function call(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

interface AdminEvent {
  status: string;
  type: string;
  steps: { status: string }[];
}

async function allCompleted(ids: string[], timeoutMs = 120_000): Promise<AdminEvent[]> {
  return until(
    `${ids.length} events completed`,
    async () => {
      const events = await Promise.all(
        ids.map((id) => admin<AdminEvent>(`/events/${encodeURIComponent(id)}`).catch(() => undefined)),
      );
      const failed = events.filter((event) => event?.status === "failed");
      if (failed.length > 0) throw new Error(`${failed.length} events failed`);
      return events.every((event) => event?.status === "completed") ? (events as AdminEvent[]) : undefined;
    },
    timeoutMs,
  );
}

/** Events each worker container has completed since it started, from its own /metrics. */
function completedBy(id: string): number {
  const script = "fetch('http://127.0.0.1:9464/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))";
  const metrics = docker("exec", id, "node", "-e", script);
  return metrics
    .split("\n")
    .filter((line) => line.startsWith("aiops_worker_events_completed_total{"))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

/** Leaves out what a fresh clone does not hold; .dockerignore leaves out the rest. */
const notInClone = new Set([".git", "node_modules", ".env", "dist", "coverage"]);

function copyWorkingTree(target: string): void {
  // What a fresh clone holds (tracked files, and new ones not ignored): never a developer's .env.
  const listed = sh("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    allowFailure: true,
  });
  if (listed.status !== 0) {
    cpSync(root, target, { recursive: true, filter: (source) => !notInClone.has(source.split("/").pop()!) });
    return;
  }
  const files = listed.out.split("\0").filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    try {
      cpSync(join(root, file), join(target, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // deleted, not yet committed
    }
  }
}

describe.skipIf(composeCommand.length === 0)(`docker compose, for real (${composeCommand.join(" ")})`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aiops-compose-"));
    copyWorkingTree(dir);
    port = await freePort();
  });

  afterAll(() => {
    if (!dir) return;
    try {
      // AIOPS_COMPOSE_LOGS=1 shows what the containers said, to look into a failure.
      if (process.env.AIOPS_COMPOSE_LOGS === "1") process.stdout.write(compose("logs", "--tail=40"));
      const started = Date.now();
      compose("down", "-v", "--remove-orphans");
      timings["down -v"] = Date.now() - started;
    } finally {
      rmSync(dir, { recursive: true, force: true });
      const lines = Object.entries(timings).map(([label, ms]) => `  ${label}: ${(ms / 1000).toFixed(1)} s`);
      process.stdout.write(`\ncompose suite, step durations:\n${lines.join("\n")}\n`);
    }
  });

  it("builds the images", async () => {
    await timed("build", () => compose("build"));
    expect(docker("image", "inspect", "-f", "{{.Config.User}}", "aiops")).toBe("node");
    // Production packages only: no test runner, linter or test support's libraries.
    const installed = docker("run", "--rm", "--entrypoint", "ls", "aiops", "node_modules/.pnpm");
    expect(installed).toMatch(/^bullmq@/m);
    expect(installed).not.toMatch(/^(vitest|@biomejs\+biome|smtp-server|standardwebhooks)@/m);
  });

  it("setup writes .env with fresh secrets and shows them", async () => {
    const printed = await timed("run --rm setup", () => compose("run", "--rm", "setup"));
    env = parseEnv(readFileSync(join(dir, ".env"), "utf8"));
    expect(env.ADMIN_TOKEN!.length).toBeGreaterThanOrEqual(32);
    for (const name of ["ADMIN_TOKEN", "LEAD_WEBHOOK_SECRET", "ZENDESK_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET"])
      expect(printed).toContain(`${name}=${env[name]}`);
    // The test's own settings, as a user would add them: a password no URL could hold as it
    // is, a free port, and a concurrency that must reach the workers to spread the load.
    const generated = readFileSync(join(dir, ".env"), "utf8").replace(
      /^POSTGRES_PASSWORD=.*$/m,
      `POSTGRES_PASSWORD=${databasePassword}`,
    );
    rmSync(join(dir, ".env"));
    appendFileSync(join(dir, ".env"), `${generated}PORT=${port}\nWORKER_CONCURRENCY=2\n`);
  });

  it("comes up on empty volumes: migrations exit 0, the API and the worker turn healthy", async () => {
    await timed("up to healthy", async () => {
      compose("up", "-d");
      const [migrate] = await until("the migrate container", () => {
        const ids = containers("migrate", true);
        return ids.length === 1 && inspect(ids[0]!, "{{.State.Status}}") === "exited" ? ids : undefined;
      });
      expect(inspect(migrate!, "{{.State.ExitCode}}")).toBe("0");
      expect(docker("logs", migrate!)).toMatch(/migrations have been successfully applied|No pending migrations/);
      await healthy("api", 1);
      await healthy("worker", 1);
    });
    // Both reach Postgres with that password: the API is ready only when Postgres answers.
    const ready = await call("GET", "/readyz", {});
    expect(JSON.parse(ready.text)).toMatchObject({ redis: "ok", postgres: "ok" });
    expect(compose("logs", "worker")).toContain('"concurrency":2');
  });

  let firstIds: string[] = [];
  it("completes a signed event of each type through the worker container", async () => {
    firstIds = await timed("one event per type", async () => {
      const ids = [];
      for (const name of sourceNames) ids.push(await send(name));
      const events = await allCompleted(ids);
      expect(events.map((event) => event.type).sort()).toEqual(["lead", "payment", "ticket"]);
      for (const event of events) expect(event.steps.length).toBeGreaterThan(0);
      return ids;
    });
    const [worker] = containers("worker");
    expect(completedBy(worker!)).toBe(3);
  });

  it("scales to three workers, and every replica consumes", async () => {
    const workers = await timed("scale to 3 healthy workers", async () => {
      compose("up", "-d", "--scale", "worker=3");
      return healthy("worker", 3);
    });
    await timed("90 events over 3 workers", async () => {
      const before = new Map(workers.map((id) => [id, completedBy(id)]));
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push(...(await Promise.all(sourceNames.map((name) => send(name)))));
      await allCompleted(ids);
      const consumed = workers.map((id) => completedBy(id) - before.get(id)!);
      for (const [i, count] of consumed.entries())
        expect(count, `worker replica ${i + 1} of 3 consumed`).toBeGreaterThan(0);
      expect(consumed.reduce((a, b) => a + b, 0)).toBe(90);
    });
  });

  it("keeps the events and the queue across down and up", async () => {
    await timed("down, up, drain the kept queue", async () => {
      // Workers stopped: the next events wait in Redis, then the whole platform goes down.
      compose("stop", "worker");
      const queued: string[] = [];
      for (const name of [...sourceNames, ...sourceNames]) queued.push(await send(name));
      const waiting = await Promise.all(queued.map((id) => admin<AdminEvent>(`/events/${encodeURIComponent(id)}`)));
      expect(waiting.map((event) => event.status)).toEqual(queued.map(() => "queued"));
      compose("down");
      expect(containers("api", true)).toEqual([]);
      compose("up", "-d");
      await healthy("api", 1);
      await healthy("worker", 1);
      await allCompleted(queued);
      const kept = await allCompleted(firstIds, 10_000);
      expect(kept).toHaveLength(3);
    });
  });
});
