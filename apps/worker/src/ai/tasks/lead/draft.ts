import { greeting } from "../../rules-text.js";
import type { LeadInput } from "./input.js";
import type { LeadAnalysis } from "./schema.js";

/**
 * The offline provider's first reply to a lead, written as a salesperson would: to the person,
 * about their request, ending with the one question that moves it on. Spam gets no reply.
 */
export function leadDraft(category: LeadAnalysis["category"], input: LeadInput, signals: readonly string[]): string {
  if (category === "spam") return "";
  const who = input.company ? ` at ${input.company}` : "";
  const hello = greeting(input.name);
  const sign = "\n\nBest regards";
  if (category === "hot") {
    const ask = signals.includes("buyAction")
      ? "I'll prepare the quote and paperwork you asked for. To get the numbers right: how many seats do you need from day one, and who should the documents be addressed to?"
      : "Could we set up a 30-minute call in the next two days to go through your requirements and timeline? Send me two times that suit you and I'll confirm one.";
    return `${hello}\n\nThank you for getting in touch about a rollout${who}; it sounds like timing matters, so I'll keep this short. ${ask}${sign}`;
  }
  if (category === "warm")
    return `${hello}\n\nThanks for your interest in our helpdesk${who}. I'm happy to send pricing and answer your questions. So I can point you to the right plan: how many people would use it, and roughly when are you hoping to decide?${sign}`;
  return `${hello}\n\nThanks for your message${who}. It doesn't look like there is anything for our sales team to follow up, so I'll leave it here; if I've misread it, just reply and tell me what you need.${sign}`;
}
