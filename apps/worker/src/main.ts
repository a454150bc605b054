import cluster from "node:cluster";
import {
  type Config,
  ConfigError,
  createDatabase,
  createLogger,
  createWorkerConnection,
  loadEnvFile,
  parseConfig,
  ShutdownManager,
} from "@aiops/shared";
import type { Logger } from "pino";
import { createWorker } from "./create-worker.js";
import { startMaintenance } from "./maintenance/maintenance.js";
import { WorkerMetrics } from "./metrics.js";
import { serveSupervisor } from "./supervisor/child.js";
import { CONFIG_ERROR_EXIT, Supervisor } from "./supervisor/supervisor.js";
import { workerProcesses } from "./worker-args.js";

function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(CONFIG_ERROR_EXIT);
}

/** `--processes N` > 1: this process only supervises; its children run the workers. */
async function supervise(config: Config, processes: number, logger: Logger): Promise<void> {
  const supervisor = new Supervisor({
    processes,
    metricsPort: config.WORKER_METRICS_PORT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    logger,
  });
  // Children get SHUTDOWN_TIMEOUT_MS each; the supervisor's own deadline leaves room for them.
  new ShutdownManager(logger, config.SHUTDOWN_TIMEOUT_MS + 5_000)
    .register("supervisor", () => supervisor.stop())
    .listen();
  await supervisor.start().catch(exitOnConfigError);
}

async function work(config: Config, logger: Logger): Promise<void> {
  const supervised = cluster.isWorker;
  const metrics = WorkerMetrics.withDefaults();
  const database = createDatabase(config.DATABASE_URL, {
    poolSize: Math.min(50, config.WORKER_CONCURRENCY + 5),
    batchStatements: config.WORKER_DB_BATCH,
  });
  let worker;
  try {
    worker = createWorker(config, {
      logger,
      database,
      metrics,
      serveMetrics: !supervised,
      slot: process.env.AIOPS_WORKER_SLOT ?? "0",
    });
  } catch (error) {
    exitOnConfigError(error);
  }
  const maintenanceConnection = createWorkerConnection(config);
  maintenanceConnection.on("error", (error) => logger.warn({ err: error }, "maintenance redis connection error"));
  let maintenance: { close(): Promise<void> } | undefined;
  const shutdown = new ShutdownManager(logger, config.SHUTDOWN_TIMEOUT_MS)
    .register("worker", () => worker.close())
    .register("maintenance", () => maintenance?.close())
    .register("redis", () => maintenanceConnection.quit())
    .register("database", () => database.close())
    .listen();
  const supervisor = supervised
    ? serveSupervisor({ registry: metrics.registry, shutdown: () => shutdown.shutdown("supervisor") })
    : undefined;
  await worker.start().catch(exitOnConfigError);
  maintenance = await startMaintenance({ config, db: database.prisma, connection: maintenanceConnection, logger });
  supervisor?.ready();
}

loadEnvFile();
let config: Config;
let processes: number;
try {
  config = parseConfig();
  processes = workerProcesses(process.argv.slice(2), config);
} catch (error) {
  exitOnConfigError(error);
}
const logger = createLogger({ name: "worker", level: config.LOG_LEVEL });
if (cluster.isPrimary && processes > 1) await supervise(config, processes, logger);
else await work(config, logger);
