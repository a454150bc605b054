import { describe, expect, it } from "vitest";
import { ticketSchema } from "../../canonical/schemas.js";
import { slackTicket } from "./normalize.js";

const message = (event: Record<string, unknown>) => ticketSchema.parse(slackTicket({ event }));

describe("Slack tickets", () => {
  it("are named by channel and timestamp; the first line is the subject", () => {
    const ticket = message({ type: "message", channel: "C1", ts: "1.2", text: "It broke\nmore detail", user: "U1" });
    expect(ticket).toMatchObject({ externalId: "C1:1.2", subject: "It broke", description: "It broke\nmore detail" });
  });

  it("keep the thread a reply is in, so replies go there", () => {
    const ticket = message({ type: "message", channel: "C1", ts: "1.2", thread_ts: "1.1", text: "Still broken" });
    expect(ticket.origin).toEqual({ kind: "slack", channel: "C1", ts: "1.2", threadTs: "1.1" });
  });
});
