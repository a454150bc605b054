import { Counter, collectDefaultMetrics, Registry } from "prom-client";

/** The ingress's counters; the registry is exposed at /metrics. */
export class IngressMetrics {
  readonly received: Counter<"source" | "type">;
  readonly duplicated: Counter<"source">;
  readonly rejected: Counter<"source" | "reason">;

  constructor(readonly registry: Registry = new Registry()) {
    this.received = new Counter({
      name: "aiops_events_received_total",
      help: "Events verified and acknowledged, by source and event type",
      labelNames: ["source", "type"],
      registers: [registry],
    });
    this.duplicated = new Counter({
      name: "aiops_events_duplicated_total",
      help: "Deliveries of an event that had already been acknowledged",
      labelNames: ["source"],
      registers: [registry],
    });
    this.rejected = new Counter({
      name: "aiops_events_rejected_total",
      help: "Deliveries refused, by source and error code",
      labelNames: ["source", "reason"],
      registers: [registry],
    });
  }

  static withDefaults(): IngressMetrics {
    const metrics = new IngressMetrics();
    collectDefaultMetrics({ register: metrics.registry, prefix: "aiops_api_" });
    return metrics;
  }

  accepted(source: string, type: string, duplicate: boolean): void {
    if (duplicate) this.duplicated.inc({ source });
    else this.received.inc({ source, type });
  }

  refused(source: string, reason: string): void {
    this.rejected.inc({ source, reason });
  }
}
