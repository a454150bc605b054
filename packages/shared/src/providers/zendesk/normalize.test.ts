import { describe, expect, it } from "vitest";
import { ticketSchema } from "../../canonical/schemas.js";
import { zendeskTicket } from "./normalize.js";

describe("Zendesk tickets", () => {
  it("keep the ticket id, so triage and replies can be written back", () => {
    const ticket = ticketSchema.parse(
      zendeskTicket({ type: "zen:event-type:ticket.created", detail: { id: "35436", subject: "Help" } }),
    );
    expect(ticket).toMatchObject({ externalId: "35436", subject: "Help" });
    expect(ticket.origin).toEqual({ kind: "zendesk", ticketId: "35436" });
  });
});
