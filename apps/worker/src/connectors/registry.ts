import { type Config, ConfigError } from "@aiops/shared";
import type { Connector } from "./connector.js";
import { GitHubApi } from "./github-api.js";
import type { RequestLimits } from "./http-client.js";
import { HubSpotConnector } from "./hubspot-connector.js";
import { OutboundWebhookConnector } from "./outbound-webhook-connector.js";
import { SlackApi } from "./slack-api.js";
import { SlackConnector } from "./slack-connector.js";
import { GitHubTriageConnector, SlackReactionConnector, ZendeskTriageConnector } from "./triage-write-back.js";
import { ZendeskApi } from "./zendesk-api.js";

/** The clients of the systems triage and replies are written back to, for those whose variables are set. */
export interface WriteBackApis {
  zendesk?: ZendeskApi;
  github?: GitHubApi;
  slack?: SlackApi;
}

export function writeBackApis(config: Config): WriteBackApis {
  const limits: RequestLimits = {
    timeoutMs: config.CONNECTOR_TIMEOUT_MS,
    retryAfterMaxMs: config.CONNECTOR_RETRY_MAX_DELAY_MS,
  };
  const zendesk = [config.ZENDESK_BASE_URL, config.ZENDESK_EMAIL, config.ZENDESK_API_TOKEN];
  if (zendesk.some(Boolean) && !zendesk.every(Boolean))
    throw new ConfigError(
      "Invalid configuration: ZENDESK_BASE_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN: set all three, or none",
    );
  return {
    ...(config.ZENDESK_BASE_URL && config.ZENDESK_EMAIL && config.ZENDESK_API_TOKEN
      ? {
          zendesk: new ZendeskApi({
            baseUrl: config.ZENDESK_BASE_URL,
            email: config.ZENDESK_EMAIL,
            apiToken: config.ZENDESK_API_TOKEN,
            ...limits,
          }),
        }
      : {}),
    ...(config.GITHUB_TOKEN
      ? { github: new GitHubApi({ token: config.GITHUB_TOKEN, apiUrl: config.GITHUB_API_URL, ...limits }) }
      : {}),
    ...(config.SLACK_BOT_TOKEN
      ? { slack: new SlackApi({ botToken: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL, ...limits }) }
      : {}),
  };
}

/** The connectors whose variables are set, in the order their steps are recorded. */
export function enabledConnectors(config: Config): Connector[] {
  const limits: RequestLimits = {
    timeoutMs: config.CONNECTOR_TIMEOUT_MS,
    retryAfterMaxMs: config.CONNECTOR_RETRY_MAX_DELAY_MS,
  };
  const connectors: Connector[] = [];
  if (config.HUBSPOT_ACCESS_TOKEN)
    connectors.push(
      new HubSpotConnector({ accessToken: config.HUBSPOT_ACCESS_TOKEN, baseUrl: config.HUBSPOT_BASE_URL, ...limits }),
    );
  if (config.SLACK_NOTIFY_WEBHOOK_URL)
    connectors.push(new SlackConnector({ webhookUrl: config.SLACK_NOTIFY_WEBHOOK_URL, ...limits }));
  if (config.OUTBOUND_WEBHOOK_URL && !config.OUTBOUND_WEBHOOK_SECRET)
    throw new ConfigError(
      "Invalid configuration: OUTBOUND_WEBHOOK_SECRET: required when OUTBOUND_WEBHOOK_URL is set (deliveries are always signed)",
    );
  if (config.OUTBOUND_WEBHOOK_URL && config.OUTBOUND_WEBHOOK_SECRET)
    connectors.push(
      new OutboundWebhookConnector({
        url: config.OUTBOUND_WEBHOOK_URL,
        secret: config.OUTBOUND_WEBHOOK_SECRET,
        ...limits,
      }),
    );
  const apis = writeBackApis(config);
  if (apis.zendesk) connectors.push(new ZendeskTriageConnector(apis.zendesk));
  if (apis.github) connectors.push(new GitHubTriageConnector(apis.github));
  if (apis.slack) connectors.push(new SlackReactionConnector(apis.slack));
  return connectors;
}
