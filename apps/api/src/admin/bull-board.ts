import { AppError } from "@aiops/shared";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import express, { type Express, type Router } from "express";

export const BULL_BOARD_PATH = "/admin/queues";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Bull Board over the platform's queues; the caller mounts it behind the admin guard.
 * Read-only unless `writable`: a job added by hand skips signature verification, and an
 * emptied or obliterated queue loses events acknowledged but not yet recorded. Bull Board's
 * own `readOnlyMode` hides the buttons and refuses its queue actions; the guard in front
 * refuses every other method too, whatever a later Bull Board adds.
 */
export function bullBoardRouter(queues: readonly Queue[], options: { writable: boolean }): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: !options.writable })),
    serverAdapter,
    options: { uiConfig: { boardTitle: options.writable ? "aiops queues" : "aiops queues (read-only)" } },
  });
  // The adapter is an Express app of its own, which would announce itself in X-Powered-By.
  const board = serverAdapter.getRouter() as Express;
  board.disable("x-powered-by");

  const router = express.Router();
  if (!options.writable)
    router.use((req, _res, next) => {
      if (READS.has(req.method)) return next();
      throw new AppError(
        "forbidden",
        "Bull Board is read-only: set BULL_BOARD_WRITE=true to change jobs and queues from it",
      );
    });
  router.use(board);
  return router;
}
