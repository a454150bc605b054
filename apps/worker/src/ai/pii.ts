/**
 * Personal data kept from the model (`AI_REDACT_PII`): email addresses, phone numbers,
 * card-like numbers (Luhn-checked) and IBANs (checksum-validated) in the text of a request
 * become placeholders such as `<EMAIL_1>`, and the answer gets the real values back.
 *
 * Detection is hand-written scanning, not regular expressions: each character is looked at
 * a bounded number of times, so a hostile form cannot make it slow.
 */

export type PiiKind = "EMAIL" | "PHONE" | "CARD" | "IBAN";

interface Match {
  start: number;
  end: number;
  kind: PiiKind;
}

/** Placeholders of one request, both ways: the same value always gets the same placeholder. */
export class PiiMap {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counts: Record<PiiKind, number> = { EMAIL: 0, PHONE: 0, CARD: 0, IBAN: 0 };

  get size(): number {
    return this.byPlaceholder.size;
  }

  placeholder(kind: PiiKind, value: string): string {
    const key = `${kind}:${normalise(kind, value)}`;
    const known = this.byValue.get(key);
    if (known) return known;
    const placeholder = `<${kind}_${++this.counts[kind]}>`;
    this.byValue.set(key, placeholder);
    this.byPlaceholder.set(placeholder, value);
    return placeholder;
  }

  /** The text with every placeholder of this request replaced by its value; anything else left as it is. */
  restore(text: string): string {
    if (this.byPlaceholder.size === 0) return text;
    let out = "";
    let from = 0;
    for (let open = text.indexOf("<"); open !== -1; open = text.indexOf("<", open + 1)) {
      // The longest placeholder is `<EMAIL_` plus a count: look no further for its `>`, so a
      // text of many `<` costs no more than its length.
      const near = text.slice(open, open + 17).indexOf(">");
      if (near === -1) continue;
      const close = open + near;
      const value = this.byPlaceholder.get(text.slice(open, close + 1));
      if (value === undefined) continue;
      out += text.slice(from, open) + value;
      from = close + 1;
      open = close;
    }
    return out + text.slice(from);
  }
}

function normalise(kind: PiiKind, value: string): string {
  if (kind === "EMAIL") return value.toLowerCase();
  if (kind === "IBAN") return compact(value).toUpperCase();
  let digits = "";
  for (const char of value) if (isDigit(char)) digits += char;
  return kind === "PHONE" && value.trimStart().startsWith("+") ? `+${digits}` : digits;
}

/** A copy of a JSON-like value with personal data in its strings replaced, and the map to undo it. */
export function redactPii<T>(value: T, map: PiiMap = new PiiMap()): { value: T; map: PiiMap } {
  return { value: mapStrings(value, (text) => redactText(text, map)), map };
}

/** A copy of a JSON-like value with the map's placeholders in its strings replaced by the real values. */
export function restorePii<T>(value: T, map: PiiMap): T {
  if (map.size === 0) return value;
  return mapStrings(value, (text) => map.restore(text));
}

export function redactText(text: string, map: PiiMap): string {
  const matches = findPii(text);
  if (matches.length === 0) return text;
  let out = "";
  let from = 0;
  for (const match of matches) {
    out += text.slice(from, match.start) + map.placeholder(match.kind, text.slice(match.start, match.end));
    from = match.end;
  }
  return out + text.slice(from);
}

/** Personal data in `text`, in order, not overlapping. */
export function findPii(text: string): Match[] {
  const matches: Match[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    let match = char === "@" ? email(text, index, matches.at(-1)?.end ?? 0) : undefined;
    let next = index + 1;
    if (!match && boundaryBefore(text, index)) {
      const account = iban(text, index);
      match = account.match;
      next = Math.max(next, account.end);
      if (!match && next === index + 1) {
        // A number that is neither a card nor a phone: its tail is not a fresh number either.
        const scanned = number(text, index);
        match = scanned.match;
        next = Math.max(next, scanned.end);
      }
    }
    if (match) {
      // An email found from its `@` starts before `index`; nothing before it was matched.
      matches.push(match);
      index = match.end;
    } else index = next;
  }
  return matches;
}

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= "0" && char <= "9";
const isLetter = (char: string | undefined): boolean =>
  char !== undefined && ((char >= "a" && char <= "z") || (char >= "A" && char <= "Z"));
const isAlnum = (char: string | undefined): boolean => isDigit(char) || isLetter(char);
const isLocalChar = (char: string | undefined): boolean =>
  isAlnum(char) || (char !== undefined && "._%+-".includes(char));
const isDomainChar = (char: string | undefined): boolean => isAlnum(char) || char === "-" || char === ".";

/** Not in the middle of a word or number. */
function boundaryBefore(text: string, index: number): boolean {
  return index === 0 || !isAlnum(text[index - 1]);
}

function compact(value: string): string {
  let out = "";
  for (const char of value) if (char !== " " && char !== "-") out += char;
  return out;
}

/** `local@domain.tld`, found from its `@`; the local part never reaches back past `floor`. */
function email(text: string, at: number, floor: number): Match | undefined {
  let start = at;
  while (start > floor && isLocalChar(text[start - 1])) start -= 1;
  while (start < at && (text[start] === "." || text[start] === "-")) start += 1;
  let end = at + 1;
  while (end < text.length && isDomainChar(text[end])) end += 1;
  while (end > at + 1 && (text[end - 1] === "." || text[end - 1] === "-")) end -= 1;
  if (start === at || end === at + 1) return undefined;
  const domain = text.slice(at + 1, end);
  const dot = domain.lastIndexOf(".");
  if (dot <= 0) return undefined;
  const tld = domain.slice(dot + 1);
  if (tld.length < 2 || ![...tld].every(isLetter)) return undefined;
  return { start, end, kind: "EMAIL" };
}

/**
 * An IBAN: a country code, two check digits and up to 30 letters or digits, written whole or
 * in groups split by single spaces. The longest run of groups whose mod-97 checksum holds wins.
 */
function iban(text: string, start: number): { match?: Match; end: number } {
  if (!isLetter(text[start]) || !isLetter(text[start + 1]) || !isDigit(text[start + 2]) || !isDigit(text[start + 3]))
    return { end: start + 1 };
  const ends: number[] = [];
  let length = 0;
  let index = start;
  while (index < text.length && length < 34) {
    if (isAlnum(text[index])) {
      length += 1;
      index += 1;
      continue;
    }
    if (text[index] === " " && isAlnum(text[index + 1])) {
      ends.push(index);
      index += 1;
      continue;
    }
    break;
  }
  if (!isAlnum(text[index])) ends.push(index);
  for (const end of ends.reverse()) {
    const candidate = compact(text.slice(start, end)).toUpperCase();
    if (candidate.length >= 15 && candidate.length <= 34 && ibanChecksumHolds(candidate))
      return { match: { start, end, kind: "IBAN" }, end };
  }
  // Shaped like an IBAN, checksum wrong: its digits are not a card or a phone either.
  return { end: index };
}

/** ISO 13616: the country code and check digits moved to the end, letters as 10–35, mod 97 is 1. */
export function ibanChecksumHolds(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = isDigit(char) ? Number(char) : char.charCodeAt(0) - 55;
    if (code < 0 || code > 35) return false;
    remainder = (code > 9 ? remainder * 100 + code : remainder * 10 + code) % 97;
  }
  return remainder === 1;
}

export function luhnHolds(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * A card number or a phone number: digits with single separators (space, dash, dot, brackets),
 * not glued to a word. A card is 13–19 digits split only by spaces or dashes whose Luhn check
 * holds. A phone is 8–15 digits that start with `+`, or 9–15 digits written with an area code
 * in brackets, separators, or a leading 0; a bare run of digits is an order number, a date is
 * too short, and a price has a comma or too few digits.
 */
function number(text: string, start: number): { match?: Match; end: number } {
  const first = text[start];
  if (!isDigit(first) && first !== "+" && first !== "(") return { end: start + 1 };
  let end = start + 1;
  let digits = isDigit(first) ? 1 : 0;
  // Separators count only once a digit follows them: a full stop after a number is not part of it.
  let separators = 0;
  let brackets = first === "(";
  let dots = false;
  let pending = { separators: 0, brackets: false, dots: false };
  let lastDigitEnd = isDigit(first) ? start + 1 : start;
  while (end < text.length && digits <= 19) {
    const char = text[end]!;
    if (isDigit(char)) {
      digits += 1;
      lastDigitEnd = end + 1;
      separators += pending.separators;
      brackets ||= pending.brackets;
      dots ||= pending.dots;
      pending = { separators: 0, brackets: false, dots: false };
    } else if (char === " " || char === "-" || char === "." || char === "(" || char === ")") {
      // Two separators in a row (other than a bracket next to a space) end the number.
      const previous = text[end - 1]!;
      if (
        !isDigit(previous) &&
        !(previous === ")" && char === " ") &&
        !(previous === " " && char === "(") &&
        previous !== "+"
      )
        break;
      pending.separators += 1;
      if (char === "(" || char === ")") pending.brackets = true;
      if (char === ".") pending.dots = true;
    } else break;
    end += 1;
  }
  const scanned = Math.max(start + 1, lastDigitEnd);
  // Glued to a word, or the local part of an email address (found from its `@`).
  if (lastDigitEnd === start || isAlnum(text[lastDigitEnd]) || text[lastDigitEnd] === "@" || text[lastDigitEnd] === "_")
    return { end: scanned };
  // A decimal or thousands comma right after: a price or a measurement.
  if (text[lastDigitEnd] === "," && isDigit(text[lastDigitEnd + 1])) return { end: scanned };
  const body = text.slice(start, lastDigitEnd);
  if (first !== "+" && first !== "(" && !brackets && !dots && digits >= 13 && digits <= 19 && luhnHolds(compact(body)))
    return { match: { start, end: lastDigitEnd, kind: "CARD" }, end: lastDigitEnd };
  const phone =
    digits <= 15 && ((first === "+" && digits >= 8) || (digits >= 9 && (brackets || separators > 0 || first === "0")));
  return phone ? { match: { start, end: lastDigitEnd, kind: "PHONE" }, end: lastDigitEnd } : { end: scanned };
}

/** A copy of a JSON-like value with every string replaced by `map`'s answer. */
function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === "string") return map(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, map)) as T;
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)])) as T;
  return value;
}
