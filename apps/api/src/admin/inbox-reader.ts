import { AppError, type Config, channelConfigured, type Draft, type Prisma, type PrismaClient } from "@aiops/shared";
import { z } from "zod";
import { type DraftView, draftView } from "./draft-desk.js";

export const inboxTabs = ["leads", "tickets", "payments", "sent", "rejected"] as const;
export const inboxQuerySchema = z.object({ tab: z.enum(inboxTabs).default("leads") });

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const LIMIT = 100;

/** One item of the operations inbox: a draft, who it is for, what they wrote and what the AI made of it. */
export interface InboxItem {
  draft: DraftView;
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
  receivedAt: string | null;
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

  async list(tab: (typeof inboxTabs)[number]): Promise<{ tab: string; items: InboxItem[] }> {
    const { db } = this.deps;
    const where: Prisma.DraftWhereInput =
      tab === "sent"
        ? { status: { in: ["approved", "sent"] } }
        : tab === "rejected"
          ? { status: { in: ["rejected", "failed"] } }
          : { status: "pending", type: tab === "leads" ? "lead" : tab === "tickets" ? "ticket" : "payment" };
    const drafts = await db.draft.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: LIMIT });
    const items = await this.items(drafts);
    if (tab === "leads") items.sort((a, b) => (b.ai.urgency ?? -1) - (a.ai.urgency ?? -1));
    // By priority, then the longest waiting first (within the newest LIMIT).
    if (tab === "tickets")
      items.sort(
        (a, b) =>
          (PRIORITY_RANK[a.ai.verdict ?? ""] ?? 9) - (PRIORITY_RANK[b.ai.verdict ?? ""] ?? 9) ||
          a.draft.createdAt.localeCompare(b.draft.createdAt),
      );
    return { tab, items };
  }

  private async items(drafts: Draft[]): Promise<InboxItem[]> {
    const { db, config } = this.deps;
    const eventIds = drafts.map((draft) => draft.eventId);
    const events = await db.webhookEvent.findMany({
      where: { id: { in: eventIds } },
      select: { id: true, payload: true, receivedAt: true },
    });
    const eventOf = new Map(events.map((event) => [event.id, event]));
    // A draft's recipient is an address for email, a description ("Zendesk ticket #1") otherwise.
    const emailOf = (draft: Draft) =>
      (draft.channel === "email" && draft.recipient
        ? draft.recipient
        : emailFrom(eventOf.get(draft.eventId)?.payload)
      )?.toLowerCase() ?? null;
    const [steps, labels, contacts] = await Promise.all([
      db.stepResult.findMany({
        where: { eventId: { in: eventIds }, name: { in: ["ai.lead", "ai.ticket", "ai.payment"] } },
      }),
      db.eventLabel.findMany({
        where: { eventId: { in: eventIds } },
        orderBy: [{ eventId: "asc" }, { id: "desc" }],
        distinct: ["eventId"],
      }),
      db.contact.findMany({ where: { email: { in: drafts.flatMap((draft) => emailOf(draft) ?? []) } } }),
    ]);
    const stepOf = new Map(steps.map((step) => [step.eventId, step]));
    const labelOf = new Map(labels.map((label) => [label.eventId, label]));
    const contactOf = new Map(contacts.map((contact) => [contact.email, contact]));
    return drafts.map((draft) => {
      const event = eventOf.get(draft.eventId);
      const step = stepOf.get(draft.eventId);
      const output = obj(step?.output);
      const email = emailOf(draft);
      const contact = email ? contactOf.get(email) : undefined;
      const reasons = Array.isArray(output.reasons)
        ? output.reasons.filter((reason): reason is string => typeof reason === "string")
        : [
            text(output.summary),
            output.category && `category: ${String(output.category)}`,
            output.sentiment && `sentiment: ${String(output.sentiment)}`,
          ].filter((reason): reason is string => typeof reason === "string" && reason !== "");
      const label = labelOf.get(draft.eventId);
      return {
        draft: draftView(draft),
        channelConfigured: channelConfigured(config, draft.channel),
        who: { name: contact?.name ?? nameFrom(event?.payload), email, contactId: contact?.id ?? null },
        wrote: wroteFrom(event?.payload),
        ai: {
          verdict:
            text(output.category) && draft.type === "lead"
              ? String(output.category)
              : (text(output.priority) ?? text(output.risk)),
          urgency: typeof output.urgency === "number" ? output.urgency : null,
          reasons,
          provider: step?.provider ?? null,
          model: step?.model ?? null,
          costUsd: step?.costUsd === null || step?.costUsd === undefined ? null : Number(step.costUsd),
        },
        label: label ? { category: label.category, priority: label.priority, draft: label.draft } : null,
        receivedAt: event?.receivedAt.toISOString() ?? null,
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
