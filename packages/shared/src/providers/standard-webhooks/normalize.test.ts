import { describe, expect, it } from "vitest";
import { leadSchema } from "../../canonical/schemas.js";
import { formLead } from "./normalize.js";

describe("lead forms", () => {
  it("keeps a form's extra fields as attributes and lower-cases the email", () => {
    const lead = leadSchema.parse(formLead({ email: "Jo@Acme.io", name: "Jo", utm: { source: "ad" }, plan: "pro" }));
    expect(lead).toEqual({ email: "jo@acme.io", name: "Jo", attributes: { utm: { source: "ad" }, plan: "pro" } });
  });
});
