import { z } from "zod";

/** What the model may answer about a ticket; as for every task, only values the pipeline acts on. */
export const ticketAnalysisSchema = z.object({
  priority: z.enum(["urgent", "high", "normal", "low"]),
  category: z.enum(["outage", "bug", "billing", "account", "how-to", "feature-request", "other"]),
  sentiment: z.enum(["positive", "neutral", "negative"]),
  summary: z.string().max(1000),
  draftReply: z.string().max(5000),
});
export type TicketAnalysis = z.infer<typeof ticketAnalysisSchema>;
