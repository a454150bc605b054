import type { TicketAnalysis } from "../schemas.js";
import type { TicketInput } from "../tasks/ticket-task.js";
import { ticketDraft } from "./ticket-draft.js";
import { predict, type LinearModel } from "./linear-model.js";
import { ticketModel } from "./ticket-model.generated.js";
import { ticketSignals } from "./ticket-signals.js";
import { firstSentence, foldText, readable, signalNames, words } from "./signals.js";

/** Words that only name a priority: shouting "URGENT" is tone, not harm (docs/ai.md). */
const labelWords = new Set(["urgent", "urgente", "urgentissimo", "dringend", "asap", "critical", "high", "low", "normal", "priority"]);

/** The features the ticket model reads: the rubric's signals and the words of subject and description. */
export function ticketFeatures(input: TicketInput): string[] {
  const text = foldText(`${input.subject}\n${input.description ?? ""}`);
  const features = signalNames(ticketSignals, text).map((name) => `s:${name}`);
  // Harm that reaches everyone is what separates urgent from high: the pairs are features too.
  const has = (name: string): boolean => features.includes(`s:${name}`);
  if (has("everyone") && (has("outage") || has("broken"))) features.push("x:everyoneBroken");
  if ((has("security") || has("dataLoss") || has("money")) && (has("everyone") || has("many"))) features.push("x:harmAtScale");
  if (has("broken") && has("workaround")) features.push("x:brokenWithWorkaround");
  for (const word of words(text)) if (!labelWords.has(word)) features.push(`w:${word}`);
  return features;
}

const categories: Array<[string, TicketAnalysis["category"]]> = [
  ["outage", "outage"],
  ["money", "billing"],
  ["billingAdmin", "billing"],
  ["featureRequest", "feature-request"],
  ["howTo", "how-to"],
  ["broken", "bug"],
  ["dataLoss", "bug"],
];

/** The offline answer for a ticket, from a given model (the shipped one, or a fold's in cross-validation). */
export function ticketAnalysis(input: TicketInput, model: LinearModel): TicketAnalysis {
  const features = ticketFeatures(input);
  const signals = new Set(features.filter((feature) => feature.startsWith("s:")).map((feature) => feature.slice(2)));
  const priority = predict(model, features).label as TicketAnalysis["priority"];
  const category = signals.has("security") ? "account" : (categories.find(([signal]) => signals.has(signal))?.[1] ?? "other");
  const text = foldText(`${input.subject}\n${input.description ?? ""}`);
  const sentiment = /(!!|frustrat|angry|unacceptable|terrible|still not|fourth time|insostenible|exploding)/.test(text)
    ? "negative"
    : signals.has("praise")
      ? "positive"
      : "neutral";
  const summary = firstSentence(readable(input.description ?? input.subject)) || input.subject;
  return { priority, category, sentiment, summary, draftReply: ticketDraft(priority, category, input) };
}

export function ticketRules(input: TicketInput): TicketAnalysis {
  return ticketAnalysis(input, ticketModel);
}
