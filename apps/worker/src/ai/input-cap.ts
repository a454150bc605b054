/**
 * Fits an AI task's input into `maxChars` characters of text before it is sent to a model, so
 * a 20,000-character form does not cost 20,000 characters of tokens. The input stays the same
 * JSON shape: the longest strings are cut first, each to an equal share of what is left, and
 * end in a marker that tells the model (and a reader of the request) how much is missing.
 */
export function capInput<T>(input: T, maxChars: number): T {
  const lengths = strings(input).map((text) => text.length);
  const total = lengths.reduce((sum, length) => sum + length, 0);
  if (total <= maxChars) return input;
  const limit = shareLimit(lengths, maxChars);
  return walk(input, (text) => (text.length > limit ? cut(text, limit) : text));
}

export function truncationMarker(dropped: number): string {
  return `…[truncated ${dropped} characters]`;
}

/** The longest a string may stay so that all of them together fit `budget`: fair shares, short strings kept whole. */
function shareLimit(lengths: number[], budget: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let left = budget;
  for (let index = 0; index < sorted.length; index++) {
    const share = Math.floor(left / (sorted.length - index));
    const length = sorted[index]!;
    if (length > share) return share;
    left -= length;
  }
  return budget;
}

function cut(text: string, keep: number): string {
  // Never split a surrogate pair: half an emoji is not valid text for the model's API.
  const end = keep > 0 && isHighSurrogate(text.charCodeAt(keep - 1)) ? keep - 1 : keep;
  return `${text.slice(0, end)}${truncationMarker(text.length - end)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** A copy of a JSON-like value with every string replaced by `map`'s answer. */
function walk<T>(value: T, map: (text: string) => string): T {
  if (typeof value === "string") return map(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => walk(item, map)) as T;
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, map)])) as T;
  return value;
}
