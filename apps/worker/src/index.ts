// What other packages (end-to-end tests, benchmarks) use of the worker.
export { createWorker, type WorkerOptions } from "./create-worker.js";
export { FleetWorker } from "./fleet-worker.js";
export { WorkerMetrics } from "./metrics.js";
export { Crm } from "./crm/crm.js";
export { EventStore } from "./events/event-store.js";
export { RulesProvider } from "./ai/rules-provider.js";
export type { AiProvider, AiAnswer } from "./ai/provider.js";
