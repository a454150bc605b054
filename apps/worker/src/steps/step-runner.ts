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

const INSERT_STEP = `INSERT INTO step_results (id, event_id, name, status, output, error, raw_response, attempts, duration_ms,
                            provider, model, prompt_tokens, completion_tokens, cost_usd, cached, updated_at)
  VALUES (gen_random_uuid(), $1, $2, $3::"StepStatus", $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13::numeric, $14,
          (now() AT TIME ZONE 'UTC'))
  ON CONFLICT (event_id, name) DO NOTHING`;

/** The columns an outcome may set on an existing row, with their casts; a field left undefined is not touched. */
const UPDATABLE: Record<keyof StepRow, string> = {
  status: `status = $?::"StepStatus"`,
  output: "output = $?::jsonb",
  error: "error = $?",
  rawResponse: "raw_response = $?",
  attempts: "attempts = $?",
  durationMs: "duration_ms = $?",
  provider: "provider = $?",
  model: "model = $?",
  promptTokens: "prompt_tokens = $?",
  completionTokens: "completion_tokens = $?",
  costUsd: "cost_usd = $?::numeric",
  cached: "cached = $?",
};

/**
 * Runs an event's named steps at most once to success. A step that succeeded in an earlier
 * attempt is not run again: its stored output is returned, validated by the step's schema.
 * Every outcome is stored the moment it is known, with its timing, tries and AI usage.
 */
export class StepRunner {
  private readonly sql: Sql;

  constructor(
    db: PrismaClient,
    private readonly eventId: string,
    private readonly previous: Map<string, KnownStep>,
    private readonly metrics: WorkerMetrics,
    private readonly logger: Logger,
  ) {
    this.sql = sqlFor(db);
  }

  async run<S extends z.ZodType>(name: string, schema: S, work: () => Promise<StepOutcome<z.infer<S>>>): Promise<z.infer<S>> {
    const before = this.previous.get(name);
    if (before?.status === "succeeded") return schema.parse(before.output);

    const started = performance.now();
    try {
      const outcome = await work();
      const durationMs = Math.round(performance.now() - started);
      await this.save(name, before, {
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
      await this.save(name, before, {
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

  private async save(name: string, before: KnownStep | undefined, data: StepRow) {
    if (!before) {
      const inserted = await this.sql.execute(INSERT_STEP, [
        this.eventId,
        name,
        data.status,
        data.output === undefined ? null : JSON.stringify(data.output),
        data.error ?? null,
        data.rawResponse ?? null,
        data.attempts,
        data.durationMs,
        data.provider ?? null,
        data.model ?? null,
        data.promptTokens ?? null,
        data.completionTokens ?? null,
        data.costUsd ?? null,
        data.cached ?? false,
      ]);
      if (inserted === 1) {
        this.previous.set(name, { status: data.status, attempts: data.attempts, output: (data.output ?? null) as StepResult["output"] });
        return;
      }
      // Another worker ran the same step concurrently (a stalled job taken over): keep one row.
    }
    // A success stored by anyone is final: a later outcome never overwrites it. One statement
    // updates the row unless it succeeded, and returns the row as it stands either way.
    const values: unknown[] = [this.eventId, name];
    const sets: string[] = [];
    for (const [field, value] of Object.entries(data) as Array<[keyof StepRow, unknown]>) {
      if (value === undefined) continue;
      values.push(field === "output" ? JSON.stringify(value) : value);
      sets.push(UPDATABLE[field].replace("$?", () => `$${values.length}`));
    }
    const rows = await this.sql.query<KnownStep>(
      `WITH updated AS (
         UPDATE step_results SET ${sets.join(", ")}, updated_at = (now() AT TIME ZONE 'UTC')
         WHERE event_id = $1 AND name = $2 AND status <> 'succeeded'
         RETURNING status, attempts, output)
       SELECT status, attempts, output FROM updated
       UNION ALL
       SELECT status, attempts, output FROM step_results WHERE event_id = $1 AND name = $2 AND NOT EXISTS (SELECT 1 FROM updated)`,
      values,
    );
    if (rows[0]) this.previous.set(name, rows[0]);
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
