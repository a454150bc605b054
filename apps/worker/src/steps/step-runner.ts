import { sqlFor, type PrismaClient, type Sql, type StepResult } from "@aiops/shared";
import type { Logger } from "pino";
import type { z } from "zod";
import { AiAnswerError } from "../errors/index.js";
import type { WorkerMetrics } from "../metrics.js";

/** What the runner needs to know of a stored step. */
export type KnownStep = Pick<StepResult, "status" | "attempts" | "output">;

/** Who produced an AI step's output, and what it cost. */
export interface AiUsage {
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  cached: boolean;
}

export interface StepOutcome<T> {
  output: T;
  ai?: AiUsage;
  /** Tries inside this run (an AI step's HTTP requests); 1 when not said. */
  tries?: number;
}

/**
 * Stores a step's outcome in one statement, whether or not an earlier try left a row: a
 * new row is inserted; a failed one is updated (a field the outcome leaves out keeps its
 * value); a succeeded one is final and left alone (a stalled job taken over by another
 * worker). The row as it then stands is returned. With `$16` set, a success also finishes
 * the event in the same statement: the pipeline said this step is its last.
 */
const SAVE_STEP = `WITH step AS (
    INSERT INTO step_results (id, event_id, name, status, output, error, raw_response, attempts, duration_ms,
                              provider, model, prompt_tokens, completion_tokens, cost_usd, cached, updated_at)
    VALUES (gen_random_uuid(), $1, $2, $3::"StepStatus", $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13::numeric,
            COALESCE($14::boolean, false), (now() AT TIME ZONE 'UTC'))
    ON CONFLICT (event_id, name) DO UPDATE SET
      status = EXCLUDED.status, output = COALESCE(EXCLUDED.output, step_results.output), error = EXCLUDED.error,
      raw_response = EXCLUDED.raw_response, attempts = EXCLUDED.attempts, duration_ms = EXCLUDED.duration_ms,
      provider = COALESCE(EXCLUDED.provider, step_results.provider), model = COALESCE(EXCLUDED.model, step_results.model),
      prompt_tokens = COALESCE(EXCLUDED.prompt_tokens, step_results.prompt_tokens),
      completion_tokens = COALESCE(EXCLUDED.completion_tokens, step_results.completion_tokens),
      cost_usd = COALESCE(EXCLUDED.cost_usd, step_results.cost_usd), cached = COALESCE($14::boolean, step_results.cached),
      updated_at = EXCLUDED.updated_at
    WHERE step_results.status <> 'succeeded'
    RETURNING status, attempts, output),
  finish AS (
    UPDATE webhook_events SET status = $15::"EventStatus", finished_at = ($16::timestamptz AT TIME ZONE 'UTC'), last_error = NULL,
           updated_at = (now() AT TIME ZONE 'UTC')
    WHERE id = $1 AND $16::timestamptz IS NOT NULL AND EXISTS (SELECT 1 FROM step WHERE status = 'succeeded')
    RETURNING 1)
  SELECT status, attempts, output, EXISTS (SELECT 1 FROM finish) AS finished FROM step
  UNION ALL
  SELECT status, attempts, output, false FROM step_results
  WHERE event_id = $1 AND name = $2 AND NOT EXISTS (SELECT 1 FROM step)`;

export interface StepOptions {
  /**
   * Nothing runs after this step: its success also finishes the event (`completed`), in
   * the same statement. `finished` then says so, and the event is not finished again.
   */
  last?: boolean;
}

/**
 * Runs an event's named steps at most once to success. A step that succeeded in an earlier
 * attempt is not run again: its stored output is returned, validated by the step's schema.
 * Every outcome is stored the moment it is known, with its timing, tries and AI usage.
 */
export class StepRunner {
  private readonly sql: Sql;
  /** The event was finished by the statement that stored its last step. */
  finished = false;

  constructor(
    db: PrismaClient,
    private readonly eventId: string,
    private readonly previous: Map<string, KnownStep>,
    private readonly metrics: WorkerMetrics,
    private readonly logger: Logger,
  ) {
    this.sql = sqlFor(db);
  }

  async run<S extends z.ZodType>(
    name: string,
    schema: S,
    work: () => Promise<StepOutcome<z.infer<S>>>,
    options: StepOptions = {},
  ): Promise<z.infer<S>> {
    const before = this.previous.get(name);
    if (before?.status === "succeeded") return schema.parse(before.output);

    const started = performance.now();
    try {
      const outcome = await work();
      const durationMs = Math.round(performance.now() - started);
      await this.save(name, options.last ?? false, {
        status: "succeeded",
        output: outcome.output,
        error: null,
        rawResponse: null,
        attempts: (before?.attempts ?? 0) + (outcome.tries ?? 1),
        durationMs,
        ...(outcome.ai ?? {}),
      });
      this.metrics.stepDuration.observe({ step: name, status: "succeeded" }, durationMs / 1000);
      return outcome.output;
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      this.metrics.stepDuration.observe({ step: name, status: "failed" }, durationMs / 1000);
      const tries = typeof (error as { tries?: unknown }).tries === "number" ? (error as { tries: number }).tries : 1;
      await this.save(name, false, {
        status: "failed",
        error: (error as Error).message.slice(0, 4000),
        rawResponse: error instanceof AiAnswerError ? error.rawResponse.slice(0, 100_000) : null,
        ...(error instanceof AiAnswerError ? error.usage : {}),
        attempts: (before?.attempts ?? 0) + tries,
        durationMs,
      }).catch((saveError: unknown) => this.logger.error({ err: saveError, step: name }, "could not record the step's failure"));
      throw error;
    }
  }

  private async save(name: string, last: boolean, data: StepRow) {
    // One statement, on the shared pool: Prisma's client costs several times the driver's CPU.
    const rows = await this.sql.query<KnownStep & { finished: boolean }>(SAVE_STEP, [
      this.eventId,
      name,
      data.status,
      data.output === undefined ? null : JSON.stringify(data.output),
      data.error,
      data.rawResponse,
      data.attempts,
      data.durationMs,
      data.provider ?? null,
      data.model ?? null,
      data.promptTokens ?? null,
      data.completionTokens ?? null,
      data.costUsd ?? null,
      data.cached ?? null,
      "completed",
      // The finish time comes from this process's clock, like the acknowledgement time the ingress reports.
      last ? new Date().toISOString() : null,
    ]);
    const row = rows[0];
    if (!row) return;
    const { finished, ...stored } = row;
    this.previous.set(name, stored);
    if (finished) this.finished = true;
  }
}

/** The columns a step's outcome sets. */
interface StepRow {
  status: "succeeded" | "failed";
  output?: unknown;
  error: string | null;
  rawResponse: string | null;
  attempts: number;
  durationMs: number;
  provider?: string;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  cached?: boolean;
}
