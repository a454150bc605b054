import { type LinearModel, predict } from "../../linear-model.js";
import { countLinks, foldText, quote, signalNames, words } from "../../rules-text.js";
import { leadDraft } from "./draft.js";
import type { LeadInput } from "./input.js";
import { leadModel } from "./model.generated.js";
import type { LeadAnalysis } from "./schema.js";
import { leadSignals } from "./signals.js";

const freeMail =
  /^(gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|aol|proton|protonmail|gmx|web|mail|yandex|qq|163|orange|free|wanadoo|libero|mailinator|yopmail)\./i;
const linkWords = new Set(["http", "https", "www", "com"]);
/** Words that only name a label: text that asks for "hot" must not get it by asking. */
const labelWords = new Set(["hot", "warm", "cold", "spam"]);

/** Why a signal counts, for the answer's reasons. */
const explain: Record<string, string> = {
  timelineNow: "gives a near date or deadline",
  timelineLater: "plans for later, no urgency",
  budget: "mentions budget or money",
  size: "names a team size or volume",
  authority: "writes as someone who decides or buys",
  buyAction: "asks for a quote, contract or order",
  need: "states a concrete need",
  explore: "is exploring or asking about the product",
  notBuying: "shows no intent to buy",
  selling: "is selling to us",
  scam: "reads like a scam or junk mail",
  injection: "tries to instruct the classifier (ignored)",
  gibberish: "is not a real message",
};

/** Signals of a genuine request: an injection attempt with none of these is spam. */
const request = new Set(["need", "buyAction", "size", "timelineNow", "explore", "budget"]);
/** Never a prospect, whatever buying words come with it (the CEO gift-card scam asks for a purchase). */
const junk = new Set(["scam", "gibberish"]);

/** The features the lead model reads: the rubric's signals, the form's fields and the words. */
export function leadFeatures(input: LeadInput): string[] {
  const text = foldText(input.message ?? "");
  return featuresOf(input, text, signalNames(leadSignals, text));
}

/** The features, from the folded message and the signals found in it. */
function featuresOf(input: LeadInput, text: string, signals: readonly string[]): string[] {
  // An injection attempt is noted in the reasons but never weighed: it must not move the label.
  const features = signals.filter((name) => name !== "injection").map((name) => `s:${name}`);
  if (input.company) features.push("f:company");
  if (input.emailDomain) features.push(freeMail.test(input.emailDomain) ? "f:freeMail" : "f:companyMail");
  const links = countLinks(text);
  if (links > 0) features.push(links >= 3 ? "f:links3" : "f:link");
  // Links and hardly a word besides: a bot's submission, whatever the links say.
  if (links > 0 && words(text).filter((word) => !linkWords.has(word)).length < 3) features.push("f:onlyLinks");
  if (text.trim().length < 80) features.push("f:short");
  for (const word of words(text)) if (!labelWords.has(word)) features.push(`w:${word}`);
  return features;
}

/** The offline answer for a lead, from a given model (the shipped one, or a fold's in cross-validation). */
export function leadAnalysis(input: LeadInput, model: LinearModel): LeadAnalysis {
  const text = foldText(input.message ?? "");
  const signals = signalNames(leadSignals, text);
  const features = featuresOf(input, text, signals);
  const reasons = signals.map((name) => `the message ${explain[name] ?? name}`);
  if (features.includes("f:links3") || features.includes("f:onlyLinks")) reasons.unshift("the message is mostly links");
  let category: LeadAnalysis["category"];
  let urgency: number;
  if (!(input.message ?? "").trim()) {
    // A lead-ad form carries no message: the rubric reads the company and the address alone.
    category = input.company && features.includes("f:companyMail") ? "warm" : "cold";
    urgency = category === "warm" ? 40 : 10;
    reasons.push(
      category === "warm"
        ? `a form from ${quote(input.company ?? "")}, on a company address`
        : "a form with no message and no company",
    );
  } else if (
    features.includes("f:onlyLinks") ||
    (signals.includes("injection") && !signals.some((name) => request.has(name))) ||
    signals.some((name) => junk.has(name))
  ) {
    // The rubric: links with no message, a message that only tries to steer the classifier,
    // a scam and gibberish are spam, whatever else they say.
    category = "spam";
    urgency = 0;
  } else {
    // The rubric's lines between the labels (two kinds of evidence for hot, a seller for
    // spam) are in the signals the model weighs: fixed rules around it lost agreement under
    // cross-validation once the train split held cases written by other people.
    const { label, probabilities: p } = predict(model, features);
    category = label as LeadAnalysis["category"];
    const of = (name: string): number => p[model.classes.indexOf(name)] ?? 0;
    urgency = category === "spam" ? 0 : Math.round(100 * (of("hot") + 0.5 * of("warm")));
  }
  if (input.company) reasons.push(`names a company (${quote(input.company)})`);
  if (reasons.length === 0) reasons.push("no buying signal in the submission");
  return { category, urgency, reasons: reasons.slice(0, 5), draftReply: leadDraft(category, input, signals) };
}

export function leadRules(input: LeadInput): LeadAnalysis {
  return leadAnalysis(input, leadModel);
}
