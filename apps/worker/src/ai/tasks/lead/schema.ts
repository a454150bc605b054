import { z } from "zod";

/**
 * What the model may answer about a lead. The answer can only fill these fields: nothing in
 * it is executed, and the pipeline decides every action from the validated values.
 */
export const leadAnalysisSchema = z.object({
  category: z.enum(["hot", "warm", "cold", "spam"]),
  urgency: z.int().min(0).max(100),
  reasons: z.array(z.string().max(500)).min(1).max(5),
  draftReply: z.string().max(5000),
});
export type LeadAnalysis = z.infer<typeof leadAnalysisSchema>;
