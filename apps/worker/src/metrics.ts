import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The worker's Prometheus metrics; each worker process serves its own registry. */
export class WorkerMetrics {
  readonly stepDuration: Histogram<"step" | "status">;
  readonly aiTokens: Counter<"provider" | "model" | "kind">;
  readonly aiCost: Counter<"provider" | "model">;
  readonly aiRequests: Counter<"provider" | "model" | "cached">;
  readonly aiBudgetFallbacks: Counter<"task">;
  readonly jobsInFlight: Gauge;
  readonly eventsCompleted: Counter<"type" | "status">;
  readonly eventsFailed: Counter<"type">;
  readonly eventsDeferred: Counter<"type">;
  readonly processJobs: Counter<"worker" | "pid" | "result">;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    this.stepDuration = new Histogram({
      name: "aiops_worker_step_duration_seconds",
      help: "Duration of pipeline steps, by step name and outcome",
      labelNames: ["step", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.aiTokens = new Counter({
      name: "aiops_ai_tokens_total",
      help: "Tokens used by AI answers (cached answers not counted), by kind: prompt or completion",
      labelNames: ["provider", "model", "kind"],
      registers,
    });
    this.aiCost = new Counter({
      name: "aiops_ai_cost_usd_total",
      help: "Estimated cost of AI answers in US dollars",
      labelNames: ["provider", "model"],
      registers,
    });
    this.aiRequests = new Counter({
      name: "aiops_ai_answers_total",
      help: "AI answers used by steps, by whether the cache served them",
      labelNames: ["provider", "model", "cached"],
      registers,
    });
    this.aiBudgetFallbacks = new Counter({
      name: "aiops_ai_budget_fallbacks_total",
      help: "AI steps answered by the offline rules because AI_DAILY_BUDGET_USD was reached, by task",
      labelNames: ["task"],
      registers,
    });
    this.jobsInFlight = new Gauge({
      name: "aiops_worker_jobs_in_flight",
      help: "Events this worker process is processing now",
      registers,
    });
    this.eventsCompleted = new Counter({
      name: "aiops_worker_events_completed_total",
      help: "Events processed to the end, by type and final status (completed or ignored)",
      labelNames: ["type", "status"],
      registers,
    });
    this.eventsFailed = new Counter({
      name: "aiops_worker_events_failed_total",
      help: "Events that failed for good (attempts exhausted or a permanent error)",
      labelNames: ["type"],
      registers,
    });
    this.eventsDeferred = new Counter({
      name: "aiops_worker_events_deferred_total",
      help: "Runs put back until the time a rate-limited downstream asked for (retry-after)",
      labelNames: ["type"],
      registers,
    });
    this.processJobs = new Counter({
      name: "aiops_worker_process_jobs_total",
      help: "Jobs this worker process ran, by process (supervisor slot, pid) and result (ok, or thrown: retry, deferral or failure)",
      labelNames: ["worker", "pid", "result"],
      registers,
    });
  }

  /** The process's own metrics too (memory, event loop lag): for the one registry a worker process serves. */
  static withDefaults(): WorkerMetrics {
    const metrics = new WorkerMetrics();
    collectDefaultMetrics({ register: metrics.registry, prefix: "aiops_worker_" });
    return metrics;
  }
}
