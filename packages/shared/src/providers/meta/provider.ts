import { z } from "zod";
import { bodyDigest } from "../../event-id.js";
import { hubSignatureScheme } from "../hub-signature.js";
import type { SourceDefinition } from "../types.js";
import { metaLead, metaLeadToRead } from "./normalize.js";

const pagePayload = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      time: z.number(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).optional(),
    }),
  ),
});
type PagePayload = z.infer<typeof pagePayload>;

/** Meta (Facebook/Instagram Lead Ads): `page` objects whose changes carry `leadgen` entries. */
export const metaSource: SourceDefinition = {
  name: "meta",
  scheme: hubSignatureScheme,
  secretVariable: "META_APP_SECRET",
  schema: () => pagePayload,
  // Meta sends no delivery id; an identical body is the same delivery.
  eventId: ({ rawBody }) => bodyDigest(rawBody),
  eventIdSigned: true,
  classify({ body }) {
    const payload = body as PagePayload;
    const isLead =
      payload.object === "page" && payload.entry.some((entry) => entry.changes?.some((c) => c.field === "leadgen"));
    return { type: isLead ? "lead" : "ignored", providerType: isLead ? "page.leadgen" : payload.object };
  },
  normalize: { lead: metaLead, leadToRead: metaLeadToRead },
  sample(seq, now) {
    const time = Math.floor(now / 1000);
    return {
      body: {
        object: "page",
        entry: [
          {
            id: "153125381133",
            time,
            changes: [
              {
                field: "leadgen",
                value: {
                  leadgen_id: `${now}${seq}`,
                  page_id: "153125381133",
                  form_id: "123456789",
                  created_time: time,
                  field_data: [
                    { name: "email", values: [`metalead${seq}@example.com`] },
                    { name: "full_name", values: [`Meta Lead ${seq}`] },
                  ],
                },
              },
            ],
          },
        ],
      },
    };
  },
};
