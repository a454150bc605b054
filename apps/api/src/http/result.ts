import type { AppError } from "@aiops/shared";
import type { Response } from "express";

/** What a handler answers, independent of the web framework. */
export interface HttpResult {
  status: number;
  body: unknown;
}

export function errorResult(error: AppError): HttpResult {
  const body: Record<string, unknown> = { error: error.code, message: error.message };
  if (error.details !== undefined) body.details = error.details;
  return { status: error.status, body };
}

export function send(res: Response, result: HttpResult): void {
  res.status(result.status).json(result.body);
}
