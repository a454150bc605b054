/**
 * What a usable signing secret looks like. A malformed or short secret is a weak HMAC key:
 * `Buffer.from("whsec_!!!!", "base64")` silently yields an EMPTY key, and a signature
 * made with an empty key then verifies. Such values stop the process at start instead.
 */

/** The Standard Webhooks spec asks for keys of 24 to 64 bytes. */
export const STANDARD_WEBHOOKS_MIN_KEY_BYTES = 24;

/** The floor for an HMAC secret whose provider documents no format (GitHub's is chosen by the user). */
export const DEFAULT_SECRET_MIN_LENGTH = 16;

/** The shortest secret accepted per variable; each provider's issued secrets are longer. */
export const SECRET_MIN_LENGTH = {
  /** Stripe issues `whsec_` + 32 characters (the Stripe CLI `whsec_` + 64 hex). */
  STRIPE_WEBHOOK_SECRET: 32,
  ZENDESK_WEBHOOK_SECRET: DEFAULT_SECRET_MIN_LENGTH,
  /** Slack signing secrets are 32 hex characters. */
  SLACK_SIGNING_SECRET: 32,
  GITHUB_WEBHOOK_SECRET: DEFAULT_SECRET_MIN_LENGTH,
  /** Shopify app secrets are 32 hex characters (newer ones `shpss_` + 32 hex). */
  SHOPIFY_WEBHOOK_SECRET: 32,
  /** Meta app secrets are 32 hex characters. */
  META_APP_SECRET: 32,
  ADMIN_TOKEN: 24,
} as const;

const WHSEC = "whsec_";

/** The base64 part of a Standard Webhooks secret (the `whsec_` prefix is optional inbound). */
function standardWebhooksEncoded(secret: string): string {
  return secret.startsWith(WHSEC) ? secret.slice(WHSEC.length) : secret;
}

/** Why a Standard Webhooks secret cannot be used, or undefined when it can. Never quotes the secret. */
export function standardWebhooksSecretProblem(secret: string): string | undefined {
  const encoded = standardWebhooksEncoded(secret);
  // Canonical: exactly what re-encoding the decoded bytes gives, so nothing was skipped or
  // padded differently. Node's decoder ignores characters outside the alphabet.
  const key = Buffer.from(encoded, "base64");
  if (encoded.length === 0 || key.toString("base64") !== encoded)
    return "must be canonical base64 after the optional whsec_ prefix";
  if (key.length < STANDARD_WEBHOOKS_MIN_KEY_BYTES)
    return `must decode to at least ${STANDARD_WEBHOOKS_MIN_KEY_BYTES} bytes (it decodes to ${key.length})`;
  return undefined;
}

/** The HMAC key of a Standard Webhooks secret; throws on a secret that `standardWebhooksSecretProblem` refuses. */
export function standardWebhooksKey(secret: string): Buffer {
  const problem = standardWebhooksSecretProblem(secret);
  if (problem) throw new Error(`Unusable Standard Webhooks secret: it ${problem}`);
  return Buffer.from(standardWebhooksEncoded(secret), "base64");
}

export function minLengthProblem(secret: string, min: number): string | undefined {
  return secret.length < min ? `must be at least ${min} characters (it has ${secret.length})` : undefined;
}

/** The first problem in a comma-separated list of secrets, naming which one. */
export function secretListProblem(
  secrets: readonly string[],
  problemOf: (secret: string) => string | undefined,
): string | undefined {
  for (const [index, secret] of secrets.entries()) {
    const problem = problemOf(secret);
    if (problem) return secrets.length === 1 ? problem : `secret ${index + 1} of ${secrets.length} ${problem}`;
  }
  return undefined;
}
