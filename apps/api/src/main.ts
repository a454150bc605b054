import { ConfigError, createLogger, loadEnvFile, parseConfig, ShutdownManager } from "@aiops/shared";
import { createApi } from "./api.js";
import { IngressMetrics } from "./metrics.js";

/** A bad configuration ends the process with one line on stderr and EX_CONFIG (78). */
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

const logger = createLogger({ name: "api", level: config.LOG_LEVEL });
let api;
try {
  // Reads the sources file and checks its sources' secrets.
  api = createApi(config, { logger, metrics: IngressMetrics.withDefaults() });
} catch (error) {
  exitOnConfigError(error);
}
const port = await api.listen(config.PORT);
logger.info({ port }, "api listening");
if (config.API_METRICS_PORT > 0) {
  const metricsPort = await api.listenMetrics(config.API_METRICS_PORT);
  logger.info({ port: metricsPort }, "api metrics listening (no authentication: keep this port private)");
}

new ShutdownManager(logger, config.SHUTDOWN_TIMEOUT_MS).register("api", () => api.close()).listen();
