import express, { type Express, type Router } from "express";
import type { Logger } from "@aiops/shared";
import { errorHandler, notFound } from "./http/error-handler.js";

/** The Express app: routers are built by the caller, so tests can assemble any subset. */
export function createApp(routers: Router[], logger: Logger): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  for (const router of routers) app.use(router);
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
