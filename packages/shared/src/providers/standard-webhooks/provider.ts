import { z } from "zod";
import { standardWebhooksKey, standardWebhooksSecretProblem } from "../../secret-rules.js";
import { anyMatches, fromBase64, hmacSha256, timestampProblem } from "../crypto.js";
import { header, type SignatureScheme, type SourceDefinition } from "../types.js";
import { formLead } from "./normalize.js";

/**
 * Standard Webhooks: `webhook-signature: v1,<base64 hmac of "id.timestamp.body">` (several,
 * space-separated), keyed with the base64-decoded `whsec_` secret (a bare base64 secret is
 * accepted too). The secrets were checked at start (secret-rules.ts); one that slipped past
 * that check matches nothing here, so an empty or short key never verifies a request.
 */
export const standardWebhooksScheme: SignatureScheme = {
  name: "standard-webhooks",
  verify({ headers, rawBody, secrets, now, toleranceSeconds }) {
    const id = header(headers, "webhook-id");
    const timestamp = header(headers, "webhook-timestamp");
    const signatureHeader = header(headers, "webhook-signature");
    if (!id || !timestamp || !signatureHeader)
      return {
        ok: false,
        code: "missing_signature",
        message: "webhook-id, webhook-timestamp and webhook-signature headers are required",
      };
    const signatures = signatureHeader
      .split(" ")
      .map((entry) => entry.split(",", 2))
      .filter(([version]) => version === "v1")
      .map(([, sig]) => fromBase64(sig ?? ""));
    const signed = (secret: string) => hmacSha256(standardWebhooksKey(secret), id, ".", timestamp, ".", rawBody);
    const usable = secrets.filter((secret) => standardWebhooksSecretProblem(secret) === undefined);
    if (!anyMatches(usable, signatures, signed))
      return { ok: false, code: "invalid_signature", message: "no v1 signature matches a configured secret" };
    const problem = timestampProblem(/^\d+$/.test(timestamp) ? Number(timestamp) : NaN, now, toleranceSeconds);
    return problem ? { ok: false, code: "stale_timestamp", message: problem } : { ok: true };
  },
  sign(rawBody, secret, { now, deliveryId }) {
    const id = deliveryId ?? `msg_${now.toString(36)}`;
    const timestamp = `${Math.floor(now / 1000)}`;
    const signature = hmacSha256(standardWebhooksKey(secret), id, ".", timestamp, ".", rawBody).toString("base64");
    return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
  },
};

/** A lead form submission: `email` and `name` required; every other field is kept. */
export const leadFormSchema = z.looseObject({
  email: z.email(),
  name: z.string().trim().min(1).max(500),
  company: z.string().max(500).optional(),
  phone: z.string().max(100).optional(),
  message: z.string().max(20_000).optional(),
  utm: z.record(z.string(), z.unknown()).optional(),
});

export const leadSource: SourceDefinition = {
  name: "new-lead",
  scheme: standardWebhooksScheme,
  secretVariable: "LEAD_WEBHOOK_SECRET",
  schema: () => leadFormSchema,
  eventId: ({ headers }) => header(headers, "webhook-id"),
  // The scheme signs "webhook-id.webhook-timestamp.body".
  eventIdSigned: true,
  classify: () => ({ type: "lead", providerType: "form.submitted" }),
  normalize: { lead: formLead },
  sample(seq) {
    const hot = seq % 2 === 0;
    return {
      body: {
        email: `lead${seq}@example.com`,
        name: `Sample Lead ${seq}`,
        company: hot ? "Acme Corp" : undefined,
        message: hot
          ? "We need a quote for 500 seats this week, budget approved. Please call me."
          : "Just browsing, maybe later.",
        utm: { source: "newsletter", campaign: "spring" },
      },
      headers: { "webhook-id": `msg_sample_${Date.now()}_${seq}` },
    };
  },
};
