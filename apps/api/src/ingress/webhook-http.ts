import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, type ConfiguredSource, type Logger } from "@aiops/shared";
import { errorResult, type HttpResult } from "../http/result.js";
import type { IngressMetrics } from "../metrics.js";
import type { Ingress } from "./ingress.js";

export interface WebhookHttpOptions {
  ingress: Ingress;
  sources: ReadonlyMap<string, ConfiguredSource>;
  metrics: IngressMetrics;
  maxBodyBytes: number;
  logger: Logger;
}

/** `application/json` or a `+json` type, in UTF-8 if a charset is named. */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type = "", ...params] = value
    .toLowerCase()
    .split(";")
    .map((part) => part.trim());
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  const charset = params
    .find((param) => param.startsWith("charset="))
    ?.slice("charset=".length)
    .replaceAll('"', "");
  return charset === undefined || charset === "utf-8" || charset === "utf8";
}

const PREFIX = "/webhook/";

/** A percent-decoded path segment; a malformed one (`%ZZ`) stays as sent, and names no source. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The source name of `POST /webhook/:source[?query]`, or undefined for any other request. */
export function webhookSourceName(req: IncomingMessage): string | undefined {
  const url = req.url ?? "";
  if (req.method !== "POST" || !url.startsWith(PREFIX)) return undefined;
  const end = url.indexOf("?");
  const name = url.slice(PREFIX.length, end === -1 ? undefined : end);
  return name.length > 0 && !name.includes("/") ? decodeSegment(name) : undefined;
}

/** Reads the body up to the limit; rejects with payload_too_large past it. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit)
    return Promise.reject(new AppError("payload_too_large", `the body is larger than the limit of ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        reject(new AppError("payload_too_large", `the body is larger than the limit of ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on("error", () => reject(new AppError("invalid_request", "the request body could not be read")));
  });
}

function write(res: ServerResponse, result: HttpResult, close = false): void {
  const body = JSON.stringify(result.body);
  res.writeHead(result.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...(close ? { connection: "close" } : {}),
  });
  res.end(body);
}

/**
 * The webhook route on node:http directly. It carries every delivery, so it skips the
 * framework's per-request work (measured at several times this route's own cost, see
 * docs/performance.md); everything else the API serves goes through Express.
 */
export function webhookHttpHandler(options: WebhookHttpOptions) {
  const { sources, metrics, ingress, logger } = options;

  async function receive(name: string, req: IncomingMessage): Promise<HttpResult> {
    const source = sources.get(name);
    if (!source) throw new AppError("unknown_source", `no source named "${name}"`);
    const { definition, secrets } = source;
    if (secrets.length === 0)
      throw new AppError("source_not_configured", `set ${definition.secretVariable} to accept events from this source`);
    if (!isJsonContentType(req.headers["content-type"]))
      throw new AppError("unsupported_media_type", "send the event as application/json (UTF-8)");
    const encoding = req.headers["content-encoding"];
    // Signatures cover the bytes as sent; a compressed body would first have to be inflated.
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity")
      throw new AppError("unsupported_media_type", `content encoding ${encoding} is not accepted`);
    const rawBody = await readBody(req, options.maxBodyBytes);
    return ingress.handle({ source, headers: req.headers, rawBody });
  }

  /** Answers the request if it is a webhook delivery; returns false to let the app have it. */
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const name = webhookSourceName(req);
    if (name === undefined) return false;
    receive(name, req).then(
      (result) => write(res, result),
      (error: unknown) => {
        const known = error instanceof AppError ? error : undefined;
        metrics.refused(sources.has(name) ? name : "unknown", known?.code ?? "internal_error");
        if (!known) logger.error({ err: error, source: name }, "unhandled error in the webhook route");
        else if (known.status !== 503)
          logger.info({ source: name, error: known.code, reason: known.message }, "delivery refused");
        // A body left unread (refused before or while reading) cannot share the connection.
        write(res, errorResult(known ?? new AppError("internal_error", "internal error")), !req.complete);
        if (!req.complete) req.resume();
      },
    );
    return true;
  };
}
