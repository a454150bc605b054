import type { Registry } from "prom-client";
import { type ToSupervisor, toChild } from "./messages.js";

export interface SupervisedChildOptions {
  registry: Registry;
  /** Graceful shutdown; the same promise a SIGTERM would start. */
  shutdown: () => Promise<void>;
}

function send(message: ToSupervisor): void {
  if (process.connected) process.send?.(message);
}

/**
 * The worker side of a supervisor's IPC channel: answers metrics requests from this
 * process's registry and shuts down when asked. The supervisor asks over IPC rather than
 * signalling, so a Ctrl-C that reached this process already is not taken for a second signal.
 */
export function serveSupervisor({ registry, shutdown }: SupervisedChildOptions): { ready(): void } {
  process.on("message", (raw: unknown) => {
    const parsed = toChild.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === "aiops:shutdown") {
      void shutdown().then(() => process.exit(0));
      return;
    }
    void registry.getMetricsAsJSON().then(
      (metrics) => send({ type: "aiops:metrics", id: message.id, metrics }),
      () => send({ type: "aiops:metrics", id: message.id, metrics: [] }),
    );
  });
  return { ready: () => send({ type: "aiops:ready" }) };
}
