import { ConfigError, createLogger, loadEnvFile, parseConfig, ShutdownManager } from "@aiops/shared";
import { createWorker } from "./create-worker.js";
import { WorkerMetrics } from "./metrics.js";

loadEnvFile();
let config;
try {
  config = parseConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}

const logger = createLogger({ name: "worker", level: config.LOG_LEVEL });
let worker;
try {
  worker = createWorker(config, { logger, metrics: WorkerMetrics.withDefaults() });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
await worker.start();

new ShutdownManager(logger, config.SHUTDOWN_TIMEOUT_MS).register("worker", () => worker.close()).listen();
