import type { SourceDefinition } from "./types.js";

export interface SignedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * A request exactly as the source's provider would send it: the body serialised once, the
 * provider's own headers, and its signature over those bytes.
 */
export function signedRequest(
  source: SourceDefinition,
  secret: string,
  event: { body: unknown; headers?: Record<string, string> },
  now = Date.now(),
): SignedRequest {
  const body = Buffer.from(JSON.stringify(event.body));
  const extra = event.headers ?? {};
  const deliveryId = extra["webhook-id"];
  const signature = source.scheme.sign(body, secret, deliveryId ? { now, deliveryId } : { now });
  return { body, headers: { "content-type": "application/json", ...extra, ...signature } };
}
