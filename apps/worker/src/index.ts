// What other packages (end-to-end tests, benchmarks) use of the worker.

export type { AiAnswer, AiProvider } from "./ai/provider.js";
export { RulesProvider } from "./ai/rules-provider.js";
export { createWorker, type WorkerOptions } from "./create-worker.js";
export { Crm } from "./crm/crm.js";
export { FleetWorker } from "./fleet-worker.js";
export { WorkerMetrics } from "./metrics.js";
export { StepStore } from "./store/step-store.js";
