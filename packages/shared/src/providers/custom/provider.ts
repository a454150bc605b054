import { readFileSync } from "node:fs";
import { z } from "zod";
import { bodyDigest } from "../../event-id.js";
import { eventTypeSchema } from "../../queue.js";
import { hubSignatureScheme } from "../hub-signature.js";
import { shopifyScheme } from "../shopify/provider.js";
import { slackScheme } from "../slack/provider.js";
import { standardWebhooksScheme } from "../standard-webhooks/provider.js";
import { stripeScheme } from "../stripe/provider.js";
import { header, type SignatureScheme, type SourceDefinition } from "../types.js";
import { zendeskScheme } from "../zendesk/provider.js";
import { customNormalizers } from "./normalize.js";

export const schemes: Record<string, SignatureScheme> = {
  stripe: stripeScheme,
  "standard-webhooks": standardWebhooksScheme,
  zendesk: zendeskScheme,
  slack: slackScheme,
  github: hubSignatureScheme,
  meta: hubSignatureScheme,
  "hub-signature-256": hubSignatureScheme,
  shopify: shopifyScheme,
};

const dotPath = z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "a dot-separated field path");

/** One extra source in the sources file (see docs/ingress.md, "Adding a source"). */
export const customSourceSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes"),
  scheme: z.enum(Object.keys(schemes) as [string, ...string[]]),
  secretVariable: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an environment variable name"),
  eventId: z
    .union([
      z.strictObject({ header: z.string().min(1) }),
      z.strictObject({ field: dotPath }),
      z.literal("body-sha256"),
    ])
    .default("body-sha256"),
  type: z.union([
    eventTypeSchema,
    z.strictObject({
      field: dotPath,
      map: z.record(z.string(), eventTypeSchema),
      default: eventTypeSchema.default("ignored"),
    }),
  ]),
});
export type CustomSourceConfig = z.infer<typeof customSourceSchema>;

export const sourcesFileSchema = z.strictObject({ sources: z.array(customSourceSchema) });

/**
 * Whether the scheme's signature covers the configured event id: a body field or the body's
 * digest always is; of the headers, only Standard Webhooks' `webhook-id` is signed.
 */
function eventIdSigned({ scheme, eventId }: CustomSourceConfig): boolean {
  if (eventId === "body-sha256" || "field" in eventId) return true;
  return scheme === "standard-webhooks" && eventId.header.toLowerCase() === "webhook-id";
}

function fieldAt(body: unknown, path: string): unknown {
  let value = body;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function customSource(spec: CustomSourceConfig): SourceDefinition {
  const scheme = schemes[spec.scheme]!;
  const { eventId, type } = spec;
  return {
    name: spec.name,
    scheme,
    secretVariable: spec.secretVariable,
    schema: () => z.looseObject({}),
    eventId({ headers, body, rawBody }) {
      if (eventId === "body-sha256") return bodyDigest(rawBody);
      const value = "header" in eventId ? header(headers, eventId.header.toLowerCase()) : fieldAt(body, eventId.field);
      return typeof value === "string" || typeof value === "number" ? String(value) : undefined;
    },
    eventIdSigned: eventIdSigned(spec),
    classify({ body }) {
      if (typeof type === "string") return { type, providerType: null };
      const value = fieldAt(body, type.field);
      const name = typeof value === "string" ? value : null;
      return {
        type: (name !== null && Object.hasOwn(type.map, name) ? type.map[name] : undefined) ?? type.default,
        providerType: name,
      };
    },
    normalize: customNormalizers,
    sample: (seq) => ({
      body: { id: `sample-${Date.now()}-${seq}`, email: `person${seq}@example.com`, name: `Person ${seq}` },
    }),
  };
}

/** Reads the sources file; a malformed file stops the process with the problem named. */
export function loadSourcesFile(path: string): SourceDefinition[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read the sources file ${path}: ${(error as Error).message}`);
  }
  const parsed = sourcesFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`Invalid sources file ${path}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data.sources.map(customSource);
}
