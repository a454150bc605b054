import type { Config } from "../config.js";
import { secretsFor } from "../config.js";
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

/** Every source the platform answers on, built-in and from the sources file, with its secrets. */
export function loadSources(config: Config, env: NodeJS.ProcessEnv = process.env): Map<string, ConfiguredSource> {
  const definitions = [...builtInSources, ...(config.SOURCES_FILE ? loadSourcesFile(config.SOURCES_FILE) : [])];
  const sources = new Map<string, ConfiguredSource>();
  for (const definition of definitions) {
    if (sources.has(definition.name)) throw new Error(`Source "${definition.name}" is defined twice`);
    sources.set(definition.name, { definition, secrets: secretsFor(config, env, definition.secretVariable) });
  }
  return sources;
}
