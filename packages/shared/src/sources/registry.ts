import type { Config } from "../config.js";
import { ConfigError, configErrorMessage, secretsFor } from "../config.js";
import {
  DEFAULT_SECRET_MIN_LENGTH,
  minLengthProblem,
  secretListProblem,
  standardWebhooksSecretProblem,
} from "../secret-rules.js";
import { loadSourcesFile } from "./custom.js";
import { githubSource } from "./github.js";
import { metaSource } from "./meta.js";
import { shopifySource } from "./shopify.js";
import { slackSource } from "./slack.js";
import { leadSource } from "./standard-webhooks.js";
import { stripeSource } from "./stripe.js";
import type { SourceDefinition } from "./types.js";
import { zendeskSource } from "./zendesk.js";

export const builtInSources: readonly SourceDefinition[] = [
  stripeSource,
  leadSource,
  zendeskSource,
  slackSource,
  githubSource,
  shopifySource,
  metaSource,
];

export interface ConfiguredSource {
  definition: SourceDefinition;
  /** Empty when the source's variable is unset: the source then refuses every request. */
  secrets: readonly string[];
}

/**
 * Why a sources-file source's secrets cannot be used. Built-in variables are checked by the
 * configuration schema; these are read raw, so they get the same rules here.
 */
function customSecretsProblem(definition: SourceDefinition, secrets: readonly string[]): string | undefined {
  return secretListProblem(secrets, (secret) =>
    definition.scheme.name === "standard-webhooks"
      ? standardWebhooksSecretProblem(secret)
      : minLengthProblem(secret, DEFAULT_SECRET_MIN_LENGTH),
  );
}

/**
 * Every source the platform answers on, built-in and from the sources file, with its secrets.
 * A bad sources file or secret throws a ConfigError: the process stops at start (exit 78).
 */
export function loadSources(config: Config, env: NodeJS.ProcessEnv = process.env): Map<string, ConfiguredSource> {
  let custom: SourceDefinition[] = [];
  try {
    custom = config.SOURCES_FILE ? loadSourcesFile(config.SOURCES_FILE) : [];
  } catch (error) {
    throw new ConfigError(`Invalid configuration: SOURCES_FILE: ${(error as Error).message}`, { cause: error });
  }
  const sources = new Map<string, ConfiguredSource>();
  for (const definition of [...builtInSources, ...custom]) {
    if (sources.has(definition.name))
      throw new ConfigError(`Invalid configuration: SOURCES_FILE: source "${definition.name}" is defined twice`);
    const secrets = secretsFor(config, env, definition.secretVariable);
    const problem = custom.includes(definition) ? customSecretsProblem(definition, secrets) : undefined;
    if (problem) throw new ConfigError(configErrorMessage([{ variable: definition.secretVariable, message: problem }]));
    sources.set(definition.name, { definition, secrets });
  }
  return sources;
}
