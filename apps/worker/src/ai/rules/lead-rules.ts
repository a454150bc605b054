import type { LeadAnalysis } from "../schemas.js";
import type { LeadInput } from "../tasks/lead-task.js";
import { clamp, countLinks, matching, readable, type Signal } from "./signals.js";

const buying: Signal[] = [
  { pattern: /\b(budget|approved|purchase|buy|quote|pricing|contract|invoice us)\b/i, weight: 25, reason: "states buying intent" },
  { pattern: /\b(asap|urgent|this week|today|tomorrow|immediately)\b/i, weight: 20, reason: "asks for a quick answer" },
  { pattern: /\b(demo|call me|meeting|trial|talk to sales)\b/i, weight: 15, reason: "asks for a conversation" },
  { pattern: /\b\d{2,}[ \t]*(seats|users|licen[cs]es|employees)\b/i, weight: 20, reason: "names a team size" },
];
const spam: Signal[] = [
  { pattern: /\b(viagra|casino|backlinks?|seo services|crypto giveaway|loan offer|bitcoin doubler)\b/i, weight: 0, reason: "reads like spam" },
];
/** A message with this many links reads like link spam. */
const SPAM_LINKS = 3;
const freeMail = /^(gmail|yahoo|hotmail|outlook|icloud|aol|proton|protonmail|gmx|mail)\./i;

export function leadRules(input: LeadInput): LeadAnalysis {
  const text = readable(input.message ?? "");
  const spamHits = matching(spam, text).map((hit) => hit.reason);
  if (countLinks(text) >= SPAM_LINKS) spamHits.push("is mostly links");
  const greeting = input.name ? `Hi ${input.name.split(" ")[0]},` : "Hello,";
  if (spamHits.length > 0)
    return { category: "spam", urgency: 0, reasons: spamHits.map((reason) => `the message ${reason}`), draftReply: "" };

  const hits = matching(buying, text);
  const reasons = hits.map((hit) => `the message ${hit.reason}`);
  let urgency = 5 + hits.reduce((sum, hit) => sum + hit.weight, 0);
  if (input.company) {
    urgency += 10;
    reasons.push(`names a company (${input.company})`);
  }
  if (input.emailDomain && !freeMail.test(input.emailDomain)) {
    urgency += 5;
    reasons.push("writes from a company domain");
  }
  urgency = clamp(urgency);
  const category = urgency >= 60 ? "hot" : urgency >= 30 ? "warm" : "cold";
  if (reasons.length === 0) reasons.push("no buying signal in the submission");
  const draftReply =
    category === "hot"
      ? `${greeting}\n\nThank you for reaching out${input.company ? ` on behalf of ${input.company}` : ""}. I'd be glad to help: could we set up a short call in the next day or two? Reply with a time that suits you and I'll send an invite.\n\nBest regards`
      : `${greeting}\n\nThank you for your interest. I've attached an overview of what we offer; if you have any questions, just reply to this email.\n\nBest regards`;
  return { category, urgency, reasons: reasons.slice(0, 5), draftReply };
}
