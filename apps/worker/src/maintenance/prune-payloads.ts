import { setTimeout as sleep } from "node:timers/promises";
import type { Logger, PrismaClient } from "@aiops/shared";

export interface PruneOptions {
  /** Payloads of events received longer ago than this are removed. */
  retentionDays: number;
  /** Rows per statement; each statement is its own short transaction. */
  batchSize: number;
  /** Pause between batches, so pruning never monopolises the database. @defaultValue 50 */
  pauseMs?: number;
  now?: Date;
  logger?: Logger;
}

/**
 * Removes old event payloads in small batches. Only finished events (completed, ignored,
 * failed) lose theirs: a queued or running one still needs it. The row stays, with
 * `payloadPrunedAt` set, so de-duplication and the event history hold; the step results
 * and the CRM tables are not touched. `SKIP LOCKED` lets a batch pass over rows a worker is
 * updating instead of waiting for them.
 */
export async function prunePayloads(
  db: PrismaClient,
  options: PruneOptions,
): Promise<{ pruned: number; batches: number }> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 86_400_000);
  let pruned = 0;
  let batches = 0;
  for (;;) {
    const count = await db.$executeRaw`
      UPDATE webhook_events SET payload = NULL, payload_pruned_at = ${now}, updated_at = ${now}
      WHERE id IN (
        SELECT id FROM webhook_events
        WHERE received_at < ${cutoff}
          AND payload_pruned_at IS NULL
          AND status IN ('completed', 'ignored', 'failed')
        ORDER BY received_at
        LIMIT ${options.batchSize}
        FOR UPDATE SKIP LOCKED
      )`;
    if (count === 0) break;
    pruned += count;
    batches += 1;
    if (count < options.batchSize) break;
    await sleep(options.pauseMs ?? 50);
  }
  options.logger?.info({ pruned, batches, cutoff: cutoff.toISOString() }, "event payloads pruned");
  return { pruned, batches };
}
