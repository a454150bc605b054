import { describe, expect, it } from "vitest";
import { ticketSchema } from "../../canonical/schemas.js";
import { customNormalizers } from "./normalize.js";

describe("custom sources' records", () => {
  it("read the common field names, and a ticket has no origin to write back to", () => {
    const ticket = ticketSchema.parse(customNormalizers.ticket({ id: "t1", subject: "Hi" }));
    expect(ticket).toMatchObject({ externalId: "t1", subject: "Hi" });
    expect(ticket.origin).toBeUndefined();
  });
});
