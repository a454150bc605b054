import { type EventJob, eventJobSchema, type Sql } from "@aiops/shared";
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import type { AiService } from "../ai/ai-service.js";
import type { Connector } from "../connectors/connector.js";
import type { MetaGraph } from "../connectors/meta-graph.js";
import type { Crm } from "../crm/crm.js";
import type { DraftDispatch } from "../drafts/draft-dispatch.js";
import { PermanentError, RetryableError } from "../errors/index.js";
import type { WorkerMetrics } from "../metrics.js";
import type { PipelineContext } from "../pipelines/pipeline.js";
import { pipelines } from "../pipelines/registry.js";
import { StepRunner, type StorageStrategy } from "../steps/step-runner.js";
import { StepStore } from "../store/step-store.js";

export interface EventProcessorDeps {
  /** The hot-path SQL client (`Database.sql`). */
  sql: Sql;
  ai: AiService;
  crm: Crm;
  connectors: readonly Connector[];
  meta: MetaGraph;
  drafts: DraftDispatch;
  metrics: WorkerMetrics;
  logger: Logger;
}

export type ProcessResult = { status: "completed" | "ignored" } | { status: "skipped"; reason: "already_processed" };

/** The longest `retry-after` an event is deferred by; a longer one (a daily quota, a bad header) is taken as this. */
export const MAX_DEFERRAL_MS = 60 * 60 * 1000;

/**
 * Processes one event job: records it, runs its pipeline from the first unfinished step,
 * and keeps the event's status in Postgres in step with BullMQ's view of the job.
 */
export class EventProcessor {
  private readonly store: StepStore;

  constructor(private readonly deps: EventProcessorDeps) {
    this.store = new StepStore(deps.sql);
  }

  /** `token` is the job's lock, which deferring the job (`retry-after`) needs. */
  async process(job: Job, token?: string): Promise<ProcessResult> {
    const parsed = eventJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not an event: ${parsed.error.message}`);
    const event = parsed.data;
    const { metrics } = this.deps;
    const logger = this.deps.logger.child({ eventId: event.id, type: event.type, attempt: job.attemptsMade + 1 });

    const strategy = this.storageStrategy(job, event);
    // A first run records the event with its first statement; any other run records it (or
    // resumes it) now, and reads the steps earlier runs stored.
    const begun = strategy === "first-run" ? { inserted: true } : await this.store.begin(event);
    if (!begun) return this.alreadyProcessed(logger);

    metrics.jobsInFlight.inc();
    let steps: StepRunner | undefined;
    try {
      if (event.type === "ignored") {
        await this.store.finish(event.id, "ignored");
        return this.processed(event, "ignored", logger);
      }
      steps = new StepRunner({
        store: this.store,
        eventId: event.id,
        previous: begun.inserted ? new Map() : await this.store.steps(event.id),
        strategy,
        ...(strategy === "first-run" && { insert: { event, startedAt: new Date().toISOString() } }),
        metrics,
        logger,
      });
      await pipelines[event.type].run(this.context(event, steps, logger));
      await steps.finish();
      return this.processed(event, "completed", logger);
    } catch (error) {
      if (steps?.superseded) return await this.runAgain(job, token, error as Error, logger);
      // A first run that failed before any statement recorded the event records it now, so its failure is kept.
      if (strategy === "first-run" && !steps?.recorded && !(await this.store.begin(event)))
        return this.alreadyProcessed(logger);
      return await this.attemptFailed(job, token, event, error, logger);
    } finally {
      metrics.jobsInFlight.dec();
    }
  }

  /**
   * Chosen before the pipeline runs: with the offline rules and no connector every step
   * before the CRM's may simply be done again (the rules, a Meta lead's read), so their rows
   * may wait for the CRM step's statement (`batched`); on the job's first run that statement
   * records the event too (`first-run`), as nothing can have stored a step before it. A
   * remote model's answer or a connector's delivery is stored the moment it is known
   * (`immediate`), so a retry never repeats it.
   */
  private storageStrategy(job: Job, event: EventJob): StorageStrategy {
    if (this.deps.ai.provider.remote || this.deps.connectors.length > 0) return "immediate";
    // `attemptsStarted` counts every run BullMQ began: a retry, a stalled job taken over, a deferral.
    return job.attemptsStarted <= 1 && event.type !== "ignored" ? "first-run" : "batched";
  }

  /**
   * A first run found its event recorded before (a provider re-sent an event whose job Redis
   * no longer held, or a replay), so it wrote nothing: the job goes back to the queue at once,
   * without using an attempt, and its next run resumes the event from its stored steps.
   */
  private async runAgain(job: Job, token: string | undefined, error: Error, logger: Logger): Promise<never> {
    logger.info("event recorded before its first run: running it again from its stored steps");
    if (!token) throw error;
    await job.moveToDelayed(Date.now(), token);
    throw new DelayedError(error.message);
  }

  private context(event: EventJob, steps: StepRunner, logger: Logger): PipelineContext {
    const { ai, crm, connectors, meta, drafts } = this.deps;
    return { event, steps, ai, crm, connectors, meta, drafts, logger };
  }

  private processed(event: EventJob, status: "completed" | "ignored", logger: Logger): ProcessResult {
    this.deps.metrics.eventsCompleted.inc({ type: event.type, status });
    logger.info({ status }, "event processed");
    return { status };
  }

  private alreadyProcessed(logger: Logger): ProcessResult {
    logger.info("event already processed: re-delivery ignored");
    return { status: "skipped", reason: "already_processed" };
  }

  /**
   * This attempt failed: the event is `failed` (permanent, or no attempt left) or back to
   * `queued`; the job fails, and the queue retries it with backoff. A downstream that said
   * when to come back (`retry-after`, past what its step waited out) is asked again then
   * (`defer`), as long as the event has runs left.
   */
  private async attemptFailed(
    job: Job,
    token: string | undefined,
    event: EventJob,
    error: unknown,
    logger: Logger,
  ): Promise<never> {
    const message = (error as Error).message;
    const permanent = error instanceof PermanentError;
    const exhausted = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (permanent || exhausted) {
      await this.store.fail(event.id, message);
      this.deps.metrics.eventsFailed.inc({ type: event.type });
      logger.error({ err: error, permanent }, "event failed");
    } else if (error instanceof RetryableError && error.retryAfterMs !== undefined && token && this.mayDefer(job)) {
      await this.defer(job, token, event, error.retryAfterMs, message, logger);
    } else {
      await this.store.retrying(event.id, message);
      logger.warn({ err: error }, "event attempt failed; the queue will retry it");
    }
    if (permanent) throw new UnrecoverableError(message);
    throw error;
  }

  /**
   * Whether a rate-limited run may be deferred rather than counted as a failed attempt:
   * while the runs started (deferred ones, and any a dead worker left, included) are fewer
   * than the attempts allowed. After that the queue's backoff takes over, as for any
   * failure, so a downstream that always says "later" cannot keep an event forever.
   */
  private mayDefer(job: Job): boolean {
    return job.attemptsStarted < (job.opts.attempts ?? 1);
  }

  /**
   * Puts the job back until the time the downstream asked for (BullMQ's delayed set, not
   * an attempt) and ends this run with BullMQ's `DelayedError`. The failed step is stored
   * already: the next run resumes at it.
   */
  private async defer(
    job: Job,
    token: string,
    event: EventJob,
    retryAfterMs: number,
    message: string,
    logger: Logger,
  ): Promise<never> {
    const delayMs = Math.min(retryAfterMs, MAX_DEFERRAL_MS);
    const until = new Date(Date.now() + delayMs);
    await this.store.retrying(event.id, `${message} (deferred until ${until.toISOString()}, as asked by retry-after)`);
    await job.moveToDelayed(until.getTime(), token);
    this.deps.metrics.eventsDeferred.inc({ type: event.type });
    logger.warn({ delayMs, until }, "event deferred: a downstream asked to come back later");
    throw new DelayedError(`deferred until ${until.toISOString()}`);
  }

  /** A job BullMQ failed without the processor seeing it (stalled too often): mark its event. */
  async failedOutside(eventId: string, reason: string): Promise<void> {
    await this.store.fail(eventId, reason);
  }
}
