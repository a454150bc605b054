import { createHash } from "node:crypto";

/**
 * The platform's id for a provider event: the same (source, provider event id) always
 * gives the same id, so the ingress names the event before any database has seen it and
 * every retry of the provider lands on the same BullMQ job and the same database row.
 */
export function eventRecordId(source: string, providerEventId: string): string {
  const digest = createHash("sha256").update(source).update("\n").update(providerEventId).digest("hex");
  return `evt_${digest.slice(0, 32)}`;
}

/** SHA-256 of the body, for providers that send no stable event id. */
export function bodyDigest(rawBody: Buffer): string {
  return createHash("sha256").update(rawBody).digest("hex");
}
