import type { Lead } from "@aiops/shared/canonical";
import { loadPrompt } from "../prompt-files.js";
import { leadRules } from "../rules/lead-rules.js";
import { leadAnalysisSchema } from "../schemas.js";
import type { AiTask } from "../task.js";

/** What the model sees of a lead: no email address, only its domain. */
export interface LeadInput {
  name?: string;
  company?: string;
  emailDomain?: string;
  message?: string;
  source: string;
}

export function leadInput(lead: Lead, source: string): LeadInput {
  return {
    name: lead.name,
    company: lead.company,
    emailDomain: lead.email.split("@")[1],
    message: lead.message,
    source,
  };
}

export const leadTask: AiTask<LeadInput, typeof leadAnalysisSchema> = {
  name: "lead_analysis",
  promptVersion: "lead-v1",
  schema: leadAnalysisSchema,
  instructions: loadPrompt("lead_analysis", "lead-v1"),
  rules: leadRules,
};
