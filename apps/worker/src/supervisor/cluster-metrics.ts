import type { Worker } from "node:cluster";
import { AggregatorRegistry, prometheusContentType } from "prom-client";
import type { MetricsSource } from "../metrics-server.js";

interface Collection {
  waiting: Set<number>;
  responses: unknown[][];
  finish: () => void;
}

/**
 * The supervisor's metrics: each scrape asks every ready child for its registry over IPC
 * and sums them as prom-client's AggregatorRegistry does. Unlike its `clusterMetrics()`,
 * only children that said they are ready are asked, and a child that dies or stays silent
 * is left out of that scrape instead of failing it.
 */
export class ClusterMetrics implements MetricsSource {
  readonly contentType = prometheusContentType;
  private next = 0;
  private readonly collections = new Map<number, Collection>();

  constructor(
    private readonly children: () => Worker[],
    private readonly timeoutMs = 3_000,
  ) {}

  async metrics(): Promise<string> {
    const children = this.children().filter((child) => child.isConnected());
    const id = this.next++;
    const responses: unknown[][] = [];
    await new Promise<void>((resolve) => {
      if (children.length === 0) return resolve();
      const timer = setTimeout(() => finish(), this.timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.collections.delete(id);
        resolve();
      };
      this.collections.set(id, { waiting: new Set(children.map((child) => child.id)), responses, finish });
      for (const child of children) child.send({ type: "aiops:metrics-request", id });
    });
    return AggregatorRegistry.aggregate(responses).metrics();
  }

  /** A child's answer to request `id`. */
  receive(childId: number, id: number, metrics: unknown[]): void {
    const collection = this.collections.get(id);
    if (!collection?.waiting.delete(childId)) return;
    collection.responses.push(metrics);
    if (collection.waiting.size === 0) collection.finish();
  }

  /** A child exited: no scrape waits for it. */
  forget(childId: number): void {
    for (const collection of this.collections.values())
      if (collection.waiting.delete(childId) && collection.waiting.size === 0) collection.finish();
  }
}
