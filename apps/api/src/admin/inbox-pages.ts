import { AppError, Prisma, type PrismaClient } from "@aiops/shared";
import { z } from "zod";

export const inboxTabs = ["leads", "tickets", "payments", "sent", "rejected"] as const;
export type InboxTab = (typeof inboxTabs)[number];

const blankAsUndefined = (value: unknown) => (value === "" ? undefined : value);

export const inboxQuerySchema = z.object({
  tab: z.enum(inboxTabs).default("leads"),
  limit: z.preprocess(blankAsUndefined, z.coerce.number().int().min(1).max(100).default(50)),
  cursor: z.preprocess(blankAsUndefined, z.string().max(1000).optional()),
  /** Only items that entered the tab at or after this time (what the page polls for). */
  since: z.preprocess(blankAsUndefined, z.iso.datetime({ offset: true }).optional()),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

/** Leads without a pending draft stay in the Leads tab this long after they arrived. */
export const RECENT_LEAD_DAYS = 14;

/** One row of a tab's page, in the tab's order: the event, its draft if any, and its sort key. */
export interface InboxRow {
  eventId: string;
  draftId: string | null;
  arrivedAt: Date;
}

interface KeyedRow extends InboxRow {
  k1: number;
  k2: Date;
  k3: string;
}

/**
 * Each tab as SQL: the rows it holds with a three-part sort key (k1, k2, k3) and when each
 * entered the tab. Leads: pending drafts and recent leads without a draft, most urgent first.
 * Tickets: by priority, then the longest waiting. The others: newest first.
 */
function tabRows(tab: InboxTab, now: Date): { rows: Prisma.Sql; ascending: boolean } {
  const ticketRank = Prisma.sql`CASE s.output->>'priority' WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 WHEN 'low' THEN 3 ELSE 9 END`;
  const drafts = (where: Prisma.Sql, k1: Prisma.Sql, arrived: Prisma.Sql) => Prisma.sql`
    SELECT d.event_id, d.id::text AS draft_id, (${k1})::float8 AS k1, d.created_at AS k2, d.id::text COLLATE "C" AS k3,
           ${arrived} AS arrived_at
    FROM drafts d LEFT JOIN step_results s ON s.event_id = d.event_id AND s.name = 'ai.' || d.type::text
    WHERE ${where}`;
  switch (tab) {
    case "leads": {
      const cutoff = new Date(now.getTime() - RECENT_LEAD_DAYS * 86_400_000).toISOString();
      return {
        ascending: false,
        rows: Prisma.sql`
          SELECT e.id AS event_id, d.id::text AS draft_id,
                 CASE WHEN jsonb_typeof(s.output->'urgency') = 'number' THEN (s.output->>'urgency')::float8 ELSE -1 END AS k1,
                 e.received_at AS k2, e.id COLLATE "C" AS k3, coalesce(d.created_at, e.received_at) AS arrived_at
          FROM webhook_events e
          LEFT JOIN drafts d ON d.event_id = e.id
          LEFT JOIN step_results s ON s.event_id = e.id AND s.name = 'ai.lead'
          WHERE e.type = 'lead' AND e.status <> 'ignored'
            AND (d.status = 'pending' OR (d.id IS NULL AND e.received_at > ${cutoff}::timestamp))`,
      };
    }
    case "tickets":
      return {
        ascending: true,
        rows: drafts(Prisma.sql`d.status = 'pending' AND d.type = 'ticket'`, ticketRank, Prisma.sql`d.created_at`),
      };
    case "payments":
      return {
        ascending: false,
        rows: drafts(Prisma.sql`d.status = 'pending' AND d.type = 'payment'`, Prisma.sql`0`, Prisma.sql`d.created_at`),
      };
    case "sent":
    case "rejected":
      return {
        ascending: false,
        rows: drafts(
          tab === "sent"
            ? Prisma.sql`d.status IN ('approved', 'sent')`
            : Prisma.sql`d.status IN ('rejected', 'failed')`,
          Prisma.sql`0`,
          Prisma.sql`coalesce(d.decided_at, d.updated_at)`,
        ),
      };
  }
}

/** Reads a tab one page at a time; the cursor is the last row's sort key, tied to its tab. */
export async function readTabPage(
  db: PrismaClient,
  query: InboxQuery,
  now = new Date(),
): Promise<{ rows: InboxRow[]; nextCursor: string | null }> {
  const { rows, ascending } = tabRows(query.tab, now);
  const after = query.cursor ? decodeTabCursor(query.tab, query.cursor) : null;
  const direction = Prisma.raw(ascending ? "ASC" : "DESC");
  const conditions = [
    after &&
      Prisma.sql`(k1, k2, k3) ${Prisma.raw(ascending ? ">" : "<")} (${after.k1}::float8, ${after.k2}::timestamp, ${after.k3} COLLATE "C")`,
    query.since && Prisma.sql`arrived_at >= ${new Date(query.since).toISOString()}::timestamp`,
  ].filter((condition): condition is Prisma.Sql => Boolean(condition));
  const found = await db.$queryRaw<
    Array<{ event_id: string; draft_id: string | null; k1: number; k2: Date; k3: string; arrived_at: Date }>
  >`
    SELECT * FROM (${rows}) tab
    ${conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty}
    ORDER BY k1 ${direction}, k2 ${direction}, k3 ${direction}
    LIMIT ${query.limit + 1}`;
  const page: KeyedRow[] = found.slice(0, query.limit).map((row) => ({
    eventId: row.event_id,
    draftId: row.draft_id,
    arrivedAt: row.arrived_at,
    k1: Number(row.k1),
    k2: row.k2,
    k3: row.k3,
  }));
  const last = page.at(-1);
  return {
    rows: page.map(({ eventId, draftId, arrivedAt }) => ({ eventId, draftId, arrivedAt })),
    nextCursor: found.length > query.limit && last ? encodeTabCursor(query.tab, last) : null,
  };
}

function encodeTabCursor(tab: InboxTab, row: KeyedRow): string {
  return Buffer.from(JSON.stringify([tab, row.k1, row.k2.toISOString(), row.k3])).toString("base64url");
}

function decodeTabCursor(tab: InboxTab, text: string): { k1: number; k2: string; k3: string } {
  try {
    const [cursorTab, k1, k2, k3] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if (cursorTab === tab && typeof k1 === "number" && typeof k3 === "string" && typeof k2 === "string") {
      const at = new Date(k2);
      if (!Number.isNaN(at.getTime())) return { k1, k2: at.toISOString(), k3 };
    }
  } catch {
    // Falls through to the one error below.
  }
  throw new AppError("invalid_request", `the cursor is not one this API returned for the ${tab} tab`);
}
