import { z } from "zod";
import { bodyDigest } from "../../event-id.js";
import { anyMatches, fromBase64, hmacSha256, timestampProblem } from "../crypto.js";
import { header, type SignatureScheme, type SourceDefinition } from "../types.js";
import { zendeskTicket } from "./normalize.js";

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Zendesk: `X-Zendesk-Webhook-Signature` = base64 HMAC-SHA256 of timestamp + body, keyed
 * with the signing secret as given; `X-Zendesk-Webhook-Signature-Timestamp` in ISO 8601.
 */
export const zendeskScheme: SignatureScheme = {
  name: "zendesk",
  verify({ headers, rawBody, secrets, now, toleranceSeconds }) {
    const signature = header(headers, "x-zendesk-webhook-signature");
    const timestamp = header(headers, "x-zendesk-webhook-signature-timestamp");
    if (!signature || !timestamp)
      return {
        ok: false,
        code: "missing_signature",
        message: "X-Zendesk-Webhook-Signature and X-Zendesk-Webhook-Signature-Timestamp are required",
      };
    const signed = (secret: string) => hmacSha256(secret, timestamp, rawBody);
    if (!anyMatches(secrets, [fromBase64(signature)], signed))
      return { ok: false, code: "invalid_signature", message: "the signature does not match a configured secret" };
    const seconds = ISO_8601.test(timestamp) ? Date.parse(timestamp) / 1000 : NaN;
    const problem = timestampProblem(seconds, now, toleranceSeconds);
    return problem ? { ok: false, code: "stale_timestamp", message: problem } : { ok: true };
  },
  sign(rawBody, secret, { now }) {
    const timestamp = new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
    return {
      "x-zendesk-webhook-signature": hmacSha256(secret, timestamp, rawBody).toString("base64"),
      "x-zendesk-webhook-signature-timestamp": timestamp,
    };
  },
};

/**
 * An event-subscription payload (`type`, `id`, `detail`), or a trigger webhook whose JSON
 * body the Zendesk admin wrote: then it must at least be an object.
 */
const zendeskEvent = z.union([
  z.looseObject({
    type: z.string().startsWith("zen:event-type:"),
    id: z.string().min(1),
    detail: z.looseObject({ id: z.union([z.string(), z.number()]) }),
  }),
  z.looseObject({ type: z.undefined() }),
]);

export const zendeskSource: SourceDefinition = {
  name: "new-ticket",
  scheme: zendeskScheme,
  secretVariable: "ZENDESK_WEBHOOK_SECRET",
  schema: () => zendeskEvent,
  eventId: ({ body, rawBody }) => {
    const id = (body as { id?: unknown }).id;
    return typeof id === "string" && (body as { type?: unknown }).type ? id : bodyDigest(rawBody);
  },
  eventIdSigned: true,
  classify({ body }) {
    const type = (body as { type?: string }).type;
    if (!type) return { type: "ticket", providerType: "trigger" };
    return { type: type === "zen:event-type:ticket.created" ? "ticket" : "ignored", providerType: type };
  },
  normalize: { ticket: zendeskTicket },
  sample(seq, now) {
    const urgent = seq % 2 === 0;
    const ticketId = `${now % 1_000_000}${seq}`;
    return {
      body: {
        type: "zen:event-type:ticket.created",
        account_id: 12514403,
        id: `01J${now.toString(36).toUpperCase()}${seq}`,
        time: new Date(now).toISOString(),
        zendesk_event_version: "2022-11-06",
        subject: `zen:ticket:${ticketId}`,
        detail: {
          id: ticketId,
          subject: urgent
            ? "Production is down, checkout fails for all customers"
            : "How do I change my invoice address?",
          description: urgent
            ? "Since 09:00 every checkout returns an error. We are losing orders. Please help ASAP!"
            : "Hi, I would like to update the billing address on my invoices. Thanks!",
          priority: null,
          status: "NEW",
          type: "QUESTION",
          requester_id: "90000000",
          tags: [],
        },
        event: {},
        requester: { email: `customer${seq}@example.com`, name: `Customer ${seq}` },
      },
    };
  },
};
