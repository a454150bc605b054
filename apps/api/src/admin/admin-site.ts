import { fileURLToPath } from "node:url";
import type { Config, DraftJob, EventJob, Logger, PrismaClient } from "@aiops/shared";
import type { Queue } from "bullmq";
import express, { type RequestHandler, type Router } from "express";
import { adminApiRoutes } from "./api-routes.js";
import { BULL_BOARD_PATH, bullBoardRouter } from "./bull-board.js";
import type { DraftDesk } from "./draft-desk.js";
import { ErasureService } from "./erasure.js";
import { EventReader } from "./event-reader.js";
import { InboxReader } from "./inbox-reader.js";
import { LabelDesk } from "./label-desk.js";
import { Replayer } from "./replayer.js";
import { routerFor } from "./route-table.js";
import { adminSecurityHeaders } from "./security-headers.js";

/** The admin pages (events, inbox): static files, the same from src/ and from dist/. */
const PAGE_DIR = fileURLToPath(new URL("../../public/", import.meta.url));

// The page renders provider payloads: nothing but its own script may run.
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface AdminDeps {
  config: Config;
  db: PrismaClient;
  queue: Queue<EventJob>;
  /** Drafts under review; approved ones go to `draftsQueue`. */
  drafts: DraftDesk;
  draftsQueue: Queue<DraftJob>;
  /** Shown in Bull Board beside the events queue. */
  otherQueues: readonly Queue[];
  logger: Logger;
  /** The admin token check (with its failure limit), shared with /metrics on the public port. */
  auth: RequestHandler;
}

/** The whole /admin site: the JSON API, the events and inbox pages and Bull Board, all behind the token. */
export function adminSite(deps: AdminDeps): Router {
  const router = express.Router();
  const reader = new EventReader(deps);
  const replayer = new Replayer({ ...deps, logger: deps.logger.child({ component: "replay" }) });

  // First, so that refusals (401, 403, 429) carry the headers too.
  router.use("/admin", adminSecurityHeaders, deps.auth);
  router.use(
    "/admin",
    express.json({ limit: "16kb" }),
    routerFor(
      adminApiRoutes({
        reader,
        replayer,
        drafts: deps.drafts,
        labels: new LabelDesk(deps),
        erasure: new ErasureService({ ...deps, logger: deps.logger.child({ component: "erasure" }) }),
        inbox: new InboxReader(deps),
      }),
    ),
  );
  router.use(
    BULL_BOARD_PATH,
    bullBoardRouter([deps.queue, deps.draftsQueue, ...deps.otherQueues], { writable: deps.config.BULL_BOARD_WRITE }),
  );

  const page = express.static(PAGE_DIR, { index: false, maxAge: 0 });
  router.get(["/admin", "/admin/"], (_req, res) => {
    res.setHeader("Content-Security-Policy", PAGE_POLICY);
    res.sendFile("index.html", { root: PAGE_DIR });
  });
  router.get(["/admin/inbox", "/admin/inbox/"], (_req, res) => {
    res.setHeader("Content-Security-Policy", PAGE_POLICY);
    res.sendFile("inbox.html", { root: PAGE_DIR });
  });
  router.use(
    "/admin/assets",
    (_req, res, next) => {
      res.setHeader("Content-Security-Policy", PAGE_POLICY);
      next();
    },
    page,
  );
  return router;
}
