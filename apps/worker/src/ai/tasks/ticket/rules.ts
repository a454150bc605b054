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
  const found = new Set(signalNames(ticketSignals, text));
  // A denied signal is no signal: "there is no workaround" is not a workaround.
  if (found.has("noWorkaround")) found.delete("workaround");
  if (found.has("notDown")) found.delete("outage");
  if (found.has("noDeadline")) found.delete("deadline");
  // "A colleague can't upload; everyone else can": one person, not everyone.
  if (found.has("onePerson")) found.delete("everyone");
  const features = [...found].map((name) => `s:${name}`);
  // Harm that reaches everyone is what separates urgent from high: the pairs are features too.
  const has = (name: string): boolean => features.includes(`s:${name}`);
  if (has("everyone") && !has("partial") && (has("outage") || has("broken"))) features.push("x:everyoneBroken");
  if ((has("security") || has("dataLoss") || has("money")) && (has("everyone") || has("many")) && !has("partial"))
    features.push("x:harmAtScale");
  if (has("broken") && has("workaround")) features.push("x:brokenWithWorkaround");
  for (const word of words(text)) if (!labelWords.has(word)) features.push(`w:${word}`);
  return features;
}

/** Harm to the customer's business now: the rubric's urgent. */
const harmNow = ["outage", "security", "dataLoss", "money"];
/** Anything a customer suffers from; a ticket with none of it is never high or urgent. A deadline alone is no harm. */
const anyHarm = [...harmNow, "broken", "partial", "many", "overcharge", "largeAmount"];
/** What keeps a ticket from being low: something wrong that costs the customer. */
const neverLow = ["outage", "security", "money", "dataLoss", "overcharge"];

const has = (signals: ReadonlySet<string>, names: readonly string[]): boolean =>
  names.some((name) => signals.has(name));

/**
 * The rubric's hard lines around the learnt weights: urgent needs harm now (an outage, a
 * security incident, lost data, money) and no workaround, high needs some harm, and low is
 * never a ticket that reports something wrong that costs the customer, nor a broken thing
 * with a deadline. A security incident is urgent outright.
 */
function allows(priority: string, signals: ReadonlySet<string>): boolean {
  if (priority === "urgent")
    return has(signals, harmNow) && !(signals.has("workaround") && !has(signals, ["security", "dataLoss"]));
  if (priority === "high") return has(signals, anyHarm);
  if (priority === "low")
    return !has(signals, neverLow) && !(signals.has("deadline") && has(signals, ["broken", "partial"]));
  return true;
}

/**
 * The rubric's floors the model may not go under: a double charge or a wrong invoice for a
 * large amount is high; "not urgent", "just curious" with nothing broken and nothing to bill is low.
 */
function floor(signals: ReadonlySet<string>): string | undefined {
  if (signals.has("overcharge") && signals.has("largeAmount")) return "high";
  return undefined;
}

/** "Not urgent", "just curious", "you can close this" with nothing wrong and nothing to bill: low. */
function onlyLow(signals: ReadonlySet<string>): boolean {
  return signals.has("notUrgent") && !has(signals, anyHarm) && !signals.has("billingAdmin") && !signals.has("deadline");
}

const order = ["low", "normal", "high", "urgent"];
const atLeast = (priority: string, min: string | undefined): boolean =>
  min === undefined || order.indexOf(priority) >= order.indexOf(min);

/** The rubric's "business stopped": an outage, lost data or failing payments that reach everyone or many. */
function stopped(signals: ReadonlySet<string>): boolean {
  const wide = signals.has("everyone") || signals.has("many");
  // A calm "the site has been down since 9:00" is urgent too: an outage going on now.
  return (
    ((wide && (signals.has("outage") || signals.has("dataLoss") || signals.has("money"))) ||
      (signals.has("outage") && signals.has("now")) ||
      (signals.has("allCustomers") && (signals.has("outage") || signals.has("broken")))) &&
    !signals.has("partial") &&
    !signals.has("workaround")
  );
}

const categories: Array<[string, TicketAnalysis["category"]]> = [
  ["outage", "outage"],
  ["money", "billing"],
  ["overcharge", "billing"],
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
      : onlyLow(signals)
        ? "low"
        : model.classes
            .filter((name) => allows(name, signals) && atLeast(name, floor(signals)))
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
