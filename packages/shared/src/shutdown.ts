import type { Logger } from "pino";

type Handler = () => Promise<unknown> | unknown;

/**
 * Runs named clean-up handlers once, in registration order, on SIGTERM or SIGINT, within a
 * deadline; a second signal or the deadline ends the process at once.
 */
export class ShutdownManager {
  private readonly handlers: Array<{ name: string; run: Handler }> = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs: number,
  ) {}

  register(name: string, run: Handler): this {
    this.handlers.push({ name, run });
    return this;
  }

  listen(signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT"]): this {
    for (const signal of signals)
      process.on(signal, () => {
        if (this.running) {
          this.logger.warn({ signal }, "second signal: exiting now");
          process.exit(1);
        }
        void this.shutdown(signal).then(() => process.exit(0));
      });
    return this;
  }

  /** Idempotent: every call returns the same promise. */
  shutdown(reason: string): Promise<void> {
    this.running ??= this.run(reason);
    return this.running;
  }

  private async run(reason: string): Promise<void> {
    this.logger.info({ reason, deadlineMs: this.deadlineMs }, "shutting down");
    const deadline = setTimeout(() => {
      this.logger.error("shutdown deadline passed: exiting");
      process.exit(1);
    }, this.deadlineMs);
    deadline.unref();
    for (const { name, run } of this.handlers) {
      try {
        await run();
        this.logger.debug({ step: name }, "shutdown step done");
      } catch (error) {
        this.logger.error({ err: error, step: name }, "shutdown step failed");
      }
    }
    clearTimeout(deadline);
    this.logger.info("shutdown complete");
  }
}
