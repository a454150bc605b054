import { describe, expect, it } from "vitest";
import { redactEmails, redactPii } from "./pii.js";

describe("PII redaction for exported cases", () => {
  it("replaces addresses and phone numbers, leaves the rest", () => {
    expect(redactPii("Write to Jane.Doe+sales@example.co.uk. Or call +44 20 7946 0958 today, ticket 12345.")).toBe(
      "Write to [email]. Or call [phone] today, ticket 12345.",
    );
    expect(redactPii("(555) 123-4567 or 555.123.4567; order #2024 of 3 items")).toBe("[phone] or [phone]; order #2024 of 3 items");
    expect(redactEmails("a@b and @handle and x@y.z1 stay")).toBe("a@b and @handle and x@y.z1 stay");
    expect(redactEmails("two:a@x.io,b@y.io")).toBe("two:[email],[email]");
  });
});
