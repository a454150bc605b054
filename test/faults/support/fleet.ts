// The platform as separate processes (one API, N workers) on a queue prefix of its own,
// with a fake OpenAI server that counts what it is asked.
import {
  type Config,
  createDatabase,
  type Database,
  type EventJob,
  type PrismaClient,
  parseConfig,
} from "@aiops/shared";
import { FakeOpenAiServer, freePort, ServiceProcess, TestEventsQueue, testEnv } from "@aiops/testing";
import type { Queue } from "bullmq";

export interface FleetOptions {
  workers: number;
  /** Environment for every process, on top of the fault suite's defaults. */
  env?: Record<string, string>;
  /** Where the suite itself reads Postgres (the processes may go through a proxy). */
  checkDatabaseUrl?: string;
}

/** Jobs a worker process ran, from its own metrics endpoint (`aiops_worker_process_jobs_total`). */
export async function jobsRun(metricsPort: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.text());
  let total = 0;
  for (const match of text.matchAll(/^aiops_worker_process_jobs_total\{[^}]*\} (\d+)$/gm)) total += Number(match[1]);
  return total;
}

/** Short timings so a killed worker's job is taken over within seconds and retries come quickly. */
const FAULT_DEFAULTS = {
  OPENAI_API_KEY: "test-openai-key",
  AI_CACHE: "false",
  AI_RETRY_BASE_MS: "50",
  AI_TIMEOUT_MS: "5000",
  WORKER_CONCURRENCY: "5",
  JOB_ATTEMPTS: "10",
  JOB_BACKOFF_MS: "200",
  JOB_LOCK_MS: "2000",
  SHUTDOWN_TIMEOUT_MS: "5000",
};

export class Fleet {
  readonly workers: ServiceProcess[] = [];
  readonly retired: ServiceProcess[] = [];
  /** Each worker's metrics port: WORKER_METRICS_PORT is left unset, so they share a host as `start:worker` does. */
  private readonly metricsPorts = new Map<ServiceProcess, number>();
  api!: ServiceProcess;
  readonly fake = new FakeOpenAiServer();
  env!: NodeJS.ProcessEnv;
  config!: Config;
  database!: Database;
  db!: PrismaClient;
  queue!: Queue<EventJob>;
  private events!: TestEventsQueue;
  url = "";

  static async start(options: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet();
    await fleet.fake.start();
    const port = await freePort();
    fleet.env = testEnv({ ...FAULT_DEFAULTS, OPENAI_BASE_URL: fleet.fake.baseURL, PORT: String(port), ...options.env });
    fleet.config = parseConfig(fleet.env);
    fleet.url = `http://127.0.0.1:${port}`;
    fleet.database = createDatabase(options.checkDatabaseUrl ?? fleet.config.DATABASE_URL);
    fleet.db = fleet.database.prisma;
    fleet.events = new TestEventsQueue(fleet.config);
    fleet.queue = fleet.events.queue;
    await Promise.all([fleet.startApi(), ...Array.from({ length: options.workers }, () => fleet.startWorker())]);
    return fleet;
  }

  async startApi(): Promise<ServiceProcess> {
    this.api = await new ServiceProcess("api", this.env).ready();
    return this.api;
  }

  async startWorker(): Promise<ServiceProcess> {
    const worker = new ServiceProcess("worker", this.env);
    this.workers.push(worker);
    await worker.ready();
    const started = worker.output.find((line) => line.includes('"worker started"')) ?? "{}";
    this.metricsPorts.set(worker, (JSON.parse(started) as { metricsPort?: number }).metricsPort ?? 0);
    return worker;
  }

  /** Running workers that have not run a single job: every multi-worker test expects none. */
  async idleWorkers(): Promise<number> {
    const counts = await Promise.all(
      this.workers.filter((w) => w.running).map((w) => jobsRun(this.metricsPorts.get(w) ?? 0)),
    );
    return counts.filter((count) => count === 0).length;
  }

  /** SIGKILLs a worker and starts its replacement, as an orchestrator would. */
  async killWorker(worker: ServiceProcess): Promise<{ signal: NodeJS.Signals | null; replacement: ServiceProcess }> {
    const { signal } = await worker.kill("SIGKILL");
    this.workers.splice(this.workers.indexOf(worker), 1);
    this.retired.push(worker);
    return { signal, replacement: await this.startWorker() };
  }

  async close(): Promise<void> {
    await Promise.all([this.api, ...this.workers].filter(Boolean).map((p) => p.kill("SIGTERM")));
    await this.events.close();
    await Promise.all([this.fake.close(), this.database.close()]);
  }
}
