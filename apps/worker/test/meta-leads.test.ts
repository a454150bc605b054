// Meta Lead Ads webhooks name a lead (`leadgen_id`) without its answers: the worker reads
// them from the Graph API, here a local server that speaks its route and errors.

import { FakeMetaGraph, nextSeq, sampleEvent } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

const graph = new FakeMetaGraph();
let h: Harness;
let tokenless: Harness;

beforeAll(async () => {
  await graph.start();
  h = await startHarness({ META_PAGE_ACCESS_TOKEN: "test-meta-page-token", META_GRAPH_URL: graph.url });
  tokenless = await startHarness({ META_GRAPH_URL: graph.url });
});
afterAll(async () => {
  await Promise.all([h.close(), tokenless.close()]);
  await graph.close();
});

/** A leadgen webhook as Meta sends it (no `field_data`), and the lead the Graph API holds for it. */
function leadgen(withLead = true) {
  const seq = nextSeq();
  const event = sampleEvent("meta", seq, (body) => delete body.entry[0].changes[0].value.field_data);
  const value = (event.payload as any).entry[0].changes[0].value;
  const email = `graph-lead-${seq}@example.com`;
  if (withLead)
    graph.leads.set(value.leadgen_id, {
      id: value.leadgen_id,
      form_id: value.form_id,
      created_time: "2026-11-26T10:00:00+0000",
      field_data: [
        { name: "email", values: [email] },
        { name: "full_name", values: [`Graph Lead ${seq}`] },
        { name: "company_name", values: ["Example GmbH"] },
      ],
    });
  return { event, email, leadgenId: value.leadgen_id as string };
}

const readsOf = (leadgenId: string) =>
  graph.requests.filter((r) => r.path.startsWith(`/${graph.version}/${leadgenId}?`));

describe("Meta leads read from the Graph API", () => {
  it("reads the answers of a lead the webhook only names, once, with the page token", async () => {
    const { event, email, leadgenId } = leadgen();
    await h.enqueue(event);
    expect((await h.waitFor(event.id)).status).toBe("completed");

    expect(await h.db.contact.findUniqueOrThrow({ where: { email } })).toMatchObject({
      name: expect.stringMatching(/^Graph Lead/),
      company: "Example GmbH",
    });
    const reads = readsOf(leadgenId);
    expect(reads).toHaveLength(1);
    expect(reads[0]!.headers.authorization).toBe("Bearer test-meta-page-token");
    expect(reads[0]!.path).not.toMatch(/access_token/);
    const step = await h.db.stepResult.findUniqueOrThrow({
      where: { eventId_name: { eventId: event.id, name: "meta.lead" } },
    });
    expect(step).toMatchObject({ status: "succeeded", output: { id: leadgenId } });
    // Stored by one statement, the steps still read back in the order they ran (as the admin API lists them).
    const steps = await h.db.stepResult.findMany({ where: { eventId: event.id }, orderBy: { createdAt: "asc" } });
    expect(steps.map((s) => s.name)).toEqual(["meta.lead", "ai.lead", "crm.contact"]);
    const [times] = await h.db.$queryRaw<Array<{ distinct: number }>>`
      SELECT count(DISTINCT created_at)::int AS distinct FROM step_results WHERE event_id = ${event.id}`;
    expect(times!.distinct).toBe(3);
  });

  it("retries a rate limit Meta answers with 400 and code 17", async () => {
    const { event, email, leadgenId } = leadgen();
    graph.failures.push({ status: 400, code: 17, message: "User request limit reached" });
    await h.enqueue(event);
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2 });
    expect(readsOf(leadgenId)).toHaveLength(2);
    expect(await h.db.contact.count({ where: { email } })).toBe(1);
  });

  it("fails at once a lead the Graph API does not know", async () => {
    const { event, leadgenId } = leadgen(false);
    await h.enqueue(event);
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toMatch(/meta answered 400: .*does not exist/);
    expect(readsOf(leadgenId)).toHaveLength(1);
  });

  it("fails at once, naming the variable, when no page token is configured", async () => {
    const { event, leadgenId } = leadgen();
    await tokenless.enqueue(event);
    const row = await tokenless.waitFor(event.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toMatch(/META_PAGE_ACCESS_TOKEN/);
    expect(readsOf(leadgenId)).toHaveLength(0);
  });

  it.each(["..", "../me/accounts", "123/../456", "123?fields=access_token", " 123"])(
    "fails at once, without any Graph API request, a leadgen id that is not all digits: %j",
    async (leadgenId) => {
      const event = sampleEvent("meta", nextSeq(), (body) => {
        const value = body.entry[0].changes[0].value;
        delete value.field_data;
        value.leadgen_id = leadgenId;
      });
      const before = graph.requests.length;
      await h.enqueue(event);
      const row = await h.waitFor(event.id);
      expect(row).toMatchObject({ status: "failed", attempts: 1 });
      expect(row.lastError).toMatch(/leadgen id .* is not a Graph API id/);
      expect(graph.requests.length).toBe(before);
    },
  );

  it("does not call the Graph API for a webhook that carries its answers", async () => {
    const before = graph.requests.length;
    const event = await h.enqueue(sampleEvent("meta"));
    expect((await h.waitFor(event.id)).status).toBe("completed");
    expect(graph.requests.length).toBe(before);
  });
});
