import type { Lead } from "@aiops/shared/canonical";

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
