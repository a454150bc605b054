import type { Config } from "../config.js";
import { ConfigError, configErrorMessage, secretsFor } from "../config.js";
import {
  DEFAULT_SECRET_MIN_LENGTH,
  minLengthProblem,
  secretListProblem,
  standardWebhooksSecretProblem,
} from "../secret-rules.js";
import { customNormalizers } from "./custom/normalize.js";
import { loadSourcesFile } from "./custom/provider.js";
import { githubSource } from "./github/provider.js";
import { metaSource } from "./meta/provider.js";
import { shopifySource } from "./shopify/provider.js";
import { slackSource } from "./slack/provider.js";
import { leadSource } from "./standard-webhooks/provider.js";
import { stripeSource } from "./stripe/provider.js";
import type { Normalizers, SourceDefinition } from "./types.js";
import { zendeskSource } from "./zendesk/provider.js";

/**
 * Every built-in provider, by the name of its folder. Each answers on `POST /webhook/<its
 * source name>` (Stripe's on `/webhook/payment`). Adding a provider: its folder, and one line
 * here (docs/ingress.md, "A built-in provider").
 */
export const builtInProviders = {
  stripe: stripeSource,
  "standard-webhooks": leadSource,
  zendesk: zendeskSource,
  slack: slackSource,
  github: githubSource,
  shopify: shopifySource,
  meta: metaSource,
} as const satisfies Record<string, SourceDefinition>;

export const builtInSources: readonly SourceDefinition[] = Object.values(builtInProviders);

/** A reader for every kind of canonical record, and Meta's `leadToRead` where it applies. */
export type SourceNormalizers = Required<Pick<Normalizers, "lead" | "ticket" | "payment">> & Normalizers;

const normalizersBySource = new Map<string, SourceNormalizers>(
  builtInSources.map((source) => [source.name, { ...customNormalizers, ...source.normalize }]),
);

/**
 * How events of the source named `sourceName` become canonical records. A source from the
 * sources file, and a kind a built-in provider has no reader for, get a custom source's readers.
 */
export function normalizersFor(sourceName: string): SourceNormalizers {
  return normalizersBySource.get(sourceName) ?? customNormalizers;
}

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
