// How the offline rules read text and quote it, shared by every task's rules and drafts.

/** A keyword rule of the offline provider: a pattern, its weight and the reason it gives. */
export interface Signal {
  pattern: RegExp;
  weight: number;
  reason: string;
}

/**
 * How much of a text the offline rules read. Their keywords sit near the start of a message,
 * and a bounded input bounds the time any rule can take, whatever a sender puts in a form.
 */
export const RULES_MAX_TEXT_CHARS = 10_000;

/** The part of a text the rules read: its first `RULES_MAX_TEXT_CHARS` characters. */
export function readable(text: string): string {
  return text.length > RULES_MAX_TEXT_CHARS ? text.slice(0, RULES_MAX_TEXT_CHARS) : text;
}

export function matching(signals: readonly Signal[], text: string): Signal[] {
  return signals.filter((signal) => signal.pattern.test(text));
}

export function clamp(value: number, min = 0, max = 100): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}

/**
 * Payload text quoted inside a reason, shortened: a reason holds 500 characters at most, and a
 * company name or failure reason may be longer.
 */
export function quote(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const space = /\s/;

/**
 * Links in a text: `http://` or `https://` and at least one character of address. Counted in
 * one pass; a regular expression that finds "three links" backtracks over the text between them.
 */
export function countLinks(text: string): number {
  const lower = text.toLowerCase();
  let links = 0;
  let at = lower.indexOf("http");
  while (at !== -1) {
    const address = lower.startsWith("s://", at + 4) ? at + 8 : lower.startsWith("://", at + 4) ? at + 7 : -1;
    const next = address === -1 ? undefined : lower[address];
    const isLink = next !== undefined && !space.test(next);
    if (isLink) links += 1;
    // A link's first address character is its own, as the pattern this replaces had it.
    at = lower.indexOf("http", isLink ? address + 1 : at + 4);
  }
  return links;
}

/** "Hi Priya," from "Priya Raman"; "Hello," when the form gave no name. */
export function greeting(name: string | undefined): string {
  const first = name?.trim().split(/\s+/)[0];
  return first ? `Hi ${first},` : "Hello,";
}

/** The first sentence of a text, shortened: the offline provider's summary. */
export function firstSentence(text: string, max = 200): string {
  let end = 0;
  // A sentence ends at a line break, or at a space after `.`, `!` or `?`.
  while (end < text.length && text[end] !== "\n" && !(space.test(text[end]!) && ".!?".includes(text[end - 1] ?? "x")))
    end += 1;
  const sentence = text.slice(0, end).trim();
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

const tag = /<[^<>]*>/g;
const marks = /\p{M}/gu;

/**
 * The form every keyword list is written for: HTML tags dropped, lower case, accents folded
 * ("Löschung" reads "loschung", "não" reads "nao"), so one list covers the ways people type.
 */
export function foldText(text: string): string {
  return readable(text).replace(tag, " ").normalize("NFD").replace(marks, "").toLowerCase();
}

const wordBreak = /[^\p{L}\p{N}]+/u;
const ideographic = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * The words of a folded text, as model features. Scripts written without spaces (Japanese,
 * Chinese) give their character pairs instead, so a phrase there is still a feature.
 */
export function words(folded: string): string[] {
  const out: string[] = [];
  for (const token of folded.split(wordBreak)) {
    if (token.length === 0) continue;
    if (!ideographic.test(token)) {
      if (token.length > 1 && token.length < 30) out.push(token);
      continue;
    }
    const chars = [...token];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/**
 * The names of the signals whose pattern occurs in the text. A signal may be several patterns:
 * words of scripts without spaces (Japanese, Chinese) sit in a pattern of their own, as a word
 * boundary means nothing there and mixing the two makes a pattern harder to prove linear.
 */
export function signalNames(signals: Readonly<Record<string, RegExp | readonly RegExp[]>>, folded: string): string[] {
  return Object.entries(signals)
    .filter(([, patterns]) =>
      (Array.isArray(patterns) ? patterns : [patterns]).some((pattern: RegExp) => pattern.test(folded)),
    )
    .map(([name]) => name);
}
