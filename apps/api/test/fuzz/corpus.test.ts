import { randomUUID } from "node:crypto";
import { leadSource, stripeSource } from "@aiops/shared";
import { TEST_SECRETS } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "./api-process.js";
import { contractViolation, INGRESS_ERRORS } from "./contract.js";
import { type RawOptions, type RawOutcome, sendRaw } from "./raw-http.js";

// Known nasty inputs, each with the one answer it must get, sent byte for byte over raw
// sockets. The API runs with one-second slow-client timeouts so that slowloris is quick.
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
let api: ApiProcess;
/** Ids the API acknowledged; the queue must hold these and nothing else. */
const acknowledged = new Set<string>();

beforeAll(async () => {
  api = await startApiProcess({
    HTTP_HEADERS_TIMEOUT_MS: `${HEADERS_TIMEOUT_MS}`,
    HTTP_REQUEST_TIMEOUT_MS: `${REQUEST_TIMEOUT_MS}`,
  });
});
afterAll(async () => {
  expect(await api.jobIds()).toEqual(acknowledged);
  await api?.close();
});

type HeaderLines = Array<[string, string]>;

/** A new-lead delivery's headers, signed over exactly these bytes. */
function leadHeaders(body: Buffer): HeaderLines {
  const signature = leadSource.scheme.sign(body, TEST_SECRETS.LEAD_WEBHOOK_SECRET, {
    now: Date.now(),
    deliveryId: `msg_${randomUUID()}`,
  });
  return [["content-type", "application/json"], ...Object.entries(signature)];
}

function stripeHeaders(body: Buffer): HeaderLines {
  return [
    ["content-type", "application/json"],
    ...Object.entries(stripeSource.scheme.sign(body, TEST_SECRETS.STRIPE_WEBHOOK_SECRET, { now: Date.now() })),
  ];
}

function request(head: string, headers: HeaderLines, body: Buffer | string = "", eol = "\r\n"): Buffer {
  const lines = [head, "host: 127.0.0.1", ...headers.map(([name, value]) => `${name}: ${value}`)];
  return Buffer.concat([Buffer.from(lines.join(eol) + eol + eol, "latin1"), Buffer.from(body)]);
}

/** A signed new-lead POST of these exact body bytes. */
function signedLead(body: Buffer | string): Buffer {
  const bytes = Buffer.from(body);
  return request(
    "POST /webhook/new-lead HTTP/1.1",
    [...leadHeaders(bytes), ["content-length", `${bytes.length}`]],
    bytes,
  );
}

async function exchange(bytes: Buffer, options?: RawOptions): Promise<RawOutcome> {
  const outcome = await sendRaw(api.host, api.port, bytes, options);
  expect(api.running(), api.stderr()).toBe(true);
  return outcome;
}

/** Sends, and checks the answer's status, its error code, and that the contract allows it. */
async function expectAnswer(bytes: Buffer, status: number, error?: string): Promise<void> {
  await answerOf(bytes, status, error);
}

async function answerOf(bytes: Buffer, status: number, error?: string) {
  const outcome = await exchange(bytes);
  if (outcome.kind !== "response")
    throw new Error(`no answer (${outcome.kind}) to ${bytes.toString("latin1", 0, 200)}`);
  const { response } = outcome;
  expect(response.status, response.body.toString()).toBe(status);
  expect(contractViolation(response, INGRESS_ERRORS)).toBeUndefined();
  if (error) expect(JSON.parse(response.body.toString())).toMatchObject({ error, message: expect.any(String) });
  if (status === 202) acknowledged.add(JSON.parse(response.body.toString()).id);
  return response;
}

const lead = (extra: string) => `{"email":"ada@example.com","name":"Ada"${extra}}`;
const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("prototype keys", () => {
  it.each([
    ["__proto__ at the top", lead(',"__proto__":{"admin":true}'), 400],
    ["__proto__ in an array", lead(',"utm":{"list":[{"__proto__":{"x":1}}]}'), 400],
    ["constructor.prototype", lead(',"constructor":{"prototype":{"admin":true}}'), 400],
    ["__proto__ spelt with JSON escapes", lead(',"\\u005f_proto__":{"admin":true}'), 400],
    ["prototype spelt with JSON escapes", lead(',"\\u0070rototype":{"admin":true}'), 400],
    ["constructor alone, a harmless name", lead(',"constructor":"x"'), 202],
    ["__proto__ as a value, not a key", lead(',"message":"__proto__"'), 202],
  ])("%s", async (_, body, status) => {
    await expectAnswer(signedLead(body), status, status === 400 ? "invalid_payload" : undefined);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe("numbers", () => {
  const event = (created: string, extra = "") =>
    `{"id":"evt_${randomUUID()}","object":"event","type":"invoice.paid","created":${created},"data":{"object":{}}${extra}}`;
  const stripe = (body: string) =>
    request(
      "POST /webhook/payment HTTP/1.1",
      [...stripeHeaders(Buffer.from(body)), ["content-length", `${Buffer.byteLength(body)}`]],
      body,
    );
  it("1e400 where the schema wants an integer: invalid_payload", () =>
    expectAnswer(stripe(event("1e400")), 400, "invalid_payload"));
  it("-1e400 and 1.5 there: invalid_payload", async () => {
    await expectAnswer(stripe(event("-1e400")), 400, "invalid_payload");
    await expectAnswer(stripe(event("1.5")), 400, "invalid_payload");
  });
  it("huge, tiny and 10,000-digit numbers in free fields are kept", () =>
    expectAnswer(stripe(event("1780000000", `,"a":1e400,"b":1e-400,"c":${"9".repeat(10_000)},"d":-0`)), 202));
});

describe("nesting", () => {
  // The object itself is level 1; utm adds one.
  it("64 levels is accepted", () => expectAnswer(signedLead(lead(`,"utm":{"x":${nested(62)}}`)), 202));
  it("65 levels is refused", () =>
    expectAnswer(signedLead(lead(`,"utm":{"x":${nested(63)}}`)), 400, "invalid_payload"));
  it("brackets inside strings do not count", () =>
    expectAnswer(signedLead(lead(`,"message":"${"[".repeat(500)}\\"${"{".repeat(500)}"`)), 202));
  it("100,000 levels is refused without a stack overflow", () =>
    expectAnswer(signedLead(lead(`,"utm":{"x":${nested(100_000)}}`)), 400, "invalid_payload"));
});

describe("text encoding", () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
  it.each([
    ["a lone continuation byte", [0x80]],
    ["an overlong slash", [0xc0, 0xaf]],
    ["a UTF-8-encoded surrogate", [0xed, 0xa0, 0x80]],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a sequence cut short", [0xe2, 0x82]],
    ["bytes never valid in UTF-8", [0xfe, 0xff]],
  ])("%s: invalid_json", (_, invalid) =>
    expectAnswer(signedLead(bytes('{"email":"ada@example.com","name":"', invalid, '"}')), 400, "invalid_json"),
  );
  it("UTF-16 text: invalid_json", () =>
    expectAnswer(signedLead(Buffer.from(lead(""), "utf16le")), 400, "invalid_json"));
  it.each([
    ["an escaped lone surrogate", '"\\ud800 x"'],
    ["an escaped NUL", '"a\\u0000b"'],
  ])("%s: valid JSON that Postgres cannot store, so invalid_payload", (_, value) =>
    expectAnswer(signedLead(lead(`,"message":${value}`)), 400, "invalid_payload"),
  );
  it("an escaped surrogate pair is an ordinary character, and kept", () =>
    expectAnswer(signedLead(lead(',"message":"\\ud83d\\ude00"')), 202));
});

describe("HTTP framing and header injection", () => {
  const body = Buffer.from(lead(""));
  /** Node.js's parser refuses these before any application code runs: 400, no body. */
  it.each([
    ["a bare CR inside a header value", [["x-a", "b\rwebhook-signature: v1,forged"]] as HeaderLines],
    ["a NUL byte in a header value", [["x-a", "b\u0000c"]] as HeaderLines],
    ["a space before a header's colon", [["content-type ", "application/json"]] as HeaderLines],
    [
      "two different Content-Lengths",
      [
        ["content-length", "5"],
        ["content-length", "6"],
      ] as HeaderLines,
    ],
    [
      "Content-Length and chunked together (request smuggling)",
      [
        ["content-length", `${body.length}`],
        ["transfer-encoding", "chunked"],
      ] as HeaderLines,
    ],
    ["a negative Content-Length", [["content-length", "-1"]] as HeaderLines],
    ["a Content-Length past 2^64", [["content-length", "99999999999999999999999"]] as HeaderLines],
  ])("%s: 400 from Node.js", async (_, headers) => {
    const outcome = await exchange(
      request("POST /webhook/new-lead HTTP/1.1", [...leadHeaders(body), ...headers], body),
    );
    expect(outcome.kind === "response" && outcome.response.status).toBe(400);
  });

  it("CR LF injected in the request line: 400 from Node.js", async () => {
    const outcome = await exchange(
      request("POST /webhook/new-lead?x=1\r\nwebhook-signature: v1,forged HTTP/1.1", leadHeaders(body), body),
    );
    expect(outcome.kind === "response" && outcome.response.status).toBe(400);
  });

  it("a response-splitting attempt in the source name stays in the JSON body", async () => {
    const response = await answerOf(
      request(
        "POST /webhook/x%0d%0aSet-Cookie:%20admin=1 HTTP/1.1",
        [
          ["content-type", "application/json"],
          ["content-length", "2"],
        ],
        "{}",
      ),
      404,
      "unknown_source",
    );
    expect(response.headers["set-cookie"]).toBeUndefined();
  });

  it("a Content-Length over MAX_BODY_BYTES is refused before the body is sent", async () => {
    await expectAnswer(
      request("POST /webhook/new-lead HTTP/1.1", [...leadHeaders(body), ["content-length", "50000000"]]),
      413,
      "payload_too_large",
    );
  });

  it("a chunked body is read and verified like any other", async () => {
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    await expectAnswer(
      request("POST /webhook/new-lead HTTP/1.1", [...leadHeaders(body), ["transfer-encoding", "chunked"]], chunked),
      202,
    );
  });

  it("a header section past 16 KiB: 431 from Node.js", async () => {
    const outcome = await exchange(
      request(
        "POST /webhook/new-lead HTTP/1.1",
        [...leadHeaders(body), ["x-big", "b".repeat(20_000)], ["content-length", `${body.length}`]],
        body,
      ),
    );
    expect(outcome.kind === "response" ? outcome.response.status : outcome.kind).toBe(431);
  });

  it("an HTTP/1.1 request without Host: 400 from Node.js", async () => {
    const bytes = Buffer.from(
      `POST /webhook/new-lead HTTP/1.1\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`,
    );
    const outcome = await exchange(bytes);
    expect(outcome.kind === "response" && outcome.response.status).toBe(400);
  });

  it("Expect: 100-continue gets 100, then the real answer", () =>
    expectAnswer(
      request(
        "POST /webhook/new-lead HTTP/1.1",
        [...leadHeaders(body), ["expect", "100-continue"], ["content-length", `${body.length}`]],
        body,
      ),
      202,
    ));
});

describe("slow clients (slowloris)", () => {
  const body = Buffer.from(lead(""));
  const bytes = () =>
    request("POST /webhook/new-lead HTTP/1.1", [...leadHeaders(body), ["content-length", `${body.length}`]], body);

  it("headers trickled one byte every 100 ms are cut off after HTTP_HEADERS_TIMEOUT_MS", async () => {
    const outcome = await exchange(bytes(), { chunkSize: 1, delayMs: 100, timeoutMs: 15_000 });
    expect(outcome.kind).not.toBe("timeout");
    if (outcome.kind === "response") expect(outcome.response.status).toBe(408);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(outcome.elapsedMs).toBeLessThan(HEADERS_TIMEOUT_MS + 3_000);
  });

  it("a body trickled one byte every 100 ms is cut off after HTTP_REQUEST_TIMEOUT_MS", async () => {
    // 300 bytes at this pace would take 30 s.
    const padded = Buffer.from(lead(`,"message":"${"m".repeat(300)}"`));
    const all = request(
      "POST /webhook/new-lead HTTP/1.1",
      [...leadHeaders(padded), ["content-length", `${padded.length}`]],
      padded,
    );
    const headEnd = all.indexOf("\r\n\r\n") + 4;
    // The headers at once, then the body byte by byte: only the request timeout applies.
    const outcome = await exchange(Buffer.concat([all.subarray(0, headEnd), all.subarray(headEnd)]), {
      chunkSize: 1,
      delayMs: 100,
      firstChunk: headEnd,
      timeoutMs: 15_000,
    });
    expect(outcome.kind).not.toBe("timeout");
    if (outcome.kind === "response") expect(outcome.response.status).toBe(408);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(outcome.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 3_000);
  });

  it("keeps accepting deliveries while 100 slow clients hold connections", async () => {
    const slowStarted = performance.now();
    const slow = Array.from({ length: 100 }, () =>
      sendRaw(api.host, api.port, bytes(), { chunkSize: 1, delayMs: 200, timeoutMs: 15_000 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expectAnswer(signedLead(lead("")), 202);
    const answeredAt = performance.now();
    const outcomes = await Promise.all(slow);
    expect(outcomes.filter((o) => o.kind === "timeout")).toEqual([]);
    // Answered while every slow client was still connected, not after the server cut them off.
    const firstCutOff = slowStarted + Math.min(...outcomes.map((o) => o.elapsedMs));
    expect(answeredAt).toBeLessThan(firstCutOff);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});
