import { FakeGitHub, FakeSlackApi, FakeZendesk, nextSeq, sampleEvent } from "@aiops/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triageMarker } from "../src/connectors/triage-write-back.js";
import { type Harness, startHarness } from "./support/harness.js";

const zendesk = new FakeZendesk();
const github = new FakeGitHub();
const slack = new FakeSlackApi();
let h: Harness;

beforeAll(async () => {
  await Promise.all([zendesk.start(), github.start(), slack.start()]);
  h = await startHarness({
    ZENDESK_BASE_URL: zendesk.url,
    ZENDESK_EMAIL: zendesk.email,
    ZENDESK_API_TOKEN: zendesk.token,
    GITHUB_TOKEN: github.token,
    GITHUB_API_URL: github.url,
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.apiUrl,
  });
});
afterAll(async () => {
  await h?.close();
  await Promise.all([zendesk.close(), github.close(), slack.close()]);
});

async function step(eventId: string, name: string) {
  return h.db.stepResult.findUnique({ where: { eventId_name: { eventId, name } } });
}

describe("triage written back to Zendesk", () => {
  it("sets the priority and tags and adds one private note", async () => {
    const event = await h.enqueue(sampleEvent("new-ticket", nextSeq() * 2));
    expect((await h.waitFor(event.id)).status).toBe("completed");
    const ticket = zendesk.ticket((event.payload as any).detail.id);
    // What reaches Zendesk is what the AI step stored, whatever the provider answered.
    const triage = (await step(event.id, "ai.ticket"))?.output as {
      priority: string;
      category: string;
      sentiment: string;
    };
    expect(ticket.priority).toBe(triage.priority);
    expect(ticket.tags).toEqual(["aiops", triage.category, triage.sentiment]);
    expect(ticket.comments).toHaveLength(1);
    expect(ticket.comments[0]).toMatchObject({ public: false });
    expect(ticket.comments[0]!.body).toContain("Drafted reply");
    expect(ticket.comments[0]!.body).toContain(triageMarker(event.id));
  });

  it("adds no second note when the update went through but its answer was lost", async () => {
    zendesk.faults.push("lose");
    const event = await h.enqueue(sampleEvent("new-ticket", nextSeq() * 2 + 1));
    const row = await h.waitFor(event.id);
    expect(row.status).toBe("completed");
    expect(row.attempts).toBe(2);
    const id = (event.payload as any).detail.id as string;
    const ticket = zendesk.ticket(id);
    expect(zendesk.requests.filter((r) => r.method === "PUT" && r.path.includes(`/${id}.json`))).toHaveLength(2);
    expect(ticket.comments).toHaveLength(1);
    expect(ticket.priority).toBe(((await step(event.id, "ai.ticket"))!.output as { priority: string }).priority);
    expect((await step(event.id, "connector.zendesk"))?.output).toMatchObject({ note: "already_present" });
  });
});

describe("triage written back to GitHub and Slack", () => {
  it("labels an opened issue with its priority and category, once after a lost answer", async () => {
    github.faults.push("lose");
    const event = await h.enqueue(sampleEvent("github", nextSeq() * 2));
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2 });
    const issue = github.issue("acme/widgets", (event.payload as any).issue.number);
    expect(issue.labels).toEqual(["priority: urgent", "outage"]);
    expect(
      github.requests.filter((r) => r.path.endsWith(`/issues/${(event.payload as any).issue.number}/labels`)),
    ).toHaveLength(2);
  });

  it("reacts to a Slack message with its priority; the repeat after a lost answer counts as done", async () => {
    slack.faults.push("lose");
    const event = await h.enqueue(sampleEvent("slack"));
    const row = await h.waitFor(event.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2 });
    const ts = (event.payload as any).event.ts as string;
    const reactions = slack.reactions.filter((r) => r.timestamp === ts);
    expect(reactions).toHaveLength(1);
    expect(reactions[0]!.name).toMatch(/rotating_light|red_circle|large_yellow_circle|white_circle/);
    expect((await step(event.id, "connector.slack-reaction"))?.output).toMatchObject({ already: true });
  });
});
