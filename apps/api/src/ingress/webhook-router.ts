import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import { AppError, type ConfiguredSource } from "@aiops/shared";
import { safeEqual } from "@aiops/shared";
import type { IngressMetrics } from "../metrics.js";
import { send } from "../http/result.js";
import type { Ingress } from "./ingress.js";

export interface WebhookRouterOptions {
  ingress: Ingress;
  sources: ReadonlyMap<string, ConfiguredSource>;
  metrics: IngressMetrics;
  maxBodyBytes: number;
  metaVerifyToken: string | undefined;
}

/** `application/json` or a `+json` type, in UTF-8 if a charset is named. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type = "", ...params] = value.toLowerCase().split(";").map((part) => part.trim());
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  const charset = params.find((param) => param.startsWith("charset="))?.slice("charset=".length).replaceAll('"', "");
  return charset === undefined || charset === "utf-8" || charset === "utf8";
}

type SourceLocals = { source: ConfiguredSource };

export function webhookRouter(options: WebhookRouterOptions): Router {
  const router = express.Router();
  const { sources, metrics } = options;

  const resolveSource: RequestHandler<{ source: string }> = (req, res, next) => {
    const source = sources.get(req.params.source);
    if (!source) throw new AppError("unknown_source", `no source named "${req.params.source}"`);
    (res.locals as SourceLocals).source = source;
    next();
  };

  const requireConfigured: RequestHandler = (_req, res, next) => {
    const { definition, secrets } = (res.locals as SourceLocals).source;
    if (secrets.length === 0)
      throw new AppError("source_not_configured", `set ${definition.secretVariable} to accept events from this source`);
    next();
  };

  const requireJson: RequestHandler = (req, _res, next) => {
    if (!isJsonContentType(req.headers["content-type"]))
      throw new AppError("unsupported_media_type", "send the event as application/json (UTF-8)");
    next();
  };

  const rawBody = express.raw({ type: () => true, limit: options.maxBodyBytes });

  const receive: RequestHandler = async (req, res) => {
    const body: unknown = req.body;
    const result = await options.ingress.handle({
      source: (res.locals as SourceLocals).source,
      headers: req.headers,
      rawBody: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
    });
    send(res, result);
  };

  // Counts every refusal by source and reason, then lets the app's error handler answer.
  const countRefusals: ErrorRequestHandler = (error, req, res, next) => {
    const source = (res.locals as Partial<SourceLocals>).source?.definition.name ?? "unknown";
    const reason =
      error instanceof AppError ? error.code : (error as { type?: string }).type === "entity.too.large" ? "payload_too_large" : "other";
    metrics.refused(source, reason);
    next(error);
  };

  router.post("/webhook/:source", resolveSource, requireConfigured, requireJson, rawBody, receive, countRefusals);

  // Meta's subscription handshake: echo hub.challenge when the verify token matches.
  router.get("/webhook/meta", (req, res) => {
    const { "hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge } = req.query;
    const expected = options.metaVerifyToken;
    const matches =
      typeof token === "string" && expected !== undefined && safeEqual(Buffer.from(expected), Buffer.from(token));
    if (mode !== "subscribe" || typeof challenge !== "string" || !matches)
      throw new AppError("forbidden", "hub.mode must be subscribe and hub.verify_token must equal META_VERIFY_TOKEN");
    res.type("text/plain").send(challenge);
  });

  return router;
}
