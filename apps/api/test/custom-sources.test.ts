import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { customSource, customSourceSchema, eventRecordId, loadSourcesFile } from "@aiops/shared";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startApi } from "./harness.js";

const secret = `whsec_${Buffer.from("typeform-secret-of-32-bytes-long!").toString("base64")}`;
const dir = mkdtempSync(join(tmpdir(), "aiops-sources-"));
const file = join(dir, "sources.json");
writeFileSync(
  file,
  JSON.stringify({
    sources: [
      {
        name: "typeform",
        scheme: "standard-webhooks",
        secretVariable: "TYPEFORM_WEBHOOK_SECRET",
        eventId: { field: "event_id" },
        type: { field: "event_type", map: { form_response: "lead" }, default: "ignored" },
      },
    ],
  }),
);

let h: Harness;
beforeAll(async () => {
  h = await startApi({ SOURCES_FILE: file, TYPEFORM_WEBHOOK_SECRET: secret });
});
afterAll(async () => h.close());

function send(body: object) {
  const text = JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const date = new Date();
  return h.post("typeform", text, {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": `${Math.floor(date.getTime() / 1000)}`,
    "webhook-signature": new Webhook(secret).sign(id, date, text),
  });
}

describe("sources added by configuration", () => {
  it("verify with the named scheme, take the event id from the body and map the event type", async () => {
    const eventId = randomUUID();
    const answer = await send({
      event_id: eventId,
      event_type: "form_response",
      form_response: { email: "x@example.com" },
    });
    expect(answer).toMatchObject({ status: 202, body: { id: eventRecordId("typeform", eventId) } });
    const other = await send({ event_id: randomUUID(), event_type: "form_deleted" });
    expect(other.status).toBe(202);
    const types = (await h.jobs()).map((job) => job.type).sort();
    expect(types).toEqual(["ignored", "lead"]);
  });

  it("refuses a delivery without the configured event id field", async () => {
    expect(await send({ event_type: "form_response" })).toMatchObject({
      status: 400,
      body: { error: "invalid_payload" },
    });
  });

  it("stop the process with a clear message when the file is malformed", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({ sources: [{ name: "Bad Name", scheme: "carrier-pigeon", secretVariable: "x", type: "lead" }] }),
    );
    expect(() => loadSourcesFile(bad)).toThrow(/Invalid sources file[\s\S]*name[\s\S]*scheme[\s\S]*secretVariable/);
    expect(() => loadSourcesFile(join(dir, "missing.json"))).toThrow(/Cannot read the sources file/);
  });
});

describe("whether a sources-file source's event id is signed", () => {
  const spec = (scheme: string, eventId: unknown) => ({
    name: "x",
    scheme,
    secretVariable: "X_SECRET",
    eventId,
    type: "lead",
  });
  it.each([
    ["standard-webhooks", { header: "Webhook-Id" }, true],
    ["standard-webhooks", { header: "x-request-id" }, false],
    ["hub-signature-256", { header: "x-delivery" }, false],
    ["shopify", { header: "x-shopify-event-id" }, false],
    ["stripe", { field: "id" }, true],
    ["github", "body-sha256", true],
  ] as const)("%s with event id %j: signed %s", (scheme, eventId, signed) => {
    expect(customSource(customSourceSchema.parse(spec(scheme, eventId))).eventIdSigned).toBe(signed);
  });
});
