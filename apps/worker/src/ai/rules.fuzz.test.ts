// The offline rules on generated text made of the pieces their patterns look for: every
// answer fits its schema, and counting links flags nothing the old link pattern would not.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countLinks } from "./rules-text.js";
import { leadRules } from "./tasks/lead/rules.js";
import { leadAnalysisSchema } from "./tasks/lead/schema.js";
import { paymentRules } from "./tasks/payment/rules.js";
import { paymentAnalysisSchema } from "./tasks/payment/schema.js";
import { ticketRules } from "./tasks/ticket/rules.js";
import { ticketAnalysisSchema } from "./tasks/ticket/schema.js";

const pieces = [
  "http://",
  "HTTPS://",
  "http",
  "a",
  "1",
  "30",
  " ",
  "\t",
  "\n",
  ".",
  "!",
  "?",
  "seats",
  "fail",
  "all our ",
  "users",
  "down",
  "attempt 3",
  "😀",
  "\u0000",
];
/** Text of pieces repeated in runs, up to the lengths a form or a ticket may have. */
const hostileText = (maxRuns: number) =>
  fc
    .array(fc.tuple(fc.constantFrom(...pieces), fc.integer({ min: 1, max: 2000 })), { maxLength: maxRuns })
    .map((runs) => runs.map(([piece, times]) => piece.repeat(times)).join(""));

describe("the offline rules on generated hostile text", () => {
  it("answer every lead, ticket and payment with a valid analysis", () => {
    fc.assert(
      fc.property(hostileText(20), hostileText(5), (long, short) => {
        leadAnalysisSchema.parse(
          leadRules({
            name: short.slice(0, 500) || undefined,
            company: short.slice(0, 500),
            emailDomain: "acme.io",
            message: long.slice(0, 20_000),
            source: "x",
          }),
        );
        ticketAnalysisSchema.parse(
          ticketRules({ subject: short.slice(0, 1000) || "s", description: long, source: "x" }),
        );
        paymentAnalysisSchema.parse(
          paymentRules({
            kind: "k",
            status: "failed",
            amount: 1000,
            currency: "jpy",
            failureReason: long.slice(0, 2000),
          }),
        );
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it("keeps reasons within their 500 characters when they quote a long company or failure reason", () => {
    const lead = leadRules({ company: "c".repeat(500), emailDomain: "acme.io", source: "x" });
    expect(() => leadAnalysisSchema.parse(lead)).not.toThrow();
    for (const status of ["failed", "disputed"] as const) {
      const payment = paymentRules({ kind: "k", status, amount: 1, currency: "usd", failureReason: "r".repeat(2000) });
      expect(() => paymentAnalysisSchema.parse(payment)).not.toThrow();
    }
  });

  it("flags as link spam only what the old pattern matched", () => {
    // The pattern the count replaced, on short texts where its backtracking costs nothing.
    // Links here have an address, as the old pattern required of the first two.
    const old = /https?:\/\/\S+.*https?:\/\/\S+.*https?:\/\//is;
    const linkPieces = ["http://a", "HTTPS://b", "http", "https", "://", " ", "\n", "a", ".", "😀"];
    const short = fc.array(fc.constantFrom(...linkPieces), { maxLength: 30 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(short, (text) => countLinks(text) < 3 || old.test(text)),
      { numRuns: 5000 },
    );
  });
});
