import { type LinearModel, probabilities } from "../../linear-model.js";
import { firstSentence, foldText, readable, signalNames, words } from "../../rules-text.js";
import { ticketDraft } from "./draft.js";
import type { TicketInput } from "./input.js";
import { ticketModel } from "./model.generated.js";
import type { TicketAnalysis } from "./schema.js";
import { ticketSignals } from "./signals.js";

/** Words that only name a priority: shouting "URGENT" is tone, not harm (docs/ai.md). */
const labelWords = new Set([
  "urgent",
  "urgente",
  "urgentissimo",
  "dringend",
  "asap",
  "critical",
  "high",
  "low",
  "normal",
  "priority",
]);

/** The features the ticket model reads: the rubric's signals and the words of subject and description. */
export function ticketFeatures(input: TicketInput): string[] {
  const text = foldText(`${input.subject}\n${input.description ?? ""}`);
  const features = signalNames(ticketSignals, text).map((name) => `s:${name}`);
  // Harm that reaches everyone is what separates urgent from high: the pairs are features too.
  const has = (name: string): boolean => features.includes(`s:${name}`);
  if (has("everyone") && (has("outage") || has("broken"))) features.push("x:everyoneBroken");
  if ((has("security") || has("dataLoss") || has("money")) && (has("everyone") || has("many")))
    features.push("x:harmAtScale");
  if (has("broken") && has("workaround")) features.push("x:brokenWithWorkaround");
  for (const word of words(text)) if (!labelWords.has(word)) features.push(`w:${word}`);
  return features;
}

/** Harm to the customer's business now: the rubric's urgent. */
const harmNow = ["outage", "security", "dataLoss", "money"];
/** Anything a customer suffers from; a ticket with none of it is never high or urgent. */
const anyHarm = [...harmNow, "broken", "deadline", "partial", "many"];

/**
 * The rubric's hard lines around the learnt weights: urgent needs harm now (an outage, a
 * security incident, lost data, money), high needs some harm, and low is never a ticket that
 * reports an outage, an incident or money going wrong. A security incident is urgent outright.
 */
function allows(priority: string, signals: ReadonlySet<string>): boolean {
  if (priority === "urgent") return harmNow.some((name) => signals.has(name));
  if (priority === "high") return anyHarm.some((name) => signals.has(name));
  if (priority === "low") return !["outage", "security", "money"].some((name) => signals.has(name));
  return true;
}

/** The rubric's "business stopped": an outage, lost data or failing payments that reach everyone or many. */
function stopped(signals: ReadonlySet<string>): boolean {
  const wide = signals.has("everyone") || signals.has("many");
  return (
    wide &&
    (signals.has("outage") || signals.has("dataLoss") || signals.has("money")) &&
    !signals.has("partial") &&
    !signals.has("workaround")
  );
}

const categories: Array<[string, TicketAnalysis["category"]]> = [
  ["outage", "outage"],
  ["money", "billing"],
  ["featureRequest", "feature-request"],
  ["howTo", "how-to"],
  ["billingAdmin", "billing"],
  ["broken", "bug"],
  ["dataLoss", "bug"],
];

/** The offline answer for a ticket, from a given model (the shipped one, or a fold's in cross-validation). */
export function ticketAnalysis(input: TicketInput, model: LinearModel): TicketAnalysis {
  const features = ticketFeatures(input);
  const signals = new Set(features.filter((feature) => feature.startsWith("s:")).map((feature) => feature.slice(2)));
  const p = probabilities(model, features);
  const priority = (
    (signals.has("security") && !signals.has("howTo") && !signals.has("featureRequest")) || stopped(signals)
      ? "urgent"
      : model.classes
          .filter((name) => allows(name, signals))
          .reduce((best, name) => (p[model.classes.indexOf(name)]! > p[model.classes.indexOf(best)]! ? name : best))
  ) as TicketAnalysis["priority"];
  const category = signals.has("security")
    ? "account"
    : (categories.find(([signal]) => signals.has(signal))?.[1] ?? "other");
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
