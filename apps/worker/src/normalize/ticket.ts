import type { EventJob } from "@aiops/shared";
import { type Ticket, ticketSchema } from "./canonical.js";
import { first, headline, integer, record, text } from "./fields.js";
import { parseCanonical } from "./parse.js";

/** Zendesk: an event subscription (`detail` is the ticket) or a trigger's own JSON body. */
function fromZendesk(body: Record<string, unknown>): unknown {
  const detail = body.type ? record(body.detail) : record(first(body.ticket, body));
  const requester = record(first(body.requester, detail.requester));
  const description = text(first(detail.description, detail.comment));
  return {
    externalId: text(detail.id),
    subject: first(text(detail.subject), description && headline(description)),
    description,
    requesterEmail: text(first(requester.email, detail.requester_email)),
    requesterName: text(requester.name),
    url: text(detail.url),
    origin: text(detail.id) && { kind: "zendesk", ticketId: text(detail.id) },
  };
}

/** A Slack message: the channel and timestamp name it; the text is both subject and body. */
function fromSlack(body: Record<string, unknown>): unknown {
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

function fromGithub(body: Record<string, unknown>): unknown {
  const issue = record(body.issue);
  const repository = text(record(body.repository).full_name);
  return {
    externalId: repository && text(issue.number) ? `${repository}#${text(issue.number)}` : undefined,
    subject: text(issue.title),
    description: text(issue.body),
    requesterName: text(record(issue.user).login),
    url: text(issue.html_url),
    origin: repository && integer(issue.number) && { kind: "github", repo: repository, number: integer(issue.number) },
  };
}

/** A custom source's ticket: the common field names. */
function fromGeneric(body: Record<string, unknown>): unknown {
  const description = text(first(body.description, body.body, body.message, body.text));
  return {
    externalId: text(first(body.id, body.ticket_id, body.externalId)),
    subject: first(text(first(body.subject, body.title)), description && headline(description)),
    description,
    requesterEmail: text(first(body.email, record(body.requester).email)),
    requesterName: text(first(body.name, record(body.requester).name)),
    url: text(body.url),
  };
}

const readers: Record<string, (body: Record<string, unknown>) => unknown> = {
  "new-ticket": fromZendesk,
  slack: fromSlack,
  github: fromGithub,
};

export function normalizeTicket(event: EventJob): Ticket {
  const read = readers[event.source] ?? fromGeneric;
  return parseCanonical(ticketSchema, read(record(event.payload)), "ticket");
}
