import { type MetaLead, metaLeadSchema } from "@aiops/shared";
import { PermanentError } from "../errors/index.js";
import { json, request } from "./http-client.js";

export interface MetaGraphOptions {
  /** A Page access token with `leads_retrieval`; without one, leads are not read. */
  accessToken?: string;
  /** The Graph API with its version, e.g. `https://graph.facebook.com/v21.0`. */
  baseUrl: string;
  timeoutMs: number;
}

/**
 * Graph API error codes Meta documents as passing: unknown and service errors, and the
 * app, user, page and application rate limits. Meta answers them with a 4xx.
 */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

function transient(_status: number, text: string): boolean {
  try {
    const code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "number" && TRANSIENT_CODES.has(code);
  } catch {
    return false;
  }
}

/** A Graph API object id: decimal digits, a few dozen at most. */
const LEADGEN_ID = /^\d{1,32}$/;

/**
 * Meta's Graph API, for the one read the platform needs. A Lead Ads webhook says only that
 * a lead exists (`leadgen_id`); its answers are read from `GET /{leadgen-id}`. The lead's
 * shape and which lead an event names live with the Meta provider in `@aiops/shared`; the
 * client stays in the worker because its failures are the worker's retryable and permanent
 * errors, from the same HTTP client as every outbound call.
 */
export class MetaGraph {
  constructor(private readonly options: MetaGraphOptions) {}

  async lead(leadgenId: string): Promise<MetaLead> {
    const { accessToken, baseUrl, timeoutMs } = this.options;
    // Graph API ids are digits. Anything else (`..`, `me/accounts`) would name another route of
    // the Graph API, read with the page token: refused before any request is made.
    if (!LEADGEN_ID.test(leadgenId))
      throw new PermanentError(
        "meta_leadgen_id_invalid",
        `the leadgen id ${JSON.stringify(leadgenId.slice(0, 64))} is not a Graph API id (digits only)`,
      );
    if (!accessToken)
      throw new PermanentError(
        "meta_no_token",
        "the leadgen change has no field_data; reading the lead from the Graph API needs META_PAGE_ACCESS_TOKEN",
      );
    const url = `${baseUrl.replace(/\/$/, "")}/${encodeURIComponent(leadgenId)}?fields=id,form_id,created_time,field_data`;
    // The token goes in a header, not the query string, so no URL in a log or an error carries it.
    const answer = await request("meta", url, {
      method: "GET",
      headers: { authorization: `Bearer ${accessToken}` },
      timeoutMs,
      transient,
    });
    const parsed = metaLeadSchema.safeParse(json(answer));
    if (!parsed.success)
      throw new PermanentError(
        "meta_lead_invalid",
        `the Graph API's lead ${leadgenId} is not a lead: ${parsed.error.message}`,
      );
    return parsed.data;
  }
}
