import { type Logger, type LoggerOptions, pino } from "pino";

/**
 * Fields that never reach a log line: credentials, signatures and personal data.
 * Paths cover the places they appear: request headers, event payloads and CRM records.
 */
export const redactPaths = [
  "headers.authorization",
  "headers.cookie",
  'headers["stripe-signature"]',
  'headers["webhook-signature"]',
  'headers["x-zendesk-webhook-signature"]',
  'headers["x-slack-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["x-shopify-hmac-sha256"]',
  "*.headers.authorization",
  "*.headers.cookie",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "apiKey",
  "*.apiKey",
  "payload",
  "*.payload",
  "email",
  "*.email",
  "phone",
  "*.phone",
];

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? "info",
    redact: { paths: redactPaths, censor: "[redacted]" },
    ...options,
  });
}

export type { Logger };
