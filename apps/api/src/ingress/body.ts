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
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

function hasPollutingKeys(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    for (const key of Object.keys(node)) {
      if (key === "__proto__" || key === "prototype") return true;
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/**
 * Decodes and parses a verified body: strict UTF-8, bounded depth, and no keys that could
 * reach an object prototype if any later code merged the payload.
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
  // A cheap text test first: the walk runs only when such a key may be present, spelt out
  // or hidden in JSON escapes ("\u005f_proto__" parses to "__proto__").
  const mayHaveKey = text.includes("__proto__") || text.includes("prototype") || text.includes("\\u");
  if (mayHaveKey && hasPollutingKeys(body))
    throw new AppError("invalid_payload", "keys named __proto__ or prototype are not accepted");
  return body;
}
