import { autoSends, type Config, channelConfigured, type DraftChannel, type EventType } from "@aiops/shared";
import { type Lead, type Payment, type Ticket, ticketOriginSchema } from "@aiops/shared/canonical";
import { z } from "zod";
import type { LeadAnalysis } from "../ai/tasks/lead/schema.js";
import type { PaymentAnalysis } from "../ai/tasks/payment/schema.js";
import type { TicketAnalysis } from "../ai/tasks/ticket/schema.js";

/** Where a draft's channel sends it: the ticket where it came from, or an email address. */
export const draftTargetSchema = z.discriminatedUnion("kind", [
  ...ticketOriginSchema.options,
  z.object({ kind: z.literal("email"), email: z.email() }),
  z.object({ kind: z.literal("none") }),
]);
export type DraftTarget = z.infer<typeof draftTargetSchema>;

/** A drafted reply as the pipeline hands it over, before it is stored. */
export interface NewDraft {
  type: Exclude<EventType, "ignored">;
  /** `lead:hot`, `ticket:low`, `payment:failed`: what AUTO_SEND matches. */
  kind: string;
  channel: DraftChannel;
  target: DraftTarget;
  recipient?: string;
  subject: string;
  body: string;
  reasons: string[];
}

function emailTarget(email: string | undefined): Pick<NewDraft, "channel" | "target" | "recipient"> {
  return email
    ? { channel: "email", target: { kind: "email", email }, recipient: email }
    : { channel: "none", target: { kind: "none" } };
}

export function leadDraft(lead: Lead, analysis: LeadAnalysis): NewDraft {
  return {
    type: "lead",
    kind: `lead:${analysis.category}`,
    ...emailTarget(lead.email),
    subject: lead.company ? `Your enquiry for ${lead.company}` : "Your enquiry",
    body: analysis.draftReply,
    reasons: analysis.reasons,
  };
}

/** A ticket is answered where it was opened; a ticket from elsewhere by email to its requester. */
export function ticketDraft(ticket: Ticket, analysis: TicketAnalysis): NewDraft {
  const origin = ticket.origin;
  const where = origin
    ? {
        channel: origin.kind,
        target: origin,
        recipient:
          origin.kind === "zendesk"
            ? `Zendesk ticket #${origin.ticketId}`
            : origin.kind === "github"
              ? `${origin.repo}#${origin.number}`
              : `Slack ${origin.channel} thread ${origin.threadTs}`,
      }
    : emailTarget(ticket.requesterEmail);
  return {
    type: "ticket",
    kind: `ticket:${analysis.priority}`,
    ...where,
    subject: `Re: ${ticket.subject}`,
    body: analysis.draftReply,
    reasons: [analysis.summary, `${analysis.priority} priority, ${analysis.category}, ${analysis.sentiment} sentiment`],
  };
}

/** Only a payment the AI looked at (a failure, a dispute) has a message to send. */
export function paymentDraft(payment: Payment, analysis: PaymentAnalysis | undefined): NewDraft | undefined {
  if (!analysis) return undefined;
  return {
    type: "payment",
    kind: `payment:${payment.status}`,
    ...emailTarget(payment.email),
    subject: payment.status === "disputed" ? "About your disputed payment" : "Your payment did not go through",
    body: analysis.customerMessage,
    reasons: analysis.reasons,
  };
}

/** Whether a draft goes out without review: AUTO_SEND names its kind, and its channel can send. */
export function sentWithoutReview(config: Config, draft: NewDraft): boolean {
  const [, kind = ""] = draft.kind.split(":");
  return autoSends(config, draft.type, kind) && channelConfigured(config, draft.channel);
}

/** What the CRM step's output says of the event's draft. */
export const draftRefSchema = z.object({ draftId: z.string().optional(), draftStatus: z.string().optional() });
