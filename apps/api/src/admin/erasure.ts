import { createHash, createHmac } from "node:crypto";
import { AppError, type Config, type EventJob, type Logger, Prisma, type PrismaClient } from "@aiops/shared";
import type { Queue } from "bullmq";
import { z } from "zod";
import { validationDetails } from "../http/validation.js";

export const erasureBodySchema = z.strictObject({ email: z.string().trim().toLowerCase().pipe(z.email().max(320)) });

/** What replaces the address where a row is kept. */
export const ERASED = "[erased]";

export interface ErasureResult {
  /** Rows deleted or changed, per table; `swept` is the address replaced in any other text or JSON column. */
  counts: Record<string, number>;
  swept: Record<string, number>;
  /** The person's event jobs removed from Redis, and those a worker held (left to finish; see docs). */
  queue: { removed: number; active: number };
  auditId: string;
}

/** The HMAC key for audit entries: ERASURE_SALT, else one derived from the admin token. */
export function erasureKey(config: Pick<Config, "ERASURE_SALT" | "ADMIN_TOKEN">): string {
  if (config.ERASURE_SALT) return config.ERASURE_SALT;
  return createHash("sha256")
    .update(`aiops-erasure:${config.ADMIN_TOKEN ?? ""}`)
    .digest("hex");
}

/** The audit's stand-in for an address: equal for equal addresses, useless without the key. */
export function subjectHash(key: string, email: string): string {
  return createHmac("sha256", key).update(email.trim().toLowerCase()).digest("hex");
}

/** A Postgres regular expression that matches `text` literally. */
function literalPattern(text: string): string {
  return text.replace(/[\\.^$|?*+()[\]{}]/g, "\\$&");
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

type Tx = Prisma.TransactionClient;

/**
 * Erasure on request: removes a person, found by email address, from every table in one
 * transaction, then drops their events' jobs from the queue. Targeted steps remove what
 * belongs to the person (the contact with its timeline, their events' payloads and step
 * outputs, their drafts, their tickets' and payments' personal fields); a final sweep
 * replaces the address in any text or JSON column the targeted steps did not know about,
 * so a column added later cannot keep it.
 */
export class ErasureService {
  constructor(private readonly deps: { db: PrismaClient; queue: Queue<EventJob>; config: Config; logger: Logger }) {}

  async call(input: unknown, actor: string): Promise<ErasureResult> {
    const parsed = erasureBodySchema.safeParse(input ?? {});
    if (!parsed.success)
      throw new AppError("invalid_payload", "give the person's email address", validationDetails(parsed.error));
    const email = parsed.data.email.trim().toLowerCase();
    const hash = subjectHash(erasureKey(this.deps.config), email);

    const { counts, swept, eventIds, auditId } = await this.deps.db.$transaction(
      async (tx) => {
        const result = await this.eraseRows(tx, email);
        const audit = await tx.erasureAudit.create({
          data: { subjectHash: hash, requestedBy: actor, counts: { ...result.counts, swept: result.swept } },
        });
        return { ...result, auditId: audit.id };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    const queue = await this.removeJobs(eventIds);
    await this.deps.db.erasureAudit.update({ where: { id: auditId }, data: { counts: { ...counts, swept, queue } } });
    this.deps.logger.info({ subjectHash: hash, actor, counts, queue }, "person erased");
    return { counts, swept, queue, auditId };
  }

  private async eraseRows(
    tx: Tx,
    email: string,
  ): Promise<{ counts: Record<string, number>; swept: Record<string, number>; eventIds: string[] }> {
    const contact = await tx.contact.findUnique({ where: { email }, select: { id: true } });
    const contactId = contact?.id ?? null;

    // The person's events: those whose payload names the address, those on the contact's
    // timeline, and those whose draft went to the address.
    const events = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM webhook_events WHERE strpos(lower(payload::text), ${email}) > 0
      UNION SELECT event_id FROM activities WHERE contact_id = ${contactId}::uuid
      UNION SELECT event_id FROM drafts WHERE lower(recipient) = ${email} OR strpos(lower(target::text), ${email}) > 0`;
    const eventIds = events.map((row) => row.id);

    // Tickets and payments: the contact's, and those the person's events wrote.
    const refs = await tx.$queryRaw<Array<{ ticket: string | null; payment: string | null }>>`
      SELECT output->>'ticketId' AS ticket, output->>'paymentId' AS payment FROM step_results
      WHERE event_id = ANY(${eventIds}) AND name IN ('crm.ticket', 'crm.payment') AND output IS NOT NULL`;
    const ticketIds = refs.flatMap((ref) => (ref.ticket ? [ref.ticket] : []));
    const paymentIds = refs.flatMap((ref) => (ref.payment ? [ref.payment] : []));
    const mine = (ids: string[]) => ({ OR: [{ id: { in: ids } }, ...(contactId ? [{ contactId }] : [])] });

    const tickets = await tx.ticket.updateMany({
      where: mine(ticketIds),
      data: { subject: ERASED, description: null, summary: null, draftReply: null, url: null, contactId: null },
    });
    const payments = await tx.payment.updateMany({
      where: mine(paymentIds),
      data: { failureReason: null, draftMessage: null, contactId: null },
    });
    const drafts = await tx.draft.deleteMany({
      where: { OR: [{ eventId: { in: eventIds } }, { recipient: { equals: email, mode: "insensitive" } }] },
    });
    const activities = contactId ? await tx.activity.deleteMany({ where: { contactId } }) : { count: 0 };
    const contacts = await tx.contact.deleteMany({ where: { email } });
    // The event rows stay, so a provider's re-delivery is still recognised as a duplicate;
    // their payloads go as retention removes them (a replay then answers 409).
    const webhookEvents = await tx.webhookEvent.updateMany({
      where: { id: { in: eventIds } },
      data: { payload: Prisma.DbNull, lastError: null, payloadPrunedAt: new Date() },
    });
    const stepResults = await tx.stepResult.updateMany({
      where: { eventId: { in: eventIds } },
      data: { output: Prisma.DbNull, rawResponse: null, error: null },
    });
    const aiCache = await tx.$executeRaw`DELETE FROM ai_cache WHERE strpos(lower(output::text), ${email}) > 0`;

    const swept = await this.sweep(tx, email);
    return {
      counts: {
        contacts: contacts.count,
        activities: activities.count,
        tickets: tickets.count,
        payments: payments.count,
        drafts: drafts.count,
        webhook_events: webhookEvents.count,
        step_results: stepResults.count,
        ai_cache: aiCache,
      },
      swept,
      eventIds,
    };
  }

  /** Replaces the address, in any letter case, in every text and JSON column of the schema. */
  private async sweep(tx: Tx, email: string): Promise<Record<string, number>> {
    const columns = await tx.$queryRaw<Array<{ table: string; column: string; type: string }>>`
      SELECT table_name::text AS table, column_name::text AS column, data_type::text AS type FROM information_schema.columns
      WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'json', 'jsonb')
        AND table_name <> '_prisma_migrations'
      ORDER BY table_name, column_name`;
    const pattern = literalPattern(email);
    const swept: Record<string, number> = {};
    for (const { table, column, type } of columns) {
      const col = Prisma.raw(quoteIdent(column));
      const replaced = Prisma.sql`regexp_replace(${col}::text, ${pattern}, ${ERASED}, 'gi')`;
      // The address only ever sits inside a JSON string, so replacing it keeps the document valid.
      const value = type === "json" || type === "jsonb" ? Prisma.sql`(${replaced})::${Prisma.raw(type)}` : replaced;
      const count =
        await tx.$executeRaw`UPDATE ${Prisma.raw(quoteIdent(table))} SET ${col} = ${value} WHERE strpos(lower(${col}::text), ${email}) > 0`;
      if (count > 0) swept[`${table}.${column}`] = count;
    }
    return swept;
  }

  /** Jobs carry the event's payload; a finished or waiting one is removed, one a worker holds is counted. */
  private async removeJobs(eventIds: readonly string[]): Promise<{ removed: number; active: number }> {
    let removed = 0;
    let active = 0;
    for (const id of eventIds) {
      const job = await this.deps.queue.getJob(id);
      if (!job) continue;
      if ((await this.deps.queue.remove(id)) === 1) removed += 1;
      else active += 1;
    }
    return { removed, active };
  }
}
