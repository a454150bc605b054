import type { ServerResponse } from "node:http";
import { type FakeRequest, FakeService, sendJson } from "./http-fake.js";

interface Contact {
  id: string;
  properties: Record<string, string>;
}

interface Note {
  id: string;
  properties: Record<string, string>;
  contactIds: string[];
}

/**
 * The HubSpot CRM v3 routes the connector calls: contact search by email, create, update,
 * and notes associated with a contact. Checks the bearer token; can be told to fail.
 */
export class FakeHubSpotServer extends FakeService {
  readonly contacts = new Map<string, Contact>();
  readonly notes: Note[] = [];
  /** Answers for the next requests: a status ([500] fails one request), or one with a `retry-after`. */
  readonly failures: Array<number | { status: number; retryAfter: string }> = [];
  private nextId = 1000;

  constructor(private readonly token = "test-hubspot-token") {
    super();
  }

  contactByEmail(email: string): Contact | undefined {
    return [...this.contacts.values()].find((contact) => contact.properties.email === email);
  }

  protected override handle(request: FakeRequest, response: ServerResponse): void {
    if (request.headers.authorization !== `Bearer ${this.token}`)
      return sendJson(response, 401, { status: "error", category: "INVALID_AUTHENTICATION" });
    const failure = this.failures.shift();
    if (failure) {
      const { status, retryAfter } = typeof failure === "number" ? { status: failure, retryAfter: undefined } : failure;
      return sendJson(
        response,
        status,
        { status: "error", message: `scripted ${status}` },
        retryAfter ? { "retry-after": retryAfter } : {},
      );
    }
    const body = request.body ? (JSON.parse(request.body) as Record<string, any>) : {};
    const { method, path } = request;

    if (method === "POST" && path === "/crm/v3/objects/contacts/search") {
      const email = body.filterGroups?.[0]?.filters?.find(
        (f: any) => f.propertyName === "email" && f.operator === "EQ",
      )?.value;
      const found = email ? this.contactByEmail(email) : undefined;
      return sendJson(response, 200, { total: found ? 1 : 0, results: found ? [found] : [] });
    }
    if (method === "POST" && path === "/crm/v3/objects/contacts") {
      const email = body.properties?.email;
      if (!email) return sendJson(response, 400, { status: "error", category: "VALIDATION_ERROR" });
      if (this.contactByEmail(email)) return sendJson(response, 409, { status: "error", category: "CONFLICT" });
      const contact = { id: String(this.nextId++), properties: { ...body.properties } };
      this.contacts.set(contact.id, contact);
      return sendJson(response, 201, contact);
    }
    const update = /^\/crm\/v3\/objects\/contacts\/(\d+)$/.exec(path);
    if (method === "PATCH" && update) {
      const contact = this.contacts.get(update[1]!);
      if (!contact) return sendJson(response, 404, { status: "error", category: "OBJECT_NOT_FOUND" });
      Object.assign(contact.properties, body.properties);
      return sendJson(response, 200, contact);
    }
    if (method === "POST" && path === "/crm/v3/objects/notes") {
      const contactIds: string[] = [];
      for (const association of body.associations ?? []) {
        const typeOk = association.types?.some(
          (t: any) => t.associationCategory === "HUBSPOT_DEFINED" && t.associationTypeId === 202,
        );
        if (!typeOk || !this.contacts.has(association.to?.id))
          return sendJson(response, 400, { status: "error", category: "VALIDATION_ERROR", message: "bad association" });
        contactIds.push(association.to.id);
      }
      if (!body.properties?.hs_timestamp)
        return sendJson(response, 400, { status: "error", message: "hs_timestamp is required" });
      const note = { id: String(this.nextId++), properties: body.properties, contactIds };
      this.notes.push(note);
      return sendJson(response, 201, { id: note.id, properties: note.properties });
    }
    sendJson(response, 404, { status: "error", category: "OBJECT_NOT_FOUND" });
  }
}
