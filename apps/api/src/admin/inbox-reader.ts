import { AppError, type Config, channelConfigured, type PrismaClient } from "@aiops/shared";
import { z } from "zod";
import { type DraftView, draftView } from "./draft-desk.js";
import { type InboxQuery, type InboxRow, readTabPage } from "./inbox-pages.js";

/**
 * One item of the operations inbox: an event, who it came from, what they wrote, what the AI
 * made of it and the draft in reply (a lead may have none: the AI failed or has not answered yet).
 */
export interface InboxItem {
  eventId: string;
  type: string;
  /** The event's processing status: `completed`, `failed`, … */
  status: string;
  /** When it entered its tab (the draft's creation, its decision, or the lead's arrival). */
  arrivedAt: string;
  draft: DraftView | null;
  channelConfigured: boolean;
  who: { name: string | null; email: string | null; contactId: string | null };
  wrote: string;
  ai: {
    verdict: string | null;
    urgency: number | null;
    reasons: string[];
    provider: string | null;
    model: string | null;
    costUsd: number | null;
  };
  label: { category: string | null; priority: string | null; draft: string | null } | null;
  receivedAt: string;
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value : null);
const obj = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** What the person wrote, from the payload as each built-in source carries it. */
function wroteFrom(payload: unknown): string {
  const body = obj(payload);
  const detail = obj(body.detail);
  const issue = obj(body.issue);
  const event = obj(body.event);
  const data = obj(obj(body.data).object);
  return (
    text(body.message) ??
    text(detail.description) ??
    text(issue.body) ??
    text(event.text) ??
    text(obj(data.last_payment_error).message) ??
    text(data.reason) ??
    ""
  );
}

function nameFrom(payload: unknown): string | null {
  const body = obj(payload);
  return text(body.name) ?? text(obj(body.requester).name) ?? text(obj(obj(body.issue).user).login) ?? null;
}

function emailFrom(payload: unknown): string | null {
  const body = obj(payload);
  const data = obj(obj(body.data).object);
  return (
    text(body.email) ?? text(obj(body.requester).email) ?? text(data.receipt_email) ?? text(data.customer_email) ?? null
  );
}

/** Reads the operations inbox, a contact's timeline and the AI's live accuracy for the console. */
export class InboxReader {
  constructor(private readonly deps: { db: PrismaClient; config: Config }) {}

  async list(query: InboxQuery): Promise<{ tab: string; items: InboxItem[]; nextCursor: string | null; asOf: string }> {
    const asOf = new Date();
    const { rows, nextCursor } = await readTabPage(this.deps.db, query, asOf);
    return { tab: query.tab, items: await this.items(rows), nextCursor, asOf: asOf.toISOString() };
  }

  private async items(rows: InboxRow[]): Promise<InboxItem[]> {
    const { db, config } = this.deps;
    const eventIds = rows.map((row) => row.eventId);
    const draftIds = rows.flatMap((row) => row.draftId ?? []);
    const [events, drafts] = await Promise.all([
      db.webhookEvent.findMany({
        where: { id: { in: eventIds } },
        select: { id: true, type: true, status: true, payload: true, receivedAt: true },
      }),
      db.draft.findMany({ where: { id: { in: draftIds } } }),
    ]);
    const eventOf = new Map(events.map((event) => [event.id, event]));
    const draftOf = new Map(drafts.map((draft) => [draft.id, draft]));
    // A draft's recipient is an address for email, a description ("Zendesk ticket #1") otherwise.
    const emailOf = (row: InboxRow) => {
      const draft = row.draftId ? draftOf.get(row.draftId) : undefined;
      return (
        (draft?.channel === "email" && draft.recipient
          ? draft.recipient
          : emailFrom(eventOf.get(row.eventId)?.payload)
        )?.toLowerCase() ?? null
      );
    };
    const [steps, labels, contacts] = await Promise.all([
      db.stepResult.findMany({
        where: { eventId: { in: eventIds }, name: { in: ["ai.lead", "ai.ticket", "ai.payment"] } },
      }),
      db.eventLabel.findMany({
        where: { eventId: { in: eventIds } },
        orderBy: [{ eventId: "asc" }, { id: "desc" }],
        distinct: ["eventId"],
      }),
      db.contact.findMany({ where: { email: { in: rows.flatMap((row) => emailOf(row) ?? []) } } }),
    ]);
    const stepOf = new Map(steps.map((step) => [step.eventId, step]));
    const labelOf = new Map(labels.map((label) => [label.eventId, label]));
    const contactOf = new Map(contacts.map((contact) => [contact.email, contact]));
    return rows.flatMap((row) => {
      const event = eventOf.get(row.eventId);
      if (!event) return []; // Removed (retention, erasure) between the two reads.
      const draft = row.draftId ? draftOf.get(row.draftId) : undefined;
      const step = stepOf.get(row.eventId);
      const output = obj(step?.output);
      const email = emailOf(row);
      const contact = email ? contactOf.get(email) : undefined;
      const reasons = Array.isArray(output.reasons)
        ? output.reasons.filter((reason): reason is string => typeof reason === "string")
        : [
            text(output.summary),
            output.category && `category: ${String(output.category)}`,
            output.sentiment && `sentiment: ${String(output.sentiment)}`,
          ].filter((reason): reason is string => typeof reason === "string" && reason !== "");
      const label = labelOf.get(row.eventId);
      return {
        eventId: event.id,
        type: event.type,
        status: event.status,
        arrivedAt: row.arrivedAt.toISOString(),
        draft: draft ? draftView(draft) : null,
        channelConfigured: draft ? channelConfigured(config, draft.channel) : false,
        who: { name: contact?.name ?? nameFrom(event.payload), email, contactId: contact?.id ?? null },
        wrote: wroteFrom(event.payload),
        ai: {
          verdict:
            text(output.category) && event.type === "lead"
              ? String(output.category)
              : (text(output.priority) ?? text(output.risk)),
          urgency: typeof output.urgency === "number" ? output.urgency : null,
          reasons,
          provider: step?.provider ?? null,
          model: step?.model ?? null,
          costUsd: step?.costUsd === null || step?.costUsd === undefined ? null : Number(step.costUsd),
        },
        label: label ? { category: label.category, priority: label.priority, draft: label.draft } : null,
        receivedAt: event.receivedAt.toISOString(),
      };
    });
  }

  /** A contact's CRM record and timeline: activities and the drafts sent to them, oldest first. */
  async contact(id: string) {
    const { db } = this.deps;
    const contact = z.uuid().safeParse(id).success
      ? await db.contact.findUnique({ where: { id }, include: { activities: true } })
      : null;
    if (!contact) throw new AppError("not_found", `no contact ${id}`);
    const drafts = await db.draft.findMany({
      where: { recipient: { equals: contact.email, mode: "insensitive" }, status: "sent" },
    });
    const timeline = [
      ...contact.activities.map((activity) => ({
        at: activity.createdAt.toISOString(),
        kind: activity.kind,
        summary: activity.summary,
        eventId: activity.eventId,
      })),
      ...drafts.map((draft) => ({
        at: (draft.sentAt ?? draft.updatedAt).toISOString(),
        kind: "draft_sent",
        summary: `${draft.subject} (by ${draft.channel})`,
        eventId: draft.eventId,
      })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    return {
      id: contact.id,
      email: contact.email,
      name: contact.name,
      company: contact.company,
      category: contact.category,
      score: contact.score,
      isCustomer: contact.isCustomer,
      timeline,
    };
  }

  /** Per ISO week, task and provider/model: how often the reviewers' latest label agreed with the AI. */
  async accuracy(): Promise<{
    weeks: Array<{
      week: string;
      task: string;
      provider: string;
      model: string;
      labelled: number;
      agreed: number;
      accuracy: number;
    }>;
  }> {
    const rows = await this.deps.db.$queryRaw<
      Array<{ week: Date; task: string; provider: string; model: string; labelled: bigint; agreed: bigint }>
    >`
      WITH latest AS (
        SELECT DISTINCT ON (event_id) * FROM event_labels WHERE category IS NOT NULL OR priority IS NOT NULL ORDER BY event_id, id DESC
      )
      SELECT date_trunc('week', created_at) AS week, type::text AS task, coalesce(provider, '?') AS provider, coalesce(model, '?') AS model,
             count(*) AS labelled, count(*) FILTER (WHERE ai_value = coalesce(category, priority)) AS agreed
      FROM latest GROUP BY 1, 2, 3, 4 ORDER BY 1 DESC, 2, 3, 4`;
    return {
      weeks: rows.map((row) => ({
        week: row.week.toISOString().slice(0, 10),
        task: row.task,
        provider: row.provider,
        model: row.model,
        labelled: Number(row.labelled),
        agreed: Number(row.agreed),
        accuracy: Number(row.labelled) === 0 ? 0 : Number(row.agreed) / Number(row.labelled),
      })),
    };
  }
}
