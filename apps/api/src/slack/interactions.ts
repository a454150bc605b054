import { AppError, type Config, type Logger, slackScheme } from "@aiops/shared";
import express, { type Router } from "express";
import { z } from "zod";
import type { DraftDesk } from "../admin/draft-desk.js";

/** The buttons of a pending draft's Slack notification carry these action ids, and the draft id as value. */
export const APPROVE_ACTION = "draft_approve";
export const REJECT_ACTION = "draft_reject";

const interactionSchema = z.looseObject({
  type: z.literal("block_actions"),
  user: z.looseObject({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() }),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional() })).min(1),
  response_url: z.url().optional(),
});

export interface SlackInteractionsDeps {
  config: Config;
  drafts: DraftDesk;
  logger: Logger;
}

/**
 * `POST /slack/interactions`: Slack's interactive payloads, signed with the app's signing
 * secret (checked over the raw body, like the `slack` source). Approve and Reject buttons
 * decide the draft as `slack:<user>`; the message is then replaced through `response_url`.
 */
export function slackInteractionsRouter(deps: SlackInteractionsDeps): Router {
  const router = express.Router();
  router.post(
    "/slack/interactions",
    express.raw({ type: () => true, limit: deps.config.MAX_BODY_BYTES }),
    async (req, res) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const secrets = deps.config.SLACK_SIGNING_SECRET;
      if (secrets.length === 0)
        throw new AppError("source_not_configured", "set SLACK_SIGNING_SECRET to accept Slack interactions");
      const verified = slackScheme.verify({
        headers: req.headers,
        rawBody,
        secrets,
        now: Date.now(),
        toleranceSeconds: deps.config.SIGNATURE_TOLERANCE_SECONDS,
      });
      if (!verified.ok) throw new AppError(verified.code, verified.message);

      const payloadText = new URLSearchParams(rawBody.toString("utf8")).get("payload");
      let json: unknown;
      try {
        json = JSON.parse(payloadText ?? "");
      } catch {
        throw new AppError("invalid_payload", "the form's payload field is not JSON");
      }
      const parsed = interactionSchema.safeParse(json);
      if (!parsed.success) {
        // Other interactions (shortcuts, view submissions) are not ours: acknowledged, nothing done.
        res.status(200).end();
        return;
      }
      const interaction = parsed.data;
      const action = interaction.actions.find((a) => a.action_id === APPROVE_ACTION || a.action_id === REJECT_ACTION);
      if (!action?.value) {
        res.status(200).end();
        return;
      }
      const actor = `slack:${interaction.user.username ?? interaction.user.name ?? interaction.user.id}`;
      let text: string;
      try {
        const decision =
          action.action_id === APPROVE_ACTION
            ? await deps.drafts.approve(action.value, {}, actor)
            : await deps.drafts.reject(action.value, {}, actor);
        text = `Draft ${decision.body.status} by <@${interaction.user.id}>.`;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        text = `Could not ${action.action_id === APPROVE_ACTION ? "approve" : "reject"} the draft: ${error.message}`;
      }
      // Slack wants its answer within 3 seconds: the message is replaced after it.
      res.status(200).end();
      if (interaction.response_url)
        void fetch(interaction.response_url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ replace_original: true, text }),
          signal: AbortSignal.timeout(deps.config.CONNECTOR_TIMEOUT_MS),
        }).catch((error: unknown) => deps.logger.warn({ err: error }, "could not update the Slack message"));
    },
  );
  return router;
}
