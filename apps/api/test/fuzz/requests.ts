import { builtInSources, type ErrorCode, type SourceDefinition } from "@aiops/shared";
import { TEST_SECRETS } from "@aiops/testing";
import fc from "fast-check";
import { type BodyOutcome, type BodyRecipe, bodyRecipe, buildBody } from "./bodies.js";
import type { HttpRequest } from "./http-client.js";
import { rarely } from "./rarely.js";

/** How the delivery is signed: correctly, or broken in one of the ways attackers and bugs break it. */
export type Auth =
  | { kind: "valid" }
  | { kind: "missing"; header: number }
  | { kind: "garbled"; header: number; value: string }
  | { kind: "tampered" }
  | { kind: "wrong-secret" }
  | { kind: "stale"; skewSeconds: number }
  | { kind: "other-scheme"; source: number }
  /** The signature header sent twice, the second time with garbage: Node.js joins the two. */
  | { kind: "duplicated"; value: string };

export interface DeliveryRecipe {
  source: number;
  seq: number;
  body: BodyRecipe;
  auth: Auth;
  contentType: number;
  /** A second Content-Type line; Node.js keeps the first. */
  secondContentType?: number;
  contentEncoding?: string;
  headers: Array<[string, string]>;
  /** A header this long: past 16 KiB Node.js answers 431 itself. */
  bigHeader?: number;
  /** Send the identical request again: a provider's retry. */
  repeat: boolean;
}

/** Content types and whether the ingress accepts them (README, Ingress, step 2). */
export const CONTENT_TYPES: ReadonlyArray<readonly [string | undefined, boolean]> = [
  ["application/json", true],
  ["application/json; charset=utf-8", true],
  ["Application/JSON; Charset=UTF-8", true],
  ['application/json; charset="utf-8"', true],
  ["application/json;charset=utf8", true],
  ["application/vnd.api+json", true],
  ["application/cloudevents+json; charset=utf-8", true],
  [undefined, false],
  ["", false],
  ["text/plain", false],
  ["application/x-www-form-urlencoded", false],
  ["multipart/form-data; boundary=x", false],
  ["application/json; charset=latin1", false],
  ["application/jsonp", false],
  ["json", false],
];

const MAX_HEADER_BYTES = 16 * 1024;
const sources = builtInSources;
const secretOf = (source: SourceDefinition) => TEST_SECRETS[source.secretVariable as keyof typeof TEST_SECRETS];
const wrongSecretOf = (source: SourceDefinition) =>
  secretOf(source).startsWith("whsec_")
    ? `whsec_${Buffer.from("not the secret, but shaped like one").toString("base64")}`
    : "not the secret";

/** Printable Latin-1, the most a header value can carry; Node.js trims its ends. */
const headerValue = fc.string({
  unit: fc
    .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
    .map((c) => String.fromCharCode(c)),
  maxLength: 60,
});
const headerName = fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,20}$/).map((name) => `x-fuzz-${name}`);

const auth: fc.Arbitrary<Auth> = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: "valid" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("missing" as const), header: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("garbled" as const), header: fc.nat(), value: headerValue }) },
  { weight: 2, arbitrary: fc.constant({ kind: "tampered" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "wrong-secret" as const }) },
  // Beyond the 300 s tolerance by a margin: signatures carry whole seconds (a timestamp
  // 301 s ahead is floored to up to a second less), and the API reads its clock after the
  // request was built, so a skew just past the limit may arrive inside it.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("stale" as const),
      skewSeconds: fc.oneof(fc.integer({ min: 310, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -310 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("other-scheme" as const), source: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("duplicated" as const), value: headerValue }) },
);

export const deliveryRecipe: fc.Arbitrary<DeliveryRecipe> = fc.record({
  source: fc.nat({ max: sources.length - 1 }),
  seq: fc.nat({ max: 1_000 }),
  body: bodyRecipe,
  auth,
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.nat({ max: CONTENT_TYPES.length - 1 }) },
  ),
  secondContentType: rarely(fc.nat({ max: CONTENT_TYPES.length - 1 })),
  contentEncoding: rarely(fc.constantFrom("identity", "gzip", "br", "deflate, gzip", "x-fuzz")),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
  bigHeader: rarely(
    fc.oneof(fc.integer({ min: 1_000, max: 8_000 }), fc.integer({ min: MAX_HEADER_BYTES + 1_000, max: 40_000 })),
  ),
  repeat: fc.boolean(),
});

/** An answer the ingress may give: a status, and the error code or `accepted` (200/202). */
export type Expected = { status: number; code?: ErrorCode | "accepted" };

export interface Delivery {
  source: SourceDefinition;
  request: HttpRequest;
  /** Every answer the contract allows for this request. */
  expected: Expected[];
  /** True only when the request carries a signature the source's secret made over these bytes. */
  signed: boolean;
}

function signatureCode(auth: Auth, headers: Record<string, string>, names: string[]): ErrorCode[] {
  switch (auth.kind) {
    case "missing":
      return ["missing_signature"];
    case "garbled":
      // Node.js trims a header value's spaces and tabs (HTTP's whitespace, not JavaScript's:
      // a no-break space stays): a value of only those arrives empty, which is "missing".
      return [
        /^[ \t]*$/.test(headers[names[auth.header % names.length]!]!) ? "missing_signature" : "invalid_signature",
      ];
    case "other-scheme":
      return ["missing_signature", "invalid_signature"];
    case "stale":
      return ["stale_timestamp"];
    default:
      return ["invalid_signature"];
  }
}

/** Turns a recipe into a request, signed now, and the answers it may get. */
export function buildDelivery(recipe: DeliveryRecipe, limitBytes: number, now = Date.now()): Delivery {
  const source = sources[recipe.source]!;
  const sample = source.sample(recipe.seq, now);
  const { bytes, outcomes } = buildBody(recipe.body, sample.body as Record<string, unknown>);
  const base = sample.headers ?? {};
  const options = { now, ...(base["webhook-id"] ? { deliveryId: base["webhook-id"] } : {}) };
  const { auth } = recipe;

  let body = bytes;
  let signature: Record<string, string>;
  let signed = auth.kind === "valid";
  switch (auth.kind) {
    case "wrong-secret":
      signature = source.scheme.sign(bytes, wrongSecretOf(source), options);
      break;
    case "stale": {
      signature = source.scheme.sign(bytes, secretOf(source), { ...options, now: now + auth.skewSeconds * 1000 });
      // Schemes that sign no timestamp (GitHub, Shopify, Meta) cannot be stale: still valid.
      signed = JSON.stringify(signature) === JSON.stringify(source.scheme.sign(bytes, secretOf(source), options));
      break;
    }
    case "other-scheme": {
      const other = sources[auth.source % sources.length]!;
      signature = other.scheme.sign(bytes, secretOf(other), options);
      signed = other.scheme === source.scheme && secretOf(other) === secretOf(source);
      break;
    }
    default:
      signature = source.scheme.sign(bytes, secretOf(source), options);
  }
  if (auth.kind === "tampered") body = Buffer.concat([bytes, Buffer.from(" ")]);
  const names = Object.keys(signature);
  const headers: Record<string, string | string[]> = { ...base, ...signature };
  if (auth.kind === "missing") delete headers[names[auth.header % names.length]!];
  if (auth.kind === "garbled")
    signature[names[auth.header % names.length]!] = headers[names[auth.header % names.length]!] = auth.value;
  if (auth.kind === "duplicated") headers[names[0]!] = [signature[names[0]!]!, auth.value];
  const [contentType, typeAccepted] = CONTENT_TYPES[recipe.contentType]!;
  if (contentType !== undefined)
    headers["content-type"] =
      recipe.secondContentType === undefined
        ? contentType
        : [contentType, CONTENT_TYPES[recipe.secondContentType]![0] ?? "text/plain"];
  if (recipe.contentEncoding !== undefined) headers["content-encoding"] = recipe.contentEncoding;
  for (const [name, value] of recipe.headers)
    headers[name] = name in headers ? [headers[name]!].flat().concat(value) : value;
  if (recipe.bigHeader !== undefined) headers["x-fuzz-big"] = "b".repeat(recipe.bigHeader);

  const request: HttpRequest = { method: "POST", path: `/webhook/${source.name}`, headers, body };
  return {
    source,
    request,
    signed,
    expected: expectations(recipe, typeAccepted, body.length, limitBytes, auth, signature, names, outcomes, signed),
  };
}

function expectations(
  recipe: DeliveryRecipe,
  typeAccepted: boolean,
  size: number,
  limitBytes: number,
  auth: Auth,
  signature: Record<string, string>,
  names: string[],
  outcomes: BodyOutcome[],
  signed: boolean,
): Expected[] {
  // The order the ingress checks in (README, "Ingress"), after Node.js's own header limit.
  if ((recipe.bigHeader ?? 0) > MAX_HEADER_BYTES) return [{ status: 431 }];
  if (!typeAccepted || (recipe.contentEncoding ?? "identity") !== "identity")
    return [{ status: 415, code: "unsupported_media_type" }];
  if (size > limitBytes) return [{ status: 413, code: "payload_too_large" }];
  const refused = signatureCode(auth, signature, names).map((code) => ({ status: 401, code }));
  if (auth.kind === "duplicated") return [...refused, ...bodyExpectations(outcomes)];
  if (!signed) return refused;
  return bodyExpectations(outcomes);
}

function bodyExpectations(outcomes: BodyOutcome[]): Expected[] {
  return outcomes.flatMap((outcome): Expected[] =>
    outcome === "accepted"
      ? [
          { status: 202, code: "accepted" },
          { status: 200, code: "accepted" },
        ]
      : [{ status: 400, code: outcome }],
  );
}
