import { AppError } from "@aiops/shared";
import { z } from "zod";
import { validationDetails } from "../http/validation.js";
import { approveBodySchema, type DraftDesk, draftListQuerySchema, rejectBodySchema } from "./draft-desk.js";
import type { ErasureService } from "./erasure.js";
import type { EventReader } from "./event-reader.js";
import { listQuerySchema } from "./event-reader.js";
import { inboxQuerySchema } from "./inbox-pages.js";
import type { InboxReader } from "./inbox-reader.js";
import type { LabelDesk } from "./label-desk.js";
import type { Replayer } from "./replayer.js";
import type { Route } from "./route-table.js";

const bulkReplaySchema = z.strictObject({
  status: z.literal("failed", "only failed events can be replayed in bulk"),
  source: z.string().min(1).max(200).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("invalid_request", `invalid ${what}`, validationDetails(result.error));
}

/** The admin JSON API as a route table (the contract's routes and the inbox's), mounted under /admin behind the token. */
export function adminApiRoutes(deps: {
  reader: EventReader;
  replayer: Replayer;
  drafts: DraftDesk;
  labels: LabelDesk;
  erasure: ErasureService;
  inbox: InboxReader;
}): Route[] {
  const { reader, replayer, drafts, labels, erasure, inbox } = deps;
  return [
    {
      method: "get",
      path: "/inbox/items",
      handle: async ({ query }) => ({
        status: 200,
        body: await inbox.list(parse(inboxQuerySchema, query, "query")),
      }),
    },
    {
      method: "get",
      path: "/inbox/accuracy",
      handle: async () => ({ status: 200, body: await inbox.accuracy() }),
    },
    {
      method: "get",
      path: "/contacts/:id",
      handle: async ({ params }) => ({ status: 200, body: await inbox.contact(params.id ?? "") }),
    },
    {
      method: "get",
      path: "/drafts",
      handle: async ({ query }) => ({
        status: 200,
        body: await drafts.list(parse(draftListQuerySchema, query, "query")),
      }),
    },
    {
      method: "get",
      path: "/drafts/:id",
      handle: async ({ params }) => ({ status: 200, body: await drafts.get(params.id ?? "") }),
    },
    {
      method: "post",
      path: "/drafts/:id/approve",
      handle: ({ params, body, actor }) =>
        drafts.approve(params.id ?? "", parse(approveBodySchema, body ?? {}, "body"), actor),
    },
    {
      method: "post",
      path: "/drafts/:id/reject",
      handle: ({ params, body, actor }) =>
        drafts.reject(params.id ?? "", parse(rejectBodySchema, body ?? {}, "body"), actor),
    },
    {
      method: "get",
      path: "/events",
      handle: async ({ query }) => ({ status: 200, body: await reader.list(parse(listQuerySchema, query, "query")) }),
    },
    {
      method: "get",
      path: "/stats",
      handle: async ({ query }) => ({
        status: 200,
        body: await reader.stats(
          parse(z.object({ source: z.string().max(200).optional() }), query, "query").source || undefined,
        ),
      }),
    },
    // Declared before /events/:id so that "replay" is never taken for an event id.
    {
      method: "post",
      path: "/events/replay",
      handle: async ({ body }) => ({
        status: 200,
        body: await replayer.replayFailed(parse(bulkReplaySchema, body ?? {}, "body")),
      }),
    },
    {
      method: "get",
      path: "/events/:id",
      handle: async ({ params }) => ({ status: 200, body: await reader.get(params.id ?? "") }),
    },
    {
      method: "post",
      path: "/events/:id/replay",
      handle: async ({ params }) => ({ status: 202, body: await replayer.replay(params.id ?? "") }),
    },
    {
      method: "post",
      path: "/events/:id/label",
      handle: async ({ params, body, actor }) => ({
        status: 200,
        body: await labels.label(params.id ?? "", body, actor),
      }),
    },
    {
      method: "post",
      path: "/erasure",
      handle: async ({ body, actor }) => ({ status: 200, body: await erasure.call(body, actor) }),
    },
  ];
}
