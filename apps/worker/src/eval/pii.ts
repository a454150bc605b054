/** What replaces an email address in exported text. */
export const EMAIL_PLACEHOLDER = "[email]";
/** What replaces a phone number in exported text. */
export const PHONE_PLACEHOLDER = "[phone]";

const isLocalChar = (c: string) => /[A-Za-z0-9._%+-]/.test(c);
const isDomainChar = (c: string) => /[A-Za-z0-9.-]/.test(c);
const isDigit = (c: string) => c >= "0" && c <= "9";
const isPhoneChar = (c: string) => isDigit(c) || c === " " || c === "-" || c === "." || c === "(" || c === ")" || c === "/";

/**
 * Replaces email addresses: each `@` is widened over the characters an address may hold on
 * either side, so the cost is linear in the text (a regular expression with two unbounded
 * classes around `@` backtracks quadratically on long runs without one).
 */
export function redactEmails(text: string): string {
  let out = "";
  let copied = 0;
  let i = text.indexOf("@");
  while (i >= 0) {
    let start = i;
    while (start > copied && isLocalChar(text[start - 1]!)) start--;
    let end = i + 1;
    while (end < text.length && isDomainChar(text[end]!)) end++;
    while (end > i + 1 && text[end - 1] === ".") end--; // a sentence's full stop is not the domain's
    const domain = text.slice(i + 1, end);
    if (start < i && /\.[A-Za-z]{2,}$/.test(domain)) {
      out += text.slice(copied, start) + EMAIL_PLACEHOLDER;
      copied = end;
    }
    i = text.indexOf("@", Math.max(end, i + 1));
  }
  return out + text.slice(copied);
}

/** Replaces phone numbers: runs of digits and separators (optionally after `+`) holding 7 to 15 digits. One pass. */
export function redactPhones(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const startsNumber = isDigit(c) || ((c === "+" || c === "(") && i + 1 < text.length && isDigit(text[i + 1]!));
    const afterWord = i > 0 && /[A-Za-z0-9]/.test(text[i - 1]!);
    if (!startsNumber || afterWord) {
      out += c;
      i++;
      continue;
    }
    let end = i + 1;
    let digits = isDigit(c) ? 1 : 0;
    while (end < text.length && isPhoneChar(text[end]!)) {
      if (isDigit(text[end]!)) digits++;
      end++;
    }
    while (end > i + 1 && !isDigit(text[end - 1]!) && text[end - 1] !== ")") end--; // trailing separators stay
    if (digits >= 7 && digits <= 15) out += PHONE_PLACEHOLDER;
    else out += text.slice(i, end);
    i = end;
  }
  return out;
}

/** Emails, then phone numbers. */
export function redactPii(text: string): string {
  return redactPhones(redactEmails(text));
}
