import type { Queue } from "bullmq";
import type { Router } from "express";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";

export const BULL_BOARD_PATH = "/admin/queues";

/** Bull Board over the platform's queues; the caller mounts it behind the admin guard. */
export function bullBoardRouter(queues: readonly Queue[]): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: "aiops queues" } },
  });
  return serverAdapter.getRouter() as Router;
}
