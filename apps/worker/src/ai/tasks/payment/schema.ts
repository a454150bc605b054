import { z } from "zod";

/** What the model may answer about a failed or disputed payment. */
export const paymentAnalysisSchema = z.object({
  risk: z.enum(["low", "medium", "high"]),
  reasons: z.array(z.string().max(500)).min(1).max(5),
  customerMessage: z.string().max(5000),
});
export type PaymentAnalysis = z.infer<typeof paymentAnalysisSchema>;
