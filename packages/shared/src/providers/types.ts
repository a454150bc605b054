import type { z } from "zod";
import type { EventType } from "../queue.js";
import type { MetaLead } from "./meta/graph-lead.js";

/** Request headers with lower-case names, as Node.js gives them. */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

export type VerifyFailure = "missing_signature" | "invalid_signature" | "stale_timestamp";
export type VerifyResult = { ok: true } | { ok: false; code: VerifyFailure; message: string };

export interface VerifyInput {
  headers: Headers;
  /** The bytes exactly as received: signatures are computed over these, never a re-serialisation. */
  rawBody: Buffer;
  /** Every accepted secret (rotation): the request passes if any one of them signed it. */
  secrets: readonly string[];
  /** Milliseconds since the epoch, injectable for tests. */
  now: number;
  toleranceSeconds: number;
}

export interface SignOptions {
  now: number;
  /** A delivery id, for schemes that sign one (Standard Webhooks). */
  deliveryId?: string;
}

/** A provider's signature scheme: how it signs, and how we check it. */
export interface SignatureScheme {
  readonly name: string;
  verify(input: VerifyInput): VerifyResult;
  /** The headers the provider would send with this body; used by `pnpm send` and benchmarks. */
  sign(rawBody: Buffer, secret: string, options: SignOptions): Record<string, string>;
}

export interface Classification {
  type: EventType;
  /** The provider's own name for the event, e.g. `payment_intent.succeeded`. */
  providerType: string | null;
}

export interface ParsedRequest {
  headers: Headers;
  rawBody: Buffer;
  body: unknown;
}

export interface SampleEvent {
  body: unknown;
  headers?: Record<string, string>;
}

/** A provider's payload, as an object (anything else reads as `{}`). */
export type Payload = Record<string, unknown>;

/**
 * How a provider's payloads become the canonical lead, ticket or payment. Each reader returns
 * a candidate that the worker checks against the canonical schema (`@aiops/shared/canonical`):
 * a reader says where the fields are, never whether the record is valid. A provider leaves out
 * the kinds it never emits; a custom source's readers (the documented field names) stand in.
 */
export interface Normalizers {
  /**
   * `read`: the lead as the provider's API returned it, when `leadToRead` named one. Meta's
   * Graph API is the one such API, so its lead is the type.
   */
  lead?(payload: Payload, read?: MetaLead): unknown;
  /** The id of a lead the event names but does not carry, to be read from the provider's API first. */
  leadToRead?(payload: Payload): string | undefined;
  ticket?(payload: Payload): unknown;
  /** `kind`: what happened, in the provider's words (the event's provider type), or `payment`. */
  payment?(payload: Payload, kind: string): unknown;
}

/** A webhook source: a URL path, a scheme, a secret, how its events are read and normalised. */
export interface SourceDefinition {
  readonly name: string;
  readonly scheme: SignatureScheme;
  /** The environment variable holding the comma-separated secrets. */
  readonly secretVariable: string;
  /** The body's schema; may depend on headers (GitHub names its event in a header). */
  schema(headers: Headers): z.ZodType;
  /** The id the provider keeps across its own retries. */
  eventId(request: ParsedRequest): string | undefined;
  /**
   * Whether the signature covers the event id (it is in the body, or in a header the scheme
   * signs). When it does not (GitHub's, Shopify's id headers), anyone holding one delivery
   * could resend it under a fresh id, so the ingress also recognises the same signed body.
   */
  readonly eventIdSigned: boolean;
  classify(request: ParsedRequest): Classification;
  /** An answer that is not an event (Slack's `url_verification`), sent as 200 JSON. */
  handshake?(request: ParsedRequest): Record<string, unknown> | undefined;
  /** A realistic event for `pnpm send`; `seq` makes ids unique. */
  sample(seq: number, now: number): SampleEvent;
  readonly normalize: Normalizers;
}

export function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
