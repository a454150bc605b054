import express, { type Router } from "express";
import type { HttpResult } from "../http/result.js";
import { send } from "../http/result.js";

export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  /** Who is asking: the basic-auth user name, or "token" (see `adminAuth`). */
  actor: string;
}

/** One route of a declarative table: the handler knows nothing of Express. */
export interface Route {
  method: "get" | "post";
  path: string;
  handle(input: RouteInput): Promise<HttpResult>;
}

/** The thin Express adapter of a route table; errors go to the app's one error handler. */
export function routerFor(routes: readonly Route[]): Router {
  const router = express.Router();
  for (const route of routes)
    router[route.method](route.path, async (req, res) => {
      const result = await route.handle({
        params: req.params as Record<string, string>,
        query: req.query as Record<string, unknown>,
        body: req.body as unknown,
        actor: typeof res.locals.adminActor === "string" ? res.locals.adminActor : "token",
      });
      send(res, result);
    });
  return router;
}
