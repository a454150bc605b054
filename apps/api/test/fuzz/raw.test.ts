import { leadSource } from "@aiops/shared";
import { TEST_SECRETS } from "@aiops/testing";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "./api-process.js";
import { APP_ERRORS, contractViolation, INGRESS_ERRORS } from "./contract.js";
import { PROPERTY_TIMEOUT_MS, runs } from "./fuzz-settings.js";
import { sendRaw } from "./raw-http.js";

// Requests no HTTP client would send: broken request lines, CR/LF/NUL injected into the
// target and the headers, odd separators and line ends. Whatever the bytes, the answer is
// Node.js's own 400/431 or a contract answer, never a success: no such request is signed
// over what the server reads, and nothing injected is echoed into the answer's headers.

const INJECTIONS = [
  "\r\nx-injected: 1",
  "\r\n\r\nPOST /webhook/new-lead HTTP/1.1\r\nx-injected: 1",
  "\rx-injected: 1",
  "\nx-injected: 1",
  "\u0000",
  " ",
  "\t",
  "#",
  "%",
  "\u00ff",
  "\u0085",
  "?a=\r\n",
];
const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
);
const plain = fc.stringMatching(/^[ -~]{0,24}$/);
/** Mostly plain text, so that many requests get past the parser; sometimes an injection. */
const text = fc.oneof(
  { weight: 3, arbitrary: plain },
  { weight: 1, arbitrary: fc.array(fragment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("")) },
);

const rawRecipe = fc.record({
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constant("POST") },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "GET",
        "post",
        "PO ST",
        "",
        "CONNECT",
        "PRI",
        "DELETE",
        "\u0000POST",
        "POST\t",
        "X".repeat(40),
      ),
    },
  ),
  target: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("/webhook/new-lead", "/webhook/payment", "/webhook/github") },
    { weight: 3, arbitrary: text.map((t) => `/webhook/new-lead${t}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "http://evil.example/webhook/new-lead",
        "*",
        "",
        "webhook/new-lead",
        "/webhook/new-lead/../../etc/passwd",
      ),
    },
  ),
  version: fc.oneof(
    { weight: 8, arbitrary: fc.constant("HTTP/1.1") },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "HTTP/1.0",
        "HTTP/2.0",
        "HTTP/1.1x",
        "",
        "HTTP/0.9",
        "http/1.1",
        "HTTP/1.1 extra",
        "HTTP/1.1\u0000",
      ),
    },
  ),
  headers: fc.array(
    fc.tuple(
      fc.oneof(
        { weight: 7, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,16}$/) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            "content-type",
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "expect",
            "connection",
            "host",
          ),
        },
        { weight: 1, arbitrary: fc.constantFrom("", " host", "x y", "x\u0000", "x:y", "\u00ff") },
      ),
      text,
      fc.constantFrom(": ", ":", " : ", ":\t"),
    ),
    { maxLength: 4 },
  ),
  eol: fc.oneof({ weight: 19, arbitrary: fc.constant("\r\n") }, { weight: 1, arbitrary: fc.constantFrom("\n", "\r") }),
  /** The new-lead signature headers, correct for the body, sent before the generated ones. */
  signed: fc.boolean(),
  body: fc.uint8Array({ maxLength: 300 }),
});
type RawRecipe = typeof rawRecipe extends fc.Arbitrary<infer T> ? T : never;

function build(recipe: RawRecipe): Buffer {
  const body = Buffer.from(recipe.body);
  const lines = [
    `${recipe.method} ${recipe.target} ${recipe.version}`.trimEnd(),
    "host: 127.0.0.1",
    "content-type: application/json",
  ];
  if (recipe.signed) {
    const signature = leadSource.scheme.sign(body, TEST_SECRETS.LEAD_WEBHOOK_SECRET, {
      now: Date.now(),
      deliveryId: "msg_raw",
    });
    lines.push(...Object.entries(signature).map(([name, value]) => `${name}: ${value}`));
  }
  lines.push(
    ...recipe.headers.map(([name, value, separator]) => `${name}${separator}${value}`),
    `content-length: ${body.length}`,
  );
  return Buffer.concat([Buffer.from(lines.join(recipe.eol) + recipe.eol + recipe.eol, "latin1"), body]);
}

let api: ApiProcess;
let jobsBefore: Set<string>;

beforeAll(async () => {
  api = await startApiProcess();
  jobsBefore = await api.jobIds();
});
afterAll(async () => {
  await api?.close();
});

it("raw, malformed and injected requests get Node's 400/431 or a contract refusal, and queue nothing", {
  timeout: PROPERTY_TIMEOUT_MS,
}, async () => {
  await fc.assert(
    fc.asyncProperty(rawRecipe, async (recipe) => {
      const bytes = build(recipe);
      const outcome = await sendRaw(api.host, api.port, bytes, { giveUpAfterMs: 300, timeoutMs: 10_000 });
      const shown = JSON.stringify(bytes.toString("latin1", 0, 600));
      if (!api.running()) throw new Error(`the API process died on ${shown}:\n${api.stderr()}`);
      // Only a request the parser still waited on when the client gave up may end unanswered.
      if (outcome.kind === "timeout") throw new Error(`no answer and no close to ${shown}`);
      if (outcome.kind === "closed") return;
      const { response } = outcome;
      const injected = Object.entries(response.headers).find(([name, value]) => /injected/i.test(name + value));
      if (injected) throw new Error(`an injected header came back: ${injected.join(": ")}\n${shown}`);
      const violation = contractViolation(response, {
        ...APP_ERRORS,
        ...INGRESS_ERRORS,
        404: ["unknown_source", "not_found"],
      });
      if (violation || response.status < 300)
        throw new Error(
          `${violation ?? response.status}\n${shown}\nanswered: ${response.body.toString("latin1", 0, 300)}`,
        );
    }),
    runs(0.2),
  );
  expect(await api.jobIds()).toEqual(jobsBefore);
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
});
