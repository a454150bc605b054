import { Prisma, type PrismaClient, type StepResult } from "@aiops/shared";
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

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * Runs an event's named steps at most once to success. A step that succeeded in an earlier
 * attempt is not run again: its stored output is returned, validated by the step's schema.
 * Every outcome is stored the moment it is known, with its timing, tries and AI usage.
 */
export class StepRunner {
  constructor(
    private readonly db: PrismaClient,
    private readonly eventId: string,
    private readonly previous: Map<string, KnownStep>,
    private readonly metrics: WorkerMetrics,
    private readonly logger: Logger,
  ) {}

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
      // One raw statement on the hot path: Prisma's query builder costs several times its CPU.
      const inserted = await this.db.$executeRaw`
        INSERT INTO step_results (id, event_id, name, status, output, error, raw_response, attempts, duration_ms,
                                  provider, model, prompt_tokens, completion_tokens, cost_usd, cached, updated_at)
        VALUES (gen_random_uuid(), ${this.eventId}, ${name}, ${data.status}::"StepStatus",
                ${data.output === undefined ? null : JSON.stringify(data.output)}::jsonb, ${data.error ?? null}, ${data.rawResponse ?? null},
                ${data.attempts}, ${data.durationMs}, ${data.provider ?? null}, ${data.model ?? null}, ${data.promptTokens ?? null},
                ${data.completionTokens ?? null}, ${data.costUsd ?? null}::numeric, ${data.cached ?? false}, (now() AT TIME ZONE 'UTC'))
        ON CONFLICT (event_id, name) DO NOTHING`;
      if (inserted === 1) {
        this.previous.set(name, { status: data.status, attempts: data.attempts, output: (data.output ?? null) as StepResult["output"] });
        return;
      }
      // Another worker ran the same step concurrently (a stalled job taken over): keep one row.
    }
    // A success stored by anyone is final: a later outcome never overwrites it.
    await this.db.stepResult.updateMany({
      where: { eventId: this.eventId, name, status: { not: "succeeded" } },
      data: { ...data, output: data.output as Prisma.InputJsonValue | undefined },
    });
    const saved = await this.db.stepResult.findUnique({ where: { eventId_name: { eventId: this.eventId, name } } });
    if (saved) this.previous.set(name, saved);
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
