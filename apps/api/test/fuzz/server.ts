// The API as its own process, configured by the environment like `main.ts`, on an ephemeral
// port of 127.0.0.1. The fuzz suites talk to it over sockets only, so an input that crashes
// the process is seen as a crash, not swallowed by the test runner.
import { createLogger, parseConfig, ShutdownManager } from "@aiops/shared";
import { createApi } from "../../src/api.js";
import { IngressMetrics } from "../../src/metrics.js";

const config = parseConfig();
const logger = createLogger({ name: "api", level: config.LOG_LEVEL });
const api = createApi(config, { logger, metrics: new IngressMetrics() });
const port = await api.listen(0, "127.0.0.1");
process.send?.({ port });
new ShutdownManager(logger, config.SHUTDOWN_TIMEOUT_MS).register("api", () => api.close()).listen();
