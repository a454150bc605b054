-- AlterTable
ALTER TABLE "step_results" ADD COLUMN     "note" TEXT;

-- Today's AI spend (AI_DAILY_BUDGET_USD) is summed over the steps that cost money, and only
-- those rows are indexed, so the other writes to this busy table pay nothing for it.
CREATE INDEX "step_results_spend_idx" ON "step_results" ("updated_at") INCLUDE ("cost_usd") WHERE "cost_usd" > 0;
