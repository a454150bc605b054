import type { EventJob } from "@aiops/shared";
import { formatMoney } from "@aiops/shared/canonical";
import { PermanentError } from "../errors/index.js";
import { type Connector, type Outcome, outcomeEmail } from "./connector.js";
import { json, type RequestLimits, request } from "./http-client.js";

export interface HubSpotOptions extends RequestLimits {
  accessToken: string;
  baseUrl: string;
}

/** HubSpot's association type id for "note to contact" (HUBSPOT_DEFINED). */
const NOTE_TO_CONTACT = 202;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function splitName(name: string | undefined): { firstname?: string; lastname?: string } {
  if (!name) return {};
  const [firstname, ...rest] = name.trim().split(/\s+/);
  return rest.length ? { firstname, lastname: rest.join(" ") } : { firstname };
}

/** Contact properties every portal has; AI results go into the note, which needs no custom property. */
function properties(outcome: Outcome): Record<string, string> {
  const props: Record<string, string | undefined> = {};
  if (outcome.type === "lead") {
    Object.assign(props, splitName(outcome.lead.name), { company: outcome.lead.company, phone: outcome.lead.phone });
  } else if (outcome.type === "ticket") {
    Object.assign(props, splitName(outcome.ticket.requesterName));
  } else {
    Object.assign(props, splitName(outcome.payment.customerName));
    if (outcome.payment.status === "succeeded") props.lifecyclestage = "customer";
  }
  return Object.fromEntries(Object.entries(props).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function noteBody(event: EventJob, outcome: Outcome): string {
  const lines: string[] = [];
  if (outcome.type === "lead") {
    const { analysis, lead } = outcome;
    lines.push(
      `<b>Lead: ${analysis.category}</b>, urgency ${analysis.urgency}`,
      ...analysis.reasons.map((r) => `• ${escapeHtml(r)}`),
    );
    if (lead.message) lines.push(`Message: ${escapeHtml(lead.message)}`);
    lines.push(`Draft reply:<br>${escapeHtml(analysis.draftReply).replaceAll("\n", "<br>")}`);
  } else if (outcome.type === "ticket") {
    const { analysis, ticket } = outcome;
    lines.push(
      `<b>Ticket (${analysis.priority}, ${analysis.category}, ${analysis.sentiment})</b>: ${escapeHtml(ticket.subject)}`,
    );
    lines.push(
      escapeHtml(analysis.summary),
      `Draft reply:<br>${escapeHtml(analysis.draftReply).replaceAll("\n", "<br>")}`,
    );
  } else {
    const { analysis, payment } = outcome;
    lines.push(
      `<b>Payment ${payment.status}</b>: ${formatMoney(payment.amount, payment.currency)} (${escapeHtml(payment.kind)})`,
    );
    if (analysis) lines.push(`Risk: ${analysis.risk}`, ...analysis.reasons.map((r) => `• ${escapeHtml(r)}`));
  }
  lines.push(`<small>event ${escapeHtml(event.id)} from ${escapeHtml(event.source)}</small>`);
  return lines.join("<br>");
}

/** HubSpot CRM v3: the contact upserted by email, the outcome added as a note on it. */
export class HubSpotConnector implements Connector {
  readonly name = "hubspot";

  constructor(private readonly options: HubSpotOptions) {}

  applies(outcome: Outcome): boolean {
    return outcomeEmail(outcome) !== undefined;
  }

  async deliver(event: EventJob, outcome: Outcome): Promise<Record<string, unknown>> {
    const email = outcomeEmail(outcome);
    if (!email) throw new PermanentError("hubspot_no_email", "HubSpot contacts are keyed by email; the event has none");
    const contactId = await this.upsertContact(email, properties(outcome));
    const note = await this.call<{ id: string }>("/crm/v3/objects/notes", {
      properties: { hs_timestamp: new Date(event.receivedAt).toISOString(), hs_note_body: noteBody(event, outcome) },
      associations: [
        {
          to: { id: contactId },
          types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: NOTE_TO_CONTACT }],
        },
      ],
    });
    return { contactId, noteId: note.id };
  }

  private async upsertContact(email: string, props: Record<string, string>): Promise<string> {
    const existing = await this.find(email);
    if (existing) {
      if (Object.keys(props).length)
        await this.call(`/crm/v3/objects/contacts/${existing}`, { properties: props }, "PATCH");
      return existing;
    }
    try {
      const created = await this.call<{ id: string }>("/crm/v3/objects/contacts", { properties: { email, ...props } });
      return created.id;
    } catch (error) {
      // Created by someone else since the search (409): use theirs.
      const raced =
        error instanceof PermanentError && /answered 409/.test(error.message) ? await this.find(email) : undefined;
      if (raced) return raced;
      throw error;
    }
  }

  private async find(email: string): Promise<string | undefined> {
    const found = await this.call<{ results: Array<{ id: string }> }>("/crm/v3/objects/contacts/search", {
      filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ", value: email }] }],
      properties: ["email"],
      limit: 1,
    });
    return found.results[0]?.id;
  }

  private async call<T>(path: string, body: unknown, method: "POST" | "PATCH" = "POST"): Promise<T> {
    const answer = await request("hubspot", `${this.options.baseUrl.replace(/\/$/, "")}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${this.options.accessToken}` },
      timeoutMs: this.options.timeoutMs,
      retryAfterMaxMs: this.options.retryAfterMaxMs,
    });
    return json<T>(answer);
  }
}
