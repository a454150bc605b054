import { z } from "zod";

/** A Lead Ads lead as the Graph API returns it (`GET /{leadgen-id}`): the form's answers in `field_data`. */
export const metaLeadSchema = z.object({
  id: z.string(),
  form_id: z.string().optional(),
  created_time: z.string().optional(),
  field_data: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
});
export type MetaLead = z.infer<typeof metaLeadSchema>;
