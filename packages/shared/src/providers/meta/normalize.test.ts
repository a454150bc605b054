import { describe, expect, it } from "vitest";
import { leadSchema } from "../../canonical/schemas.js";
import { metaLead, metaLeadToRead } from "./normalize.js";

type Fields = Array<{ name: string; values: string[] }>;

const page = (value: Record<string, unknown>) => ({
  object: "page",
  entry: [{ id: "1", time: 1, changes: [{ field: "leadgen", value: { leadgen_id: "9", ...value } }] }],
});

describe("Meta Lead Ads", () => {
  it("reads a leadgen change's field data, and refuses one without an email", () => {
    const lead = (fields: Fields) => leadSchema.safeParse(metaLead(page({ field_data: fields })));
    const answers = [
      { name: "email", values: ["m@example.com"] },
      { name: "full_name", values: ["Meta Person"] },
    ];
    expect(lead(answers).data).toMatchObject({ email: "m@example.com", name: "Meta Person" });
    expect(lead([{ name: "full_name", values: ["No Email"] }]).success).toBe(false);
  });

  it("asks for a lead's answers only when no leadgen change carries them, and uses the ones read for that lead", () => {
    const answers = [{ name: "email", values: ["read@example.com"] }];
    expect(metaLeadToRead(page({ form_id: "f1" }))).toBe("9");
    expect(metaLeadToRead(page({ form_id: "f1", field_data: answers }))).toBeUndefined();
    expect(leadSchema.parse(metaLead(page({ form_id: "f1" }), { id: "9", field_data: answers }))).toMatchObject({
      email: "read@example.com",
      attributes: { leadgenId: "9", formId: "f1" },
    });
    // Answers read for another lead are not this one's.
    expect(leadSchema.safeParse(metaLead(page({ form_id: "f1" }), { id: "8", field_data: answers })).success).toBe(
      false,
    );
  });
});
