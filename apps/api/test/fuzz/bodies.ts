import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { rarely } from "./rarely.js";

/** What the ingress may do with a correctly signed body. */
export type BodyOutcome = "accepted" | "invalid_json" | "invalid_payload";

/** A body described as data, so fast-check can print and shrink it; built at send time. */
export type BodyRecipe =
  /** The source's own sample event with extra fields (nasty keys, values, nesting, padding). */
  | { kind: "event"; extras: Extra[]; replace?: [number, unknown]; damage?: Damage }
  /** Any JSON value. */
  | { kind: "json"; value: unknown }
  /** Any bytes. */
  | { kind: "bytes"; bytes: Uint8Array };

/** A field added to a sample; nesting and padding by size, so that a failing case prints short. */
export type Extra = [string, unknown] | { nestedLevels: number } | { paddingBytes: number };

/** Breaks an otherwise good body: cut it short, or splice in bytes that are not UTF-8. */
export type Damage = { cutAt: number } | { insertAt: number; bytes: number[] };

/** Values no provider sends on purpose, written into the JSON text as they are. */
const RAW_TOKENS = [
  "1e400",
  "-1e400",
  "1e-400",
  "123456789012345678901234567890123456789012345678901234567890",
  "-0",
  "0.1e999999999",
  "9007199254740993",
];
const raw = (token: string) => `@@RAW:${token}@@`;

/** Keys with a meaning to JavaScript objects or to code that walks payloads. */
export const NASTY_KEYS = [
  "__proto__",
  "prototype",
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "then",
  "toJSON",
  "",
  " ",
  "\u0000",
  "a.b",
  "$where",
  "__proto__ ",
  "\u202e",
] as const;

const NASTY_STRINGS = [
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "\u202eevil",
  "\ufeff",
  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
  '\\"[[[[',
  "\\",
  '"}]',
  "${jndi:ldap://x}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "'; DROP TABLE events; --",
  "%s%n%x",
  "😀".repeat(2_000),
  "a".repeat(10_000),
];

const INVALID_UTF8 = [
  [0xff],
  [0x80],
  [0xc0, 0xaf], // overlong "/"
  [0xed, 0xa0, 0x80], // an encoded surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xe2, 0x82], // cut short
  [0xfe, 0xfe, 0xff, 0xff],
];

const key = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...NASTY_KEYS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }).map((k) => `x_${k}`) },
);

const leaf = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_TOKENS).map(raw) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
);

/** Builds an object with exactly these own keys, `__proto__` included (a literal would set the prototype). */
export function objectOf(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [k, v] of entries)
    Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true });
  return object;
}

const tree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie("node")), { maxLength: 3 }).map(objectOf),
  ),
})).node;

/** Arrays and objects nested `levels` deep, as text: too deep for JSON.stringify's recursion. */
function nestedText(levels: number): string {
  let open = "";
  let close = "";
  for (let i = 0; i < levels; i++) {
    open += i % 2 === 0 ? "[" : '{"d":';
    close = (i % 2 === 0 ? "]" : "}") + close;
  }
  return `${open}1${close}`;
}

const extra = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, tree) },
  // Around the 64-level limit, and far past it.
  {
    weight: 2,
    arbitrary: fc.record({ nestedLevels: fc.oneof(fc.integer({ min: 55, max: 70 }), fc.constant(10_000)) }),
  },
  { weight: 1, arbitrary: fc.record({ paddingBytes: fc.integer({ min: 0, max: 40_000 }) }) },
);

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ cutAt: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) }),
  fc.record({ insertAt: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.constantFrom(...INVALID_UTF8) }),
);

export const bodyRecipe: fc.Arbitrary<BodyRecipe> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("event" as const),
      extras: fc.array(extra, { maxLength: 4 }),
      replace: rarely(fc.tuple(fc.nat(), leaf), 5),
      damage: rarely(damage, 4),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("json" as const), value: fc.jsonValue({ maxDepth: 5 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("bytes" as const),
      bytes: fc.oneof(
        fc.uint8Array({ maxLength: 2_000 }),
        fc.string({ unit: "binary", maxLength: 300 }).map((s) => new TextEncoder().encode(s)),
      ),
    }),
  },
);

/** Nesting depth of a parsed value (an object or array is one level); iterative, for any depth. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function hasPollutingKey(value: unknown): boolean {
  const stack = [value];
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

/** True when some string or key could not be stored in Postgres jsonb: U+0000 or an unpaired surrogate. */
export function hasUnstorableText(value: unknown): boolean {
  const wellFormed = (text: string) =>
    (text as string & { isWellFormed(): boolean }).isWellFormed() && !text.includes("\u0000");
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === "string" && !wellFormed(node)) return true;
    if (node === null || typeof node !== "object") continue;
    for (const key of Object.keys(node)) {
      if (!wellFormed(key)) return true;
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return false;
}

function stringify(value: unknown): string {
  return JSON.stringify(value)
    .replace(/"@@RAW:([^@"]*)@@"/g, "$1")
    .replace(/"@@NEST:(\d+)@@"/g, (_, levels: string) => nestedText(Number(levels)));
}

/** What a correctly signed delivery of exactly these bytes may get, judged without the server's code. */
export function judge(bytes: Buffer): BodyOutcome[] {
  if (!isUtf8(bytes)) return ["invalid_json"];
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8").replace(/^\ufeff/, ""));
  } catch {
    // An unparsable text may also be refused for its nesting, which is checked first.
    return ["invalid_json", "invalid_payload"];
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return ["invalid_payload"];
  if (depthOf(value) > 64 || hasPollutingKey(value) || hasUnstorableText(value)) return ["invalid_payload"];
  return ["accepted", "invalid_payload"];
}

/**
 * The body's bytes and what the ingress may do with them. A sample event that only gained
 * fields must be accepted: every built-in schema keeps unknown fields.
 */
export function buildBody(
  recipe: BodyRecipe,
  sample: Record<string, unknown>,
): { bytes: Buffer; outcomes: BodyOutcome[] } {
  if (recipe.kind === "bytes") {
    const bytes = Buffer.from(recipe.bytes);
    return { bytes, outcomes: judge(bytes) };
  }
  if (recipe.kind === "json") {
    const bytes = Buffer.from(JSON.stringify(recipe.value) ?? "null");
    return { bytes, outcomes: judge(bytes) };
  }
  const entries = Object.entries(sample);
  if (recipe.replace && entries.length > 0) entries[recipe.replace[0] % entries.length]![1] = recipe.replace[1];
  const extras = recipe.extras.map((extra): [string, unknown] =>
    Array.isArray(extra)
      ? extra
      : "nestedLevels" in extra
        ? ["x_deep", `@@NEST:${extra.nestedLevels}@@`]
        : ["x_padding", "p".repeat(extra.paddingBytes)],
  );
  const value = objectOf([...entries, ...extras.filter(([k]) => !Object.hasOwn(sample, k))]);
  let bytes = Buffer.from(stringify(value));
  const outcomes = judge(bytes);
  // Extra fields never make a sample invalid; a replaced field may.
  const fieldsOnly = !recipe.replace && outcomes.includes("accepted") ? (["accepted"] as BodyOutcome[]) : outcomes;
  const { damage } = recipe;
  if (!damage) return { bytes, outcomes: fieldsOnly };
  if ("cutAt" in damage) bytes = bytes.subarray(0, Math.floor(damage.cutAt * bytes.length));
  else {
    const at = Math.floor(damage.insertAt * bytes.length);
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(damage.bytes), bytes.subarray(at)]);
  }
  return { bytes, outcomes: judge(bytes) };
}
