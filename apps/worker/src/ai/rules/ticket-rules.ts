import type { TicketAnalysis } from "../schemas.js";
import type { TicketInput } from "../tasks/ticket-task.js";
import { firstSentence, readable } from "./signals.js";

const urgentWords = /\b(down|outage|urgent|asap|emergency|losing|all (our )?(customers|users|deployments)|production|segfault)\b/gi;
const problemWords = /\b(error|errors|fail|fails|failed|failing|broken|bug|cannot|can't|crash|crashes|crashed)\b/gi;
const lowWords = /\b(question|typo|how do i|where can i|docs|documentation)\b/i;

const categories: Array<[RegExp, TicketAnalysis["category"]]> = [
  [/\b(down|outage)\b/i, "outage"],
  [/\b(invoice|billing|refund|charge|payment|subscription)\b/i, "billing"],
  [/\b(error|bug|crash|fail\w*|broken|segfault)\b/i, "bug"],
  [/\b(password|login|log in|sign in|account|2fa)\b/i, "account"],
  [/\b(feature|would be nice|please add|suggestion)\b/i, "feature-request"],
  [/\b(how do i|where can i|how to|question)\b/i, "how-to"],
];

function count(pattern: RegExp, text: string): number {
  return new Set((text.match(pattern) ?? []).map((word) => word.toLowerCase())).size;
}

export function ticketRules(input: TicketInput): TicketAnalysis {
  const text = readable(`${input.subject}\n${input.description ?? ""}`);
  const urgent = count(urgentWords, text);
  const problems = count(problemWords, text);
  const priority =
    urgent >= 2 || (urgent >= 1 && problems >= 1) ? "urgent" : urgent + problems > 0 ? "high" : lowWords.test(text) ? "low" : "normal";
  const category = categories.find(([pattern]) => pattern.test(text))?.[1] ?? "other";
  const sentiment = /(!|frustrat|angry|unacceptable|terrible|losing|disappoint)/i.test(text)
    ? "negative"
    : /\b(thanks|thank you|great|love|appreciate)\b/i.test(text)
      ? "positive"
      : "neutral";
  const greeting = input.requesterName ? `Hi ${input.requesterName},` : "Hello,";
  const draftReply =
    priority === "urgent"
      ? `${greeting}\n\nThank you for reporting this. We are treating it as urgent and an engineer is looking into it now; we will update you within the hour.`
      : `${greeting}\n\nThank you for getting in touch. We have received your request and will get back to you shortly.`;
  return { priority, category, sentiment, summary: firstSentence(readable(input.description ?? input.subject)) || input.subject, draftReply };
}
