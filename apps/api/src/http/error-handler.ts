import { AppError, type Logger } from "@aiops/shared";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { errorResult, send } from "./result.js";

/** body-parser's errors, by their `type`, as the contract's codes. */
function fromBodyParser(error: { type?: string; limit?: number }): AppError | undefined {
  switch (error.type) {
    case "entity.too.large":
      return new AppError("payload_too_large", `the body is larger than the limit of ${error.limit} bytes`);
    case "entity.parse.failed":
      return new AppError("invalid_json", "the body is not valid JSON");
    case "encoding.unsupported":
      return new AppError("unsupported_media_type", "the content encoding is not supported");
    case "request.aborted":
    case "request.size.invalid":
      return new AppError("invalid_request", "the body ended before its declared length");
    default:
      return undefined;
  }
}

/** One place maps every error to an answer; anything unexpected is logged and hidden. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const known = error instanceof AppError ? error : fromBodyParser(error as { type?: string; limit?: number });
    if (known) return send(res, errorResult(known));
    logger.error({ err: error, method: req.method, path: req.path }, "unhandled error");
    send(res, errorResult(new AppError("internal_error", "internal error")));
  };
}

export const notFound: RequestHandler = (req, res) =>
  send(res, errorResult(new AppError("not_found", `no route for ${req.method} ${req.path}`)));
