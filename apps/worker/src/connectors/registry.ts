import { ConfigError, type Config } from "@aiops/shared";
import type { Connector } from "./connector.js";
import type { RequestLimits } from "./http-client.js";
import { HubSpotConnector } from "./hubspot-connector.js";
import { OutboundWebhookConnector } from "./outbound-webhook-connector.js";
import { SlackConnector } from "./slack-connector.js";

/** The connectors whose variables are set, in the order their steps are recorded. */
export function enabledConnectors(config: Config): Connector[] {
  const limits: RequestLimits = { timeoutMs: config.CONNECTOR_TIMEOUT_MS, retryAfterMaxMs: config.CONNECTOR_RETRY_MAX_DELAY_MS };
  const connectors: Connector[] = [];
  if (config.HUBSPOT_ACCESS_TOKEN)
    connectors.push(new HubSpotConnector({ accessToken: config.HUBSPOT_ACCESS_TOKEN, baseUrl: config.HUBSPOT_BASE_URL, ...limits }));
  if (config.SLACK_NOTIFY_WEBHOOK_URL) connectors.push(new SlackConnector({ webhookUrl: config.SLACK_NOTIFY_WEBHOOK_URL, ...limits }));
  if (config.OUTBOUND_WEBHOOK_URL && !config.OUTBOUND_WEBHOOK_SECRET)
    throw new ConfigError("Invalid configuration: OUTBOUND_WEBHOOK_SECRET: required when OUTBOUND_WEBHOOK_URL is set (deliveries are always signed)");
  if (config.OUTBOUND_WEBHOOK_URL && config.OUTBOUND_WEBHOOK_SECRET)
    connectors.push(
      new OutboundWebhookConnector({ url: config.OUTBOUND_WEBHOOK_URL, secret: config.OUTBOUND_WEBHOOK_SECRET, ...limits }),
    );
  return connectors;
}
