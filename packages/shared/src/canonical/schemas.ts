import { z } from "zod";

/** A lead as every source becomes it: the CRM and the AI see only this shape. */
export const leadSchema = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1).max(500).optional(),
  company: z.string().trim().max(500).optional(),
  phone: z.string().trim().max(100).optional(),
  message: z.string().max(20_000).optional(),
  /** Everything else the form or ad sent (utm, custom fields), kept as it came. */
  attributes: z.record(z.string(), z.unknown()),
});
export type Lead = z.infer<typeof leadSchema>;

/**
 * Where a ticket lives in the system it came from, so triage and approved replies can be
 * written back there. Checked strictly: the parts end up in API paths.
 */
export const ticketOriginSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("zendesk"), ticketId: z.string().regex(/^\d{1,20}$/) }),
  z.object({
    kind: z.literal("github"),
    repo: z.string().regex(/^[\w.-]{1,100}\/[\w.-]{1,100}$/),
    number: z.int().positive(),
  }),
  z.object({
    kind: z.literal("slack"),
    channel: z.string().regex(/^[A-Z0-9]{1,40}$/),
    /** The message itself (reactions go there), and the thread it is in or starts (replies go there). */
    ts: z.string().regex(/^\d{1,12}\.\d{1,20}$/),
    threadTs: z.string().regex(/^\d{1,12}\.\d{1,20}$/),
  }),
]);
export type TicketOrigin = z.infer<typeof ticketOriginSchema>;

export const ticketSchema = z.object({
  /** Unique within the source: the provider's ticket, issue or message id. */
  externalId: z.string().min(1).max(500),
  subject: z.string().trim().min(1).max(1000),
  description: z.string().max(50_000).optional(),
  requesterEmail: z
    .email()
    .transform((email) => email.toLowerCase())
    .optional(),
  requesterName: z.string().max(500).optional(),
  url: z.string().max(2000).optional(),
  /** Absent for custom sources, or when the payload's ids do not look like the provider's. */
  origin: ticketOriginSchema.optional().catch(undefined),
});
export type Ticket = z.infer<typeof ticketSchema>;

export const paymentStatuses = ["succeeded", "pending", "failed", "disputed", "refunded"] as const;

export const paymentSchema = z.object({
  externalId: z.string().min(1).max(500),
  /** In the currency's minor unit. */
  amount: z.number().int(),
  currency: z
    .string()
    .length(3)
    .transform((currency) => currency.toLowerCase()),
  status: z.enum(paymentStatuses),
  email: z
    .email()
    .transform((email) => email.toLowerCase())
    .optional(),
  customerName: z.string().max(500).optional(),
  failureReason: z.string().max(2000).optional(),
  /** What happened, in the provider's words (`invoice.payment_failed`, `orders/create`). */
  kind: z.string().max(200),
});
export type Payment = z.infer<typeof paymentSchema>;

/** Failed and disputed payments are the ones worth a model's attention. */
export function needsAttention(payment: Payment): boolean {
  return payment.status === "failed" || payment.status === "disputed";
}
