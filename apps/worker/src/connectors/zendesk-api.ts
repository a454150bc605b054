import { json, type RequestLimits, request } from "./http-client.js";

export interface ZendeskOptions extends RequestLimits {
  /** `https://acme.zendesk.com` */
  baseUrl: string;
  email: string;
  apiToken: string;
}

export interface ZendeskComment {
  id: number;
  body: string;
  public: boolean;
}

type Page<K extends string, T> = Partial<Record<K, T[]>> & {
  next_page?: string | null;
  meta?: { has_more?: boolean };
  links?: { next?: string | null };
};

/** Pages read when looking a marker up: the newest first, so a recent write is on the first. */
const MAX_PAGES = 5;

/**
 * The few Zendesk Support API calls the platform makes, with API-token basic auth
 * (`{email}/token:{token}`). Zendesk documents an `Idempotency-Key` for creating tickets
 * only, so the writes here that must not repeat (comments on an existing ticket) carry a
 * marker that `hasComment` / `hasAuditMarker` look up before writing again.
 */
export class ZendeskApi {
  constructor(private readonly options: ZendeskOptions) {}

  async updateTicket(ticketId: string, ticket: Record<string, unknown>): Promise<{ auditId?: number }> {
    const answer = await this.call(`/api/v2/tickets/${ticketId}.json`, "PUT", { ticket });
    const body = json<{ audit?: { id?: number } }>(answer);
    return body.audit?.id === undefined ? {} : { auditId: body.audit.id };
  }

  /** Whether a comment on the ticket contains `marker` (newest pages first). */
  async hasComment(ticketId: string, marker: string): Promise<boolean> {
    return this.anyOnPages<"comments", ZendeskComment>(
      `/api/v2/tickets/${ticketId}/comments?sort_order=desc`,
      "comments",
      (c) => c.body.includes(marker),
    );
  }

  /** Whether an audit of the ticket carries `value` in its custom metadata under `key`. */
  async hasAuditMarker(ticketId: string, key: string, value: string): Promise<boolean> {
    return this.anyOnPages<"audits", { metadata?: { custom?: Record<string, unknown> } }>(
      `/api/v2/tickets/${ticketId}/audits?sort_order=desc`,
      "audits",
      (audit) => audit.metadata?.custom?.[key] === value,
    );
  }

  private async anyOnPages<K extends string, T>(path: string, key: K, match: (item: T) => boolean): Promise<boolean> {
    let url: string | undefined = `${this.base()}${path}`;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const body: Page<K, T> = json<Page<K, T>>(await this.fetch(url, "GET"));
      const items: T[] = (body as Partial<Record<K, T[]>>)[key] ?? [];
      if (items.some(match)) return true;
      url = body.links?.next ?? body.next_page ?? undefined;
      if (body.meta?.has_more === false) url = undefined;
    }
    return false;
  }

  private call(path: string, method: "GET" | "PUT", body?: unknown) {
    return this.fetch(`${this.base()}${path}`, method, body);
  }

  private fetch(url: string, method: "GET" | "PUT", body?: unknown) {
    const credentials = Buffer.from(`${this.options.email}/token:${this.options.apiToken}`).toString("base64");
    return request("zendesk", url, {
      method,
      body,
      headers: { authorization: `Basic ${credentials}`, accept: "application/json" },
      timeoutMs: this.options.timeoutMs,
      retryAfterMaxMs: this.options.retryAfterMaxMs,
    });
  }

  private base(): string {
    return this.options.baseUrl.replace(/\/$/, "");
  }
}
