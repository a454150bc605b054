import { type LinearModel, predict } from "../../linear-model.js";
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

/**
 * The features the ticket model reads: the rubric's signals, every pair of them, and the
 * words of subject and description, with their stems and the pairs of adjacent words. The
 * signal pairs carry the rubric's combinations (harm that reaches everyone, harm going on
 * now, a broken thing with a workaround) for the model to weigh, where fixed rules around the
 * model lost agreement under cross-validation.
 */
export function ticketFeatures(input: TicketInput): string[] {
  return featuresOf(ticketText(input));
}

/** Subject and description, folded: the text every ticket rule reads. */
const ticketText = (input: TicketInput): string => foldText(`${input.subject}\n${input.description ?? ""}`);

function featuresOf(text: string): string[] {
  const signals = signalsIn(text);
  const features = signals.map((name) => `s:${name}`);
  // A thread's newest message, on its own as well: what it says now can outweigh what it quotes.
  const latest = latestMessage(text);
  if (latest !== text) features.push("f:quoted", ...signalsIn(latest).map((name) => `h:${name}`));
  for (let a = 0; a < signals.length; a++)
    for (let b = a + 1; b < signals.length; b++) features.push(`p:${signals[a]}&${signals[b]}`);
  const all = words(text);
  for (const [i, word] of all.entries()) {
    if (labelWords.has(word)) continue;
    features.push(`w:${word}`);
    // Its stem (the first five letters), shared by a word's forms: "bloqueado", "bloqueados".
    if (word.length > 5) features.push(`x:${word.slice(0, 5)}`);
    // The pair it starts: "not working", "every order" say more than their words alone.
    const next = all[i + 1];
    if (next !== undefined && !labelWords.has(next)) features.push(`b:${word} ${next}`);
  }
  return features;
}

/** The rubric's signals in a folded text, sorted, with each denied one taken out. */
function signalsIn(text: string): string[] {
  const found = new Set(signalNames(ticketSignals, text));
  // A denied signal is no signal: "there is no workaround" is not a workaround.
  if (found.has("noWorkaround")) found.delete("workaround");
  if (found.has("notDown")) found.delete("outage");
  if (found.has("noDeadline")) found.delete("deadline");
  // "A colleague can't upload; everyone else can": one person, not everyone.
  if (found.has("onePerson")) found.delete("everyone");
  return [...found].sort();
}

/**
 * Where a reply or a forward begins the message it quotes: a `>` line, "On … wrote:", a
 * forwarded or original message's header. Each test is short, so that each pattern stays
 * linear for recheck without a long bounded repeat.
 */
const quoteStart = (line: string): boolean =>
  line.startsWith(">") ||
  (/^(on|am|le|el|em|il|op|den|dne) /.test(line) && wroteLine.test(line)) ||
  (/^-{2,}/.test(line) && forwardWords.test(line)) ||
  headerLine.test(line);
const wroteLine = /\b(wrote|schrieb|a ecrit|escribio|escreveu|ha scritto|schreef|skrev|napsal|napsala):?$/;
const forwardWords =
  /\b(original|forwarded|weitergeleitet[a-z]{0,2}|transfere|reenviado|encaminhad[a-z]{0,2}|inoltrat[a-z]{0,2}|doorgestuurd|oryginaln[a-z]{0,2}|vidaresand|videresendt|puvodni)\b/;
const headerLine = /^(from|de|von|od|da|van|fra|fran|kimden) ?: /;

/** The newest message of a thread: the text before the first quoted line. */
export function latestMessage(text: string): string {
  const lines = text.split("\n");
  const at = lines.findIndex((line) => quoteStart(line.trim()));
  return at > 0 ? lines.slice(0, at).join("\n") : text;
}

/** Already solved, says the newest message (the whole ticket when it quotes nothing): low, whatever it quotes (docs/ai.md). */
const solved = (features: readonly string[]): boolean =>
  features.includes("f:quoted") ? features.includes("h:solved") : features.includes("s:solved");

/** A security incident is urgent outright (docs/ai.md), unless the ticket only asks about security or wishes for a feature. */
const incident = (signals: ReadonlySet<string>): boolean =>
  signals.has("security") && !signals.has("howTo") && !signals.has("featureRequest") && !signals.has("attempt");

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
  const text = ticketText(input);
  const features = featuresOf(text);
  const signals = new Set(features.filter((feature) => feature.startsWith("s:")).map((feature) => feature.slice(2)));
  const priority = (
    solved(features) ? "low" : incident(signals) ? "urgent" : predict(model, features).label
  ) as TicketAnalysis["priority"];
  const category = signals.has("security")
    ? "account"
    : (categories.find(([signal]) => signals.has(signal))?.[1] ?? "other");
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
