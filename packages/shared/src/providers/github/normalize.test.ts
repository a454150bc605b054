import { describe, expect, it } from "vitest";
import { ticketSchema } from "../../canonical/schemas.js";
import { githubTicket } from "./normalize.js";

describe("GitHub issues", () => {
  it("are named by repository and number, and keep where they came from", () => {
    const ticket = ticketSchema.parse(
      githubTicket({
        issue: { number: 5, title: "Crash", body: null, html_url: "https://x/5", user: { login: "o" } },
        repository: { full_name: "a/b" },
      }),
    );
    expect(ticket).toMatchObject({ externalId: "a/b#5", subject: "Crash", url: "https://x/5", requesterName: "o" });
    expect(ticket.origin).toEqual({ kind: "github", repo: "a/b", number: 5 });
  });

  it("have no origin when the repository could not be GitHub's, so it never reaches an API path", () => {
    const ticket = ticketSchema.parse(
      githubTicket({ issue: { number: 5, title: "Crash" }, repository: { full_name: "a/../../b" } }),
    );
    expect(ticket.origin).toBeUndefined();
  });
});
