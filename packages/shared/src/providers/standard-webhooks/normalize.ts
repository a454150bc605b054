import { text } from "../../canonical/fields.js";
import type { Payload } from "../types.js";

const formFields = new Set(["email", "name", "company", "phone", "message"]);

/** A Standard Webhooks lead form, or a custom source's lead: the documented field names. */
export function formLead(body: Payload): unknown {
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
