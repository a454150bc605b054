import { z } from "zod";

/**
 * What the model may answer, per task. The answer can only fill these fields: nothing in it
 * is executed, and the pipeline decides every action from the validated values.
 */
export const leadAnalysisSchema = z.object({
  category: z.enum(["hot", "warm", "cold", "spam"]),
  urgency: z.int().min(0).max(100),
  reasons: z.array(z.string().max(500)).min(1).max(5),
  draftReply: z.string().max(5000),
});
export type LeadAnalysis = z.infer<typeof leadAnalysisSchema>;

export const ticketAnalysisSchema = z.object({
  priority: z.enum(["urgent", "high", "normal", "low"]),
  category: z.enum(["outage", "bug", "billing", "account", "how-to", "feature-request", "other"]),
  sentiment: z.enum(["positive", "neutral", "negative"]),
  summary: z.string().max(1000),
  draftReply: z.string().max(5000),
});
export type TicketAnalysis = z.infer<typeof ticketAnalysisSchema>;

export const paymentAnalysisSchema = z.object({
  risk: z.enum(["low", "medium", "high"]),
  reasons: z.array(z.string().max(500)).min(1).max(5),
  customerMessage: z.string().max(5000),
});
export type PaymentAnalysis = z.infer<typeof paymentAnalysisSchema>;
