import {
  ConfigError,
  createDatabase,
  createLogger,
  createWorkerConnection,
  loadEnvFile,
  parseConfig,
  ShutdownManager,
} from "@aiops/shared";
import { createWorker } from "./create-worker.js";
import { startMaintenance } from "./maintenance/maintenance.js";
import { WorkerMetrics } from "./metrics.js";

function exitOnConfigError(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}

loadEnvFile();
let config;
try {
  config = parseConfig();
} catch (error) {
  exitOnConfigError(error);
}

const logger = createLogger({ name: "worker", level: config.LOG_LEVEL });
const db = createDatabase(config.DATABASE_URL, { poolSize: Math.min(50, config.WORKER_CONCURRENCY + 5), batchStatements: config.WORKER_DB_BATCH });
let worker;
try {
  worker = createWorker(config, { logger, db, metrics: WorkerMetrics.withDefaults() });
} catch (error) {
  exitOnConfigError(error);
}
await worker.start();
const maintenanceConnection = createWorkerConnection(config);
maintenanceConnection.on("error", (error) => logger.warn({ err: error }, "maintenance redis connection error"));
const maintenance = await startMaintenance({ config, db, connection: maintenanceConnection, logger });

new ShutdownManager(logger, config.SHUTDOWN_TIMEOUT_MS)
  .register("worker", () => worker.close())
  .register("maintenance", () => maintenance.close())
  .register("redis", () => maintenanceConnection.quit())
  .register("database", () => db.$disconnect())
  .listen();
