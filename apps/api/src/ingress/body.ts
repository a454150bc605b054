import { AppError } from "@aiops/shared";

/**
 * Deepest nesting accepted. Provider payloads stay far below it; a deeper document is
 * refused before JSON.parse so that no later recursive walk can run out of stack.
 */
export const MAX_JSON_DEPTH = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** The nesting depth of a JSON text, counting brackets outside strings; stops past `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The first reason the parsed document cannot be accepted as it is, walking it once. */
function problemIn(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === "string") {
      if (!storable(node)) return UNSTORABLE;
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    for (const key of Object.keys(node)) {
      if (key === "__proto__" || key === "prototype") return "keys named __proto__ or prototype are not accepted";
      if (!storable(key)) return UNSTORABLE;
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

// Postgres cannot store U+0000 or an unpaired UTF-16 surrogate (both reachable only through
// JSON escapes) in jsonb: such an event could be acknowledged but never recorded, so it is
// refused while the sender can still be told.
const UNSTORABLE = "strings containing U+0000 or unpaired surrogate escapes are not accepted";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function storable(text: string): boolean {
  return !text.includes("\0") && !LONE_SURROGATE.test(text);
}

/**
 * Decodes and parses a verified body: strict UTF-8, bounded depth, no keys that could
 * reach an object prototype if any later code merged the payload, and nothing Postgres
 * could not store.
 */
export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new AppError("invalid_json", "the body is not valid UTF-8");
  }
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH))
    throw new AppError("invalid_payload", `the JSON document is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new AppError("invalid_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body))
    throw new AppError("invalid_payload", "the body must be a JSON object");
  // A cheap text test first: the walk runs only when such a key or a NUL may be present,
  // spelt out or hidden in JSON escapes ("\u005f_proto__" parses to "__proto__").
  const suspicious = text.includes("__proto__") || text.includes("prototype") || text.includes("\\u");
  const problem = suspicious ? problemIn(body) : undefined;
  if (problem) throw new AppError("invalid_payload", problem);
  return body;
}
