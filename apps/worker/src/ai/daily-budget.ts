import { Prisma, type RedisClient, type Sql } from "@aiops/shared";
import type { Logger } from "pino";

/** What a step records, and Slack is told, once the day's spend reaches the budget. */
export const BUDGET_REACHED = "daily AI budget reached";

export interface DailyBudgetOptions {
  /** `AI_DAILY_BUDGET_USD`: the fleet's spend per UTC day. */
  limitUsd: number;
  sql: Sql;
  /** Claims the day's one notification for the whole fleet (SET NX). */
  redis: RedisClient;
  /** The Redis key of that claim for a UTC day (`YYYY-MM-DD`); it must carry the queue prefix's hash tag. */
  notifiedKey(day: string): string;
  /** Says so once a day; a failure gives the claim back so a later step tries again. */
  notify(text: string): Promise<void>;
  /**
   * How old the stored sum may get before it is read again.
   * @defaultValue 5000
   */
  refreshMs?: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Today's AI spend (UTC) against `AI_DAILY_BUDGET_USD`, fleet-wide: the stored cost of AI
 * steps, summed in Postgres every few seconds, plus what this process spent since.
 */
export class DailyBudget {
  private day = "";
  private storedUsd = 0;
  private unsavedUsd = 0;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  private claimedDay = "";

  constructor(private readonly options: DailyBudgetOptions) {}

  /** Spent today as far as this process knows. */
  get spentUsd(): number {
    return this.storedUsd + this.unsavedUsd;
  }

  /** An answer's cost, until the stored sum includes it. */
  record(costUsd: number): void {
    this.unsavedUsd += costUsd;
  }

  /** Whether today's spend has reached the budget; the first time it has, the fleet is told once. */
  async reached(): Promise<boolean> {
    const now = (this.options.now ?? (() => new Date()))();
    const day = now.toISOString().slice(0, 10);
    if (day !== this.day || now.getTime() - this.refreshedAt >= (this.options.refreshMs ?? 5000))
      await this.refresh(day, now.getTime());
    const reached = this.spentUsd >= this.options.limitUsd;
    if (reached && this.claimedDay !== day) {
      this.claimedDay = day;
      void this.tell(day);
    }
    return reached;
  }

  private refresh(day: string, at: number): Promise<void> {
    this.refreshing ??= (async () => {
      const unsavedBefore = this.unsavedUsd;
      try {
        const since = `${day}T00:00:00`;
        const rows = await this.options.sql.query<{ spent: number }>(
          Prisma.sql`SELECT COALESCE(SUM(cost_usd), 0)::float8 AS spent FROM step_results WHERE cost_usd > 0 AND updated_at >= ${since}::timestamp`,
        );
        // What was stored is in the sum now; what was spent meanwhile is not yet.
        if (day !== this.day) this.unsavedUsd = 0;
        else this.unsavedUsd = Math.max(0, this.unsavedUsd - unsavedBefore);
        this.storedUsd = rows[0]?.spent ?? 0;
        this.day = day;
        this.refreshedAt = at;
      } catch (error) {
        // Spending goes on being counted in process; the next step asks the database again.
        this.options.logger.warn({ err: error }, "could not read today's AI spend");
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async tell(day: string): Promise<void> {
    const { redis, notifiedKey, logger } = this.options;
    const key = notifiedKey(day);
    try {
      // Two days: the key outlives its day in every time zone, then goes.
      if ((await redis.set(key, new Date().toISOString(), "EX", 172_800, "NX")) !== "OK") return;
      const text = `:money_with_wings: *AI budget reached*: $${this.spentUsd.toFixed(2)} spent today (UTC) of AI_DAILY_BUDGET_USD $${this.options.limitUsd.toFixed(2)}. AI steps use the offline rules until midnight UTC.`;
      logger.warn({ day, spentUsd: this.spentUsd, limitUsd: this.options.limitUsd }, BUDGET_REACHED);
      try {
        await this.options.notify(text);
      } catch (error) {
        logger.warn({ err: error }, "could not send the AI budget notification; a later step tries again");
        await redis.del(key);
        this.claimedDay = "";
      }
    } catch (error) {
      logger.warn({ err: error }, "could not claim the AI budget notification");
      this.claimedDay = "";
    }
  }
}
