import { greeting } from "../../rules-text.js";
import type { TicketInput } from "./input.js";
import type { TicketAnalysis } from "./schema.js";

/** The subject as a reply quotes it: without "Re:"/"Fwd:" prefixes and shortened. */
export function quotedSubject(subject: string): string {
  let text = subject.trim();
  for (;;) {
    const lower = text.toLowerCase();
    const prefix = ["re:", "fwd:", "fw:", "aw:", "tr:"].find((p) => lower.startsWith(p));
    if (!prefix) break;
    text = text.slice(prefix.length).trim();
  }
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** The next question per priority and kind of request: what the support engineer needs to act. */
function nextStep(priority: TicketAnalysis["priority"], category: TicketAnalysis["category"]): string {
  if (priority === "urgent")
    return "We are treating this as urgent and an engineer is on it now. So we can narrow it down quickly: when did it start, and is every user affected or only some? We'll update you here as soon as we know more.";
  if (priority === "high" && category === "billing")
    return "Our billing team is checking the charges now. So we can match them quickly: could you confirm the invoice numbers, or the date and amount of each charge?";
  if (priority === "high")
    return "This is high on our list. Could you tell us how many people are affected, whether anything works as a stopgap, and any deadline we should know about?";
  if (category === "feature-request")
    return "I've passed the idea to our product team. What would it let your team do that is hard today? That helps them weigh it.";
  if (priority === "low")
    return "Nothing here needs urgent action on our side, but we've noted it. Is there anything else you'd like us to look at?";
  if (category === "how-to")
    return "We'll send you the steps. Which plan are you on, and where in the app are you trying to do this?";
  if (category === "billing")
    return "We'll sort this out with our billing team. Could you confirm the account or invoice number it concerns?";
  return "We're looking into it. Could you send the steps to reproduce it and a screenshot of what you see?";
}

/** The offline provider's reply to a ticket: to the requester, about their subject, with the next question. */
export function ticketDraft(
  priority: TicketAnalysis["priority"],
  category: TicketAnalysis["category"],
  input: TicketInput,
): string {
  return `${greeting(input.requesterName)}\n\nThanks for your message about "${quotedSubject(input.subject)}". ${nextStep(priority, category)}\n\nBest regards`;
}
