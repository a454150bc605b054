import { first, headline, record, text } from "../../canonical/fields.js";
import type { Payload } from "../types.js";

/** A Slack message: the channel and timestamp name it; the text is both subject and body. */
export function slackTicket(body: Payload): unknown {
  const event = record(body.event);
  const message = text(event.text);
  return {
    externalId: text(event.channel) && text(event.ts) ? `${text(event.channel)}:${text(event.ts)}` : undefined,
    subject: message && headline(message),
    description: message,
    requesterName: text(event.user),
    // A reply in a thread belongs in that thread; a top-level message starts its own.
    origin: text(event.channel) &&
      text(event.ts) && {
        kind: "slack",
        channel: text(event.channel),
        ts: text(event.ts),
        threadTs: text(first(event.thread_ts, event.ts)),
      },
  };
}
