import type { EventJob } from "@aiops/shared";
import { leadSchema, type Lead } from "./canonical.js";
import { first, record, text } from "./fields.js";
import { parseCanonical } from "./parse.js";

const formFields = new Set(["email", "name", "company", "phone", "message"]);

/** A Standard Webhooks lead form, or a custom source's lead: the documented field names. */
function fromForm(body: Record<string, unknown>): unknown {
  const attributes = Object.fromEntries(Object.entries(body).filter(([key]) => !formFields.has(key)));
  return {
    email: text(body.email),
    name: text(body.name),
    company: text(body.company),
    phone: text(body.phone),
    message: text(body.message),
    attributes,
  };
}

/**
 * Meta Lead Ads: the first `leadgen` change that carries its `field_data`. (A subscription
 * that sends only `leadgen_id` needs a Graph API read, which the platform does not do.)
 */
function fromMeta(body: Record<string, unknown>): unknown {
  const entries = Array.isArray(body.entry) ? body.entry : [];
  for (const entry of entries) {
    const changes = Array.isArray(record(entry).changes) ? (record(entry).changes as unknown[]) : [];
    for (const change of changes) {
      if (record(change).field !== "leadgen") continue;
      const value = record(record(change).value);
      const fields = new Map<string, string>();
      for (const field of Array.isArray(value.field_data) ? value.field_data : []) {
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
          formId: text(value.form_id),
          pageId: text(value.page_id),
          fields: Object.fromEntries(fields),
        },
      };
    }
  }
  return { attributes: {} };
}

export function normalizeLead(event: EventJob): Lead {
  const body = record(event.payload);
  const candidate = event.source === "meta" ? fromMeta(body) : fromForm(body);
  return parseCanonical(leadSchema, candidate, "lead");
}
