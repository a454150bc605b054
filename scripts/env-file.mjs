// The secrets a fresh installation starts with, shared by `npm start` (on the host) and the
// Compose `setup` service (in the image), so both write the same kind of .env. Plain Node.js,
// no dependency: the image's runtime stage runs it without the workspace's packages.
import { randomBytes } from "node:crypto";

const urlSafe = (bytes) => randomBytes(bytes).toString("base64url");
// Standard Webhooks secrets are `whsec_` and the canonical base64 of the key bytes.
const standardWebhooks = (bytes) => `whsec_${randomBytes(bytes).toString("base64")}`;
const hex = (bytes) => randomBytes(bytes).toString("hex");

/**
 * One value per variable. 32 random bytes everywhere: every HMAC secret and ADMIN_TOKEN is
 * at least 43 characters, every `whsec_` secret carries 32 bytes (the floors are 32 and 24).
 */
export function freshSecrets() {
  return {
    ADMIN_TOKEN: urlSafe(32),
    STRIPE_WEBHOOK_SECRET: standardWebhooks(32),
    LEAD_WEBHOOK_SECRET: standardWebhooks(32),
    ZENDESK_WEBHOOK_SECRET: urlSafe(32),
    SLACK_SIGNING_SECRET: hex(32),
    GITHUB_WEBHOOK_SECRET: urlSafe(32),
    SHOPIFY_WEBHOOK_SECRET: urlSafe(32),
    META_APP_SECRET: hex(32),
    META_VERIFY_TOKEN: urlSafe(16),
  };
}

/** A Postgres password for Compose's database; hex, so it reads the same in every shell. */
export function freshDatabasePassword() {
  return hex(24);
}

/** The text of a .env file: comment lines, then `NAME=value` lines. */
export function envFileText(comments, values) {
  return [
    ...comments.map((line) => `# ${line}`),
    ...Object.entries(values).map(([name, value]) => `${name}=${value}`),
    "",
  ].join("\n");
}
