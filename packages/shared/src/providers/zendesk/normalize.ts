import { first, headline, record, text } from "../../canonical/fields.js";
import type { Payload } from "../types.js";

/** Zendesk: an event subscription (`detail` is the ticket) or a trigger's own JSON body. */
export function zendeskTicket(body: Payload): unknown {
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
