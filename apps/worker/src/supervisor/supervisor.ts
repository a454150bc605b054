import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import { MetricsServer } from "../metrics-server.js";
import { ClusterMetrics } from "./cluster-metrics.js";
import { type ToChild, toSupervisor } from "./messages.js";

export interface SupervisorOptions {
  processes: number;
  /** WORKER_METRICS_PORT for the one aggregated endpoint: undefined = default or a free port, 0 = off. */
  metricsPort: number | undefined;
  /** How long children get to finish their jobs in flight after a shutdown request. */
  shutdownTimeoutMs: number;
  logger: Logger;
  /**
   * First delay before a crashed child is restarted; doubled for each crash of a child that
   * lived under a minute, up to `maxRestartDelayMs`.
   * @defaultValue 1000
   */
  restartDelayMs?: number;
  /** @defaultValue 30000 */
  maxRestartDelayMs?: number;
}

interface Slot {
  index: number;
  child?: Worker;
  ready: boolean;
  startedAt: number;
  crashes: number;
  restart?: NodeJS.Timeout;
}

/** A child that lived this long is healthy again: its next crash restarts it after the first delay. */
const STABLE_AFTER_MS = 60_000;
/** The exit code of a process that refused its configuration (sysexits EX_CONFIG). */
export const CONFIG_ERROR_EXIT = 78;
/** Children exit by their own SHUTDOWN_TIMEOUT_MS; this much longer, the supervisor kills them. */
const KILL_GRACE_MS = 2_000;

/**
 * Runs N worker processes (node:cluster) on one host behind one metrics endpoint: restarts a
 * child that dies, with backoff, and on shutdown lets every child finish its jobs in flight.
 */
export class Supervisor {
  private readonly slots: Slot[];
  private readonly metrics: ClusterMetrics;
  private readonly server: MetricsServer;
  private stopping: Promise<boolean> | undefined;
  private allReady: (() => void) | undefined;
  /** The aggregated endpoint's port once started (0 when off). */
  metricsPort = 0;

  constructor(private readonly options: SupervisorOptions) {
    this.slots = Array.from({ length: options.processes }, (_, i) => ({
      index: i + 1,
      ready: false,
      startedAt: 0,
      crashes: 0,
    }));
    this.metrics = new ClusterMetrics(() =>
      this.slots.flatMap((slot) => (slot.ready && slot.child ? [slot.child] : [])),
    );
    this.server = new MetricsServer(this.metrics);
  }

  /** Forks the children; resolves once every one consumes the queue. */
  async start(): Promise<void> {
    const { logger } = this.options;
    if (this.options.metricsPort !== 0) {
      const bound = await this.server.bind(this.options.metricsPort);
      this.metricsPort = bound.port;
      if (bound.fellBack)
        logger.warn(
          { metricsPort: bound.port },
          "default metrics port taken by another process: serving metrics on a free port",
        );
    }
    const ready = new Promise<void>((resolve) => (this.allReady = resolve));
    for (const slot of this.slots) this.fork(slot);
    await ready;
    logger.info(
      { processes: this.slots.length, pids: this.pids(), metricsPort: this.metricsPort },
      "supervisor started",
    );
  }

  pids(): number[] {
    return this.slots.flatMap((slot) => (slot.child?.process.pid ? [slot.child.process.pid] : []));
  }

  /**
   * Asks every child to stop taking jobs and finish those in flight; kills those still
   * running after the shutdown timeout. Resolves true when all exited on their own. Idempotent.
   */
  stop(): Promise<boolean> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<boolean> {
    const { logger, shutdownTimeoutMs } = this.options;
    const running = this.slots.flatMap((slot) => {
      clearTimeout(slot.restart);
      return slot.child && !slot.child.isDead() ? [slot.child] : [];
    });
    logger.info({ processes: running.length }, "supervisor stopping: children finish their jobs in flight");
    const exits = running.map(
      (child) => new Promise<void>((resolve) => (child.isDead() ? resolve() : child.once("exit", () => resolve()))),
    );
    for (const child of running) {
      if (child.isConnected()) child.send({ type: "aiops:shutdown" } satisfies ToChild);
      else child.process.kill("SIGTERM");
    }
    let timer: NodeJS.Timeout | undefined;
    const clean = await Promise.race([
      Promise.all(exits).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), shutdownTimeoutMs + KILL_GRACE_MS))),
    ]);
    clearTimeout(timer);
    if (!clean) {
      for (const child of running) if (!child.isDead()) child.process.kill("SIGKILL");
      logger.error("children still running after the shutdown timeout: killed");
      await Promise.all(exits);
    }
    await this.server.close();
    return clean;
  }

  private fork(slot: Slot): void {
    const { logger } = this.options;
    const child = cluster.fork({ AIOPS_WORKER_SLOT: String(slot.index) });
    Object.assign(slot, { child, ready: false, startedAt: Date.now(), restart: undefined });
    child.on("message", (raw: unknown) => {
      const parsed = toSupervisor.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === "aiops:metrics") return this.metrics.receive(child.id, message.id, message.metrics);
      slot.ready = true;
      if (this.slots.every((s) => s.ready)) this.allReady?.();
    });
    child.on("exit", (code, signal) => {
      this.metrics.forget(child.id);
      if (slot.child !== child) return;
      slot.ready = false;
      if (this.stopping) return;
      if (code === CONFIG_ERROR_EXIT) {
        // A configuration error repeats on every restart: stop, and exit with the child's code.
        logger.fatal(
          { slot: slot.index, pid: child.process.pid },
          "worker process refused its configuration: stopping",
        );
        void this.stop().then(() => process.exit(CONFIG_ERROR_EXIT));
        return;
      }
      slot.crashes = Date.now() - slot.startedAt >= STABLE_AFTER_MS ? 1 : slot.crashes + 1;
      const base = this.options.restartDelayMs ?? 1_000;
      const delayMs = Math.min(this.options.maxRestartDelayMs ?? 30_000, base * 2 ** (slot.crashes - 1));
      logger.error(
        { slot: slot.index, pid: child.process.pid, code, signal, delayMs },
        "worker process exited: restarting",
      );
      slot.restart = setTimeout(() => this.fork(slot), delayMs);
    });
  }
}
