import type { Logger } from "@aiops/shared";
import express, { type Express, type Router } from "express";
import { errorHandler, notFound } from "./http/error-handler.js";

export interface AppOptions {
  /** Express's `trust proxy`: which proxies may name the client in X-Forwarded-For (TRUST_PROXY); none by default. */
  trustProxy?: number | string[];
}

/** The Express app: routers are built by the caller, so tests can assemble any subset. */
export function createApp(routers: Router[], logger: Logger, options: AppOptions = {}): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.set("trust proxy", options.trustProxy ?? false);
  for (const router of routers) app.use(router);
  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
