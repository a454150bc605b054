import { type ErrorCode, errorStatus } from "@aiops/shared";

/** What `POST /webhook/:source` may answer (CONTRACT "Ingress"), by status and error code. */
export const INGRESS_ERRORS: Record<number, readonly ErrorCode[]> = {
  400: ["invalid_json", "invalid_payload", "invalid_request"],
  401: ["missing_signature", "invalid_signature", "stale_timestamp", "source_not_configured"],
  404: ["unknown_source"],
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
  503: ["queue_unavailable"],
};

/** Errors of the rest of the API (Express): a path that is no route, Meta's GET handshake. */
export const APP_ERRORS: Record<number, readonly ErrorCode[]> = {
  403: ["forbidden"],
  404: ["not_found"],
};

/**
 * Node.js's own HTTP parser answers before any application code runs, with no body:
 * 400 for a request it cannot parse, 408 when headersTimeout/requestTimeout cut a slow
 * client off, 417 for an `Expect` it does not know, 431 past maxHeaderSize (16 KiB).
 */
export const NODE_PARSER_STATUSES = [400, 408, 417, 431] as const;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The answer's JSON error, or undefined when it has no JSON body. */
export function jsonError(answer: Answer): { error: string; message: string } | undefined {
  const type = answer.headers["content-type"];
  if (typeof type !== "string" || !type.startsWith("application/json")) return undefined;
  return JSON.parse(answer.body.toString("utf8"));
}

/**
 * Why an answer breaks the contract, or undefined when it keeps it. `application` names
 * which errors the route may give; Node's parser answers are accepted anywhere, bodiless.
 */
export function contractViolation(
  answer: Answer,
  application: Record<number, readonly ErrorCode[]>,
): string | undefined {
  const { status } = answer;
  const error = jsonError(answer);
  if (!error) {
    if ((NODE_PARSER_STATUSES as readonly number[]).includes(status) && answer.body.length === 0) return undefined;
    return `${status} without a JSON body: ${answer.body.toString("latin1", 0, 200)}`;
  }
  if (status < 400) return undefined;
  if (typeof error.error !== "string" || typeof error.message !== "string")
    return `${status} error body lacks error/message: ${JSON.stringify(error)}`;
  if (errorStatus[error.error as ErrorCode] !== status)
    return `${status} with the code ${error.error} of another status`;
  if (!application[status]?.includes(error.error as ErrorCode))
    return `${status} ${error.error} is not an answer of this route`;
  return undefined;
}
