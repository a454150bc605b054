import type { EventJob } from "@aiops/shared";
import type { Ticket, TicketOrigin } from "@aiops/shared/canonical";
import type { TicketAnalysis } from "../ai/tasks/ticket/schema.js";
import type { Connector, Outcome } from "./connector.js";
import type { GitHubApi } from "./github-api.js";
import type { SlackApi } from "./slack-api.js";
import type { ZendeskApi } from "./zendesk-api.js";

type TicketOutcome = Extract<Outcome, { type: "ticket" }>;
type OriginOf<K extends TicketOrigin["kind"]> = Extract<TicketOrigin, { kind: K }>;

function originOf<K extends TicketOrigin["kind"]>(outcome: Outcome, kind: K): OriginOf<K> | undefined {
  if (outcome.type !== "ticket" || outcome.ticket.origin?.kind !== kind) return undefined;
  return outcome.ticket.origin as OriginOf<K>;
}

/** The marker the private note carries: unique to the event, looked up before writing it again. */
export function triageMarker(eventId: string): string {
  return `[aiops:triage:${eventId}]`;
}

function privateNote(event: EventJob, ticket: Ticket, analysis: TicketAnalysis): string {
  return [
    `AI triage: ${analysis.priority} priority, ${analysis.category}, ${analysis.sentiment} sentiment.`,
    `Summary: ${analysis.summary}`,
    `Ticket: ${ticket.subject}`,
    "",
    "Drafted reply (not sent; review it in the platform's drafts):",
    analysis.draftReply,
    "",
    triageMarker(event.id),
  ].join("\n");
}

/**
 * A Zendesk ticket gets its priority, tags and one private note, in one ticket update. The
 * priority and tags may be set any number of times; the note must not be added twice, and
 * Zendesk offers no idempotency key on updates. So the note carries a marker unique to the
 * event, and the ticket's comments are searched for it first: a retry (or a worker killed
 * after Zendesk took the update but before the step was stored) sets priority and tags again
 * and leaves the note out. Left open: two runs of the same event at the very same moment
 * (a job taken over while its first worker is still alive past its lock) could both find
 * no note and both add it.
 */
export class ZendeskTriageConnector implements Connector {
  readonly name = "zendesk";

  constructor(private readonly api: ZendeskApi) {}

  applies(outcome: Outcome): boolean {
    return originOf(outcome, "zendesk") !== undefined;
  }

  async deliver(event: EventJob, outcome: Outcome): Promise<Record<string, unknown>> {
    const origin = originOf(outcome, "zendesk")!;
    const { ticket, analysis } = outcome as TicketOutcome;
    const noted = await this.api.hasComment(origin.ticketId, triageMarker(event.id));
    await this.api.updateTicket(origin.ticketId, {
      priority: analysis.priority,
      additional_tags: ["aiops", analysis.category, analysis.sentiment],
      ...(noted ? {} : { comment: { body: privateNote(event, ticket, analysis), public: false } }),
    });
    return { ticketId: origin.ticketId, priority: analysis.priority, note: noted ? "already_present" : "added" };
  }
}

/** An opened GitHub issue gets `priority: <p>` and its category as labels; adding a label twice is a no-op. */
export class GitHubTriageConnector implements Connector {
  readonly name = "github";

  constructor(private readonly api: GitHubApi) {}

  applies(outcome: Outcome): boolean {
    return originOf(outcome, "github") !== undefined;
  }

  async deliver(_event: EventJob, outcome: Outcome): Promise<Record<string, unknown>> {
    const origin = originOf(outcome, "github")!;
    const { analysis } = outcome as TicketOutcome;
    const labels = [`priority: ${analysis.priority}`, analysis.category];
    await this.api.addLabels(origin.repo, origin.number, labels);
    return { repo: origin.repo, number: origin.number, labels };
  }
}

/** The emoji that shows a Slack message's priority. */
export const PRIORITY_REACTIONS: Record<TicketAnalysis["priority"], string> = {
  urgent: "rotating_light",
  high: "red_circle",
  normal: "large_yellow_circle",
  low: "white_circle",
};

/** A Slack message turned into a ticket gets a reaction showing its priority; `already_reacted` is success. */
export class SlackReactionConnector implements Connector {
  readonly name = "slack-reaction";

  constructor(private readonly api: SlackApi) {}

  applies(outcome: Outcome): boolean {
    return originOf(outcome, "slack") !== undefined;
  }

  async deliver(_event: EventJob, outcome: Outcome): Promise<Record<string, unknown>> {
    const origin = originOf(outcome, "slack")!;
    const name = PRIORITY_REACTIONS[(outcome as TicketOutcome).analysis.priority];
    const answer = await this.api.call("reactions.add", { channel: origin.channel, timestamp: origin.ts, name }, [
      "already_reacted",
    ]);
    return { channel: origin.channel, ts: origin.ts, reaction: name, ...(answer.ok ? {} : { already: true }) };
  }
}
