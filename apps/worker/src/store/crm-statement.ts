import { Prisma } from "@aiops/shared";
import type { CrmCommands } from "../crm/commands.js";

const NOW = Prisma.raw("(now() AT TIME ZONE 'UTC')");

/** A value for a `jsonb` parameter (`null` when there is none). */
export const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/**
 * The CRM's commands as data-modifying CTEs (`contact`, `record`, `activity`, `draft`), for
 * the CRM step's statement, and the SQL expression over them that is the step's output
 * (`contactId`, `ticketId` or `paymentId`, `draftId`, `draftStatus`, as `jsonb`). With
 * `when`, each write happens only if that condition holds (a `first-run` statement's event
 * row was inserted).
 */
export function crmStatement(commands: CrmCommands, when?: Prisma.Sql): { ctes: Prisma.Sql[]; output: Prisma.Sql } {
  const { upsertContact: contact, upsertTicket: ticket, upsertPayment: payment, addActivity, createDraft } = commands;
  const ctes: Prisma.Sql[] = [];
  const output: Prisma.Sql[] = [];
  const contactId = contact ? Prisma.sql`(SELECT id FROM contact)` : Prisma.sql`NULL::uuid`;
  // One row of values: `VALUES (…)`, or `SELECT … WHERE when`, which is no row when it does not hold.
  const values = (row: Prisma.Sql) => (when ? Prisma.sql`SELECT ${row} WHERE ${when}` : Prisma.sql`VALUES (${row})`);

  if (contact) {
    ctes.push(Prisma.sql`contact AS (
      INSERT INTO contacts (id, email, name, company, phone, category, score, is_customer, attributes, updated_at)
      ${values(Prisma.sql`gen_random_uuid(), ${contact.email}::text, ${contact.name}::text, ${contact.company}::text, ${contact.phone}::text,
              ${contact.category}::text, ${contact.score}::int, ${contact.isCustomer ?? false}::boolean,
              ${json(contact.attributes)}::jsonb, ${NOW}`)}
      ON CONFLICT (email) DO UPDATE SET
        name = COALESCE(EXCLUDED.name, contacts.name), company = COALESCE(EXCLUDED.company, contacts.company),
        phone = COALESCE(EXCLUDED.phone, contacts.phone), category = COALESCE(EXCLUDED.category, contacts.category),
        score = COALESCE(EXCLUDED.score, contacts.score), is_customer = contacts.is_customer OR EXCLUDED.is_customer,
        attributes = COALESCE(EXCLUDED.attributes, contacts.attributes), updated_at = EXCLUDED.updated_at
      RETURNING id)`);
    output.push(Prisma.sql`'contactId', (SELECT id::text FROM contact)`);
  }
  if (ticket) {
    ctes.push(Prisma.sql`record AS (
      INSERT INTO tickets (id, source, external_id, contact_id, subject, description, url, priority, category, sentiment, summary, draft_reply, updated_at)
      ${values(Prisma.sql`gen_random_uuid(), ${ticket.source}::text, ${ticket.externalId}::text, ${contactId},
              ${ticket.subject}::text, ${ticket.description}::text, ${ticket.url}::text, ${ticket.priority}::text,
              ${ticket.category}::text, ${ticket.sentiment}::text, ${ticket.summary}::text, ${ticket.draftReply}::text, ${NOW}`)}
      ON CONFLICT (source, external_id) DO UPDATE SET
        contact_id = COALESCE(EXCLUDED.contact_id, tickets.contact_id), subject = EXCLUDED.subject,
        description = EXCLUDED.description, url = EXCLUDED.url, priority = EXCLUDED.priority, category = EXCLUDED.category,
        sentiment = EXCLUDED.sentiment, summary = EXCLUDED.summary, draft_reply = EXCLUDED.draft_reply, updated_at = EXCLUDED.updated_at
      RETURNING id)`);
  } else if (payment) {
    ctes.push(Prisma.sql`record AS (
      INSERT INTO payments (id, source, external_id, contact_id, amount, currency, status, failure_reason, risk, draft_message, updated_at)
      ${values(Prisma.sql`gen_random_uuid(), ${payment.source}::text, ${payment.externalId}::text, ${contactId},
              ${payment.amount}::int, ${payment.currency}::text, ${payment.status}::text, ${payment.failureReason}::text,
              ${payment.risk}::text, ${payment.draftMessage}::text, ${NOW}`)}
      ON CONFLICT (source, external_id) DO UPDATE SET
        contact_id = COALESCE(EXCLUDED.contact_id, payments.contact_id), amount = EXCLUDED.amount, currency = EXCLUDED.currency,
        status = EXCLUDED.status, failure_reason = EXCLUDED.failure_reason, risk = EXCLUDED.risk,
        draft_message = EXCLUDED.draft_message, updated_at = EXCLUDED.updated_at
      RETURNING id)`);
  }
  const recordKey = ticket ? "ticketId" : payment ? "paymentId" : undefined;
  if (recordKey) output.push(Prisma.sql`${Prisma.raw(`'${recordKey}'`)}, (SELECT id::text FROM record)`);

  if (addActivity) {
    if (!contact) throw new Error("an activity needs the contact it belongs to");
    const data = Prisma.sql`${json(addActivity.data)}::jsonb`;
    ctes.push(Prisma.sql`activity AS (
      INSERT INTO activities (id, contact_id, event_id, kind, summary, data)
      SELECT gen_random_uuid(), contact.id, ${addActivity.eventId}::text, ${addActivity.kind}::text,
             ${addActivity.summary.slice(0, 1000)}::text,
             ${recordKey ? Prisma.sql`${data} || jsonb_build_object(${Prisma.raw(`'${recordKey}'`)}, record.id::text)` : data}
      FROM ${recordKey ? Prisma.raw("contact, record") : Prisma.raw("contact")}
      ON CONFLICT (event_id, kind) DO NOTHING)`);
  }

  if (createDraft) {
    const { eventId, draft, auto } = createDraft;
    ctes.push(Prisma.sql`draft AS (
      INSERT INTO drafts (id, event_id, type, kind, channel, target, recipient, subject, body, reasons, status, decided_by, decided_at, created_at, updated_at)
      ${values(Prisma.sql`gen_random_uuid(), ${eventId}::text, ${draft.type}::"EventType", ${draft.kind}::text, ${draft.channel}::text,
              ${json(draft.target)}::jsonb, ${draft.recipient}::text, ${draft.subject}::text, ${draft.body}::text,
              ${json(draft.reasons)}::jsonb, ${auto ? "approved" : "pending"}::"DraftStatus", ${auto ? "auto" : null}::text,
              ${auto ? NOW : Prisma.raw("NULL::timestamp")}, ${NOW}, ${NOW}`)}
      ON CONFLICT (event_id) DO NOTHING
      RETURNING id, status)`);
    // Inserted now, or by an earlier run of the event, whatever was decided about it since.
    const existing = (column: string) =>
      Prisma.sql`COALESCE((SELECT ${Prisma.raw(column)}::text FROM draft), (SELECT ${Prisma.raw(column)}::text FROM drafts WHERE event_id = ${eventId}))`;
    output.push(Prisma.sql`'draftId', ${existing("id")}`, Prisma.sql`'draftStatus', ${existing("status")}`);
  }
  return { ctes, output: Prisma.sql`jsonb_build_object(${Prisma.join(output, ", ")})` };
}
