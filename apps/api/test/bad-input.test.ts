import { randomUUID } from "node:crypto";
import { TEST_SECRETS } from "@aiops/testing";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startApi } from "./harness.js";

/** A lead delivery with any body bytes, correctly signed, so only the body itself is at fault. */
function signedLead(body: Buffer | string, contentType = "application/json") {
  const id = `msg_${randomUUID()}`;
  const date = new Date();
  const text = typeof body === "string" ? body : body.toString("latin1");
  // The library signs a string; sign the raw bytes ourselves where they are not valid UTF-8.
  const signature = Buffer.isBuffer(body)
    ? signRaw(id, date, body)
    : new Webhook(TEST_SECRETS.LEAD_WEBHOOK_SECRET).sign(id, date, text);
  return {
    body,
    headers: {
      "content-type": contentType,
      "webhook-id": id,
      "webhook-timestamp": `${Math.floor(date.getTime() / 1000)}`,
      "webhook-signature": signature,
    },
  };
}

import { createHmac } from "node:crypto";

function signRaw(id: string, date: Date, body: Buffer): string {
  const key = Buffer.from(TEST_SECRETS.LEAD_WEBHOOK_SECRET.slice("whsec_".length), "base64");
  const ts = `${Math.floor(date.getTime() / 1000)}`;
  return `v1,${createHmac("sha256", key).update(`${id}.${ts}.`).update(body).digest("base64")}`;
}

const LIMIT = 65_536;
let h: Harness;
beforeAll(async () => {
  h = await startApi({ MAX_BODY_BYTES: `${LIMIT}` });
});
afterAll(async () => h.close());

async function expectRefused(body: Buffer | string, headers: Record<string, string>, status: number, error: string) {
  const before = (await h.jobs()).length;
  const answer = await h.post("new-lead", body, headers);
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ error, message: expect.any(String) });
  expect((await h.jobs()).length).toBe(before);
  // The server keeps answering after every bad request.
  expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
}

describe("bad input gets a clear 4xx and changes nothing", () => {
  it("malformed JSON", async () => {
    const { body, headers } = signedLead('{"email": "a@example.com", "name": ');
    await expectRefused(body, headers, 400, "invalid_json");
  });

  it("a JSON value that is not an object", async () => {
    const { body, headers } = signedLead("[1,2,3]");
    await expectRefused(body, headers, 400, "invalid_payload");
  });

  it("a content type the source does not accept", async () => {
    const { body, headers } = signedLead('{"email":"a@example.com","name":"A"}', "text/plain");
    await expectRefused(body, headers, 415, "unsupported_media_type");
    const form = signedLead("email=a%40example.com", "application/x-www-form-urlencoded");
    await expectRefused(form.body, form.headers, 415, "unsupported_media_type");
  });

  it("a body one byte over MAX_BODY_BYTES, while one at the limit is accepted", async () => {
    const base = '{"email":"a@example.com","name":"A","padding":""}';
    const atLimit = base.replace('""', `"${"x".repeat(LIMIT - base.length)}"`);
    expect(Buffer.byteLength(atLimit)).toBe(LIMIT);
    const ok = signedLead(atLimit);
    expect((await h.post("new-lead", ok.body, ok.headers)).status).toBe(202);
    const over = signedLead(atLimit.replace('"padding":"', '"padding":"x'));
    await expectRefused(over.body, over.headers, 413, "payload_too_large");
  });

  it("a compressed body, while identity in any case is accepted", async () => {
    const gzip = signedLead('{"email":"a@example.com","name":"A"}');
    await expectRefused(gzip.body, { ...gzip.headers, "content-encoding": "gzip" }, 415, "unsupported_media_type");
    const identity = signedLead('{"email":"a@example.com","name":"A"}');
    expect(
      (await h.post("new-lead", identity.body, { ...identity.headers, "content-encoding": "Identity" })).status,
    ).toBe(202);
  });

  it("an unknown source", async () => {
    const { body, headers } = signedLead('{"email":"a@example.com","name":"A"}');
    const answer = await h.post("no-such-source", body, headers);
    expect(answer).toMatchObject({ status: 404, body: { error: "unknown_source" } });
  });

  it("a source name with a malformed percent-encoding", async () => {
    const { body, headers } = signedLead('{"email":"a@example.com","name":"A"}');
    for (const name of ["%ZZ", "new-lead%", "%E0%A4%A"]) {
      const answer = await h.post(name, body, headers);
      expect(answer).toMatchObject({ status: 404, body: { error: "unknown_source", message: expect.any(String) } });
    }
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it("__proto__ and prototype keys, at any depth", async () => {
    for (const text of [
      '{"email":"a@example.com","name":"A","__proto__":{"admin":true}}',
      '{"email":"a@example.com","name":"A","utm":{"x":{"__proto__":{"polluted":1}}}}',
      '{"email":"a@example.com","name":"A","constructor":{"prototype":{"polluted":1}}}',
    ]) {
      const { body, headers } = signedLead(text);
      await expectRefused(body, headers, 400, "invalid_payload");
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("U+0000 in a string or key, which Postgres could never store", async () => {
    for (const text of [
      '{"email":"a@example.com","name":"A\\u0000B"}',
      '{"email":"a@example.com","name":"A","utm":{"k\\u0000":"v"}}',
    ]) {
      const { body, headers } = signedLead(text);
      await expectRefused(body, headers, 400, "invalid_payload");
    }
    // An escaped backslash followed by "u0000" is ordinary text and accepted.
    const fine = signedLead('{"email":"a@example.com","name":"C:\\\\u0000"}');
    expect((await h.post("new-lead", fine.body, fine.headers)).status).toBe(202);
  });

  it("__proto__ and prototype keys spelt with JSON escapes", async () => {
    for (const text of [
      '{"email":"a@example.com","name":"A","\\u005f_proto__":{"admin":true}}',
      '{"email":"a@example.com","name":"A","utm":{"\\u0070rototype":{"polluted":1}}}',
    ]) {
      const { body, headers } = signedLead(text);
      await expectRefused(body, headers, 400, "invalid_payload");
    }
  });

  it("10,000-deep nesting", async () => {
    const deep = `{"email":"a@example.com","name":"A","utm":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    const { body, headers } = signedLead(deep);
    await expectRefused(body, headers, 400, "invalid_payload");
  });

  it("invalid UTF-8", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"email":"a@example.com","name":"'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    const { body, headers } = signedLead(bytes);
    await expectRefused(body, headers, 400, "invalid_json");
  });

  it("an empty body", async () => {
    const { body, headers } = signedLead("");
    await expectRefused(body, headers, 400, "invalid_json");
  });
});
