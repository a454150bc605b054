import { first, record, text } from "../../canonical/fields.js";
import type { Payload } from "../types.js";
import type { MetaLead } from "./graph-lead.js";

/** The `leadgen` changes of a Meta `page` payload, in order. */
function leadgenChanges(body: Payload): Payload[] {
  const values: Payload[] = [];
  for (const entry of Array.isArray(body.entry) ? body.entry : []) {
    const changes = Array.isArray(record(entry).changes) ? (record(entry).changes as unknown[]) : [];
    for (const change of changes) if (record(change).field === "leadgen") values.push(record(record(change).value));
  }
  return values;
}

/**
 * The lead a Meta event names but does not carry, to be read from the Graph API: the first
 * `leadgen` change's id, when no change has `field_data` (Meta's webhooks send none; some
 * tools forward them with it).
 */
export function metaLeadToRead(body: Payload): string | undefined {
  const changes = leadgenChanges(body);
  if (changes.some((value) => Array.isArray(value.field_data) && value.field_data.length)) return undefined;
  return changes.map((value) => text(value.leadgen_id)).find((id) => id !== undefined);
}

/**
 * Meta Lead Ads: the first `leadgen` change whose answers (`field_data`, carried or read
 * from the Graph API as `read`) include an email.
 */
export function metaLead(body: Payload, read?: MetaLead): unknown {
  for (const value of leadgenChanges(body)) {
    const data = Array.isArray(value.field_data)
      ? value.field_data
      : read && read.id === text(value.leadgen_id)
        ? read.field_data
        : [];
    const fields = new Map<string, string>();
    for (const field of data) {
      const { name, values } = record(field);
      const firstValue = Array.isArray(values) ? text(values[0]) : undefined;
      if (typeof name === "string" && firstValue) fields.set(name, firstValue);
    }
    if (!fields.has("email")) continue;
    return {
      email: fields.get("email"),
      name: first(fields.get("full_name"), fields.get("first_name")),
      company: fields.get("company_name"),
      phone: fields.get("phone_number"),
      attributes: {
        leadgenId: text(value.leadgen_id),
        formId: text(value.form_id) ?? read?.form_id,
        pageId: text(value.page_id),
        fields: Object.fromEntries(fields),
      },
    };
  }
  return { attributes: {} };
}
