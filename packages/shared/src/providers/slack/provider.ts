import { z } from "zod";
import { bodyDigest } from "../../event-id.js";
import { anyMatches, fromHex, hmacSha256, timestampProblem } from "../crypto.js";
import { header, type SignatureScheme, type SourceDefinition } from "../types.js";
import { slackTicket } from "./normalize.js";

/** Slack: `X-Slack-Signature: v0=<hex hmac of "v0:timestamp:body">`, `X-Slack-Request-Timestamp`. */
export const slackScheme: SignatureScheme = {
  name: "slack",
  verify({ headers, rawBody, secrets, now, toleranceSeconds }) {
    const signature = header(headers, "x-slack-signature");
    const timestamp = header(headers, "x-slack-request-timestamp");
    if (!signature || !timestamp)
      return {
        ok: false,
        code: "missing_signature",
        message: "X-Slack-Signature and X-Slack-Request-Timestamp are required",
      };
    const received = signature.startsWith("v0=") ? fromHex(signature.slice(3)) : undefined;
    const signed = (secret: string) => hmacSha256(secret, "v0:", timestamp, ":", rawBody);
    if (!anyMatches(secrets, [received], signed))
      return { ok: false, code: "invalid_signature", message: "the v0 signature does not match a configured secret" };
    const problem = timestampProblem(/^\d+$/.test(timestamp) ? Number(timestamp) : NaN, now, toleranceSeconds);
    return problem ? { ok: false, code: "stale_timestamp", message: problem } : { ok: true };
  },
  sign(rawBody, secret, { now }) {
    const timestamp = `${Math.floor(now / 1000)}`;
    return {
      "x-slack-signature": `v0=${hmacSha256(secret, "v0:", timestamp, ":", rawBody).toString("hex")}`,
      "x-slack-request-timestamp": timestamp,
    };
  },
};

const slackPayload = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("url_verification"), challenge: z.string().min(1).max(1000) }),
  z.looseObject({
    type: z.literal("event_callback"),
    event_id: z.string().min(1),
    team_id: z.string().optional(),
    event: z.looseObject({ type: z.string() }),
  }),
  z.looseObject({ type: z.literal("app_rate_limited") }),
]);
type SlackPayload = z.infer<typeof slackPayload>;

/** Messages written by people; edits, joins and bot posts are recorded but not acted on. */
function isHumanMessage(event: Record<string, unknown>): boolean {
  if (event.type === "app_mention") return true;
  return event.type === "message" && event.subtype === undefined && event.bot_id === undefined;
}

export const slackSource: SourceDefinition = {
  name: "slack",
  scheme: slackScheme,
  secretVariable: "SLACK_SIGNING_SECRET",
  schema: () => slackPayload,
  eventId: ({ body, rawBody }) => (body as { event_id?: string }).event_id ?? bodyDigest(rawBody),
  eventIdSigned: true,
  classify({ body }) {
    const payload = body as SlackPayload;
    if (payload.type !== "event_callback") return { type: "ignored", providerType: payload.type };
    const event = payload.event as Record<string, unknown>;
    return { type: isHumanMessage(event) ? "ticket" : "ignored", providerType: `event_callback.${payload.event.type}` };
  },
  handshake({ body }) {
    const payload = body as SlackPayload;
    return payload.type === "url_verification" ? { challenge: payload.challenge } : undefined;
  },
  normalize: { ticket: slackTicket },
  sample(seq, now) {
    const ts = `${Math.floor(now / 1000)}.${String(seq).padStart(6, "0")}`;
    return {
      body: {
        token: "deprecated-verification-token",
        team_id: "T0SAMPLE",
        api_app_id: "A0SAMPLE",
        type: "event_callback",
        event_id: `Ev${now.toString(36).toUpperCase()}${seq}`,
        event_time: Math.floor(now / 1000),
        event: {
          type: "message",
          channel: "C0SUPPORT",
          user: "U0CUSTOMER",
          text:
            seq % 2 === 0
              ? "Our integration has been failing since this morning, this is urgent!"
              : "Quick question: where can I download last month's invoice?",
          ts,
          channel_type: "channel",
        },
      },
    };
  },
};
