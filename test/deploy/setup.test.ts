import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { parseConfig } from "@aiops/shared";
import { afterAll, describe, expect, it } from "vitest";

// What `docker compose run --rm setup` runs in the image, run here with the host's Node.js.
const script = join(import.meta.dirname, "..", "..", "scripts", "setup.mjs");
const dir = mkdtempSync(join(tmpdir(), "aiops-setup-"));
const envPath = join(dir, ".env");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function setup() {
  const result = spawnSync("node", [script, envPath], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout;
}

const hmacSecrets = [
  "ZENDESK_WEBHOOK_SECRET",
  "SLACK_SIGNING_SECRET",
  "GITHUB_WEBHOOK_SECRET",
  "SHOPIFY_WEBHOOK_SECRET",
  "META_APP_SECRET",
];

describe("the setup one-shot", () => {
  let first = "";

  it("writes a .env with fresh secrets and shows every one of them", () => {
    const printed = setup();
    const env = parseEnv(readFileSync(envPath, "utf8"));
    for (const name of [
      "ADMIN_TOKEN",
      "STRIPE_WEBHOOK_SECRET",
      "LEAD_WEBHOOK_SECRET",
      ...hmacSecrets,
      "META_VERIFY_TOKEN",
    ]) {
      expect(env[name], name).toBeTruthy();
      expect(printed, `${name} is shown`).toContain(`${name}=${env[name]}`);
    }
    // Compose's database password is written, never shown: nobody needs to type it.
    expect(env.POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{48}$/);
    expect(printed).not.toContain(env.POSTGRES_PASSWORD);
    expect(printed).toContain("docker compose up -d");
    first = readFileSync(envPath, "utf8");
  });

  it("meets the secrets' minimum lengths, and the platform accepts the file", () => {
    const env = parseEnv(first);
    expect(env.ADMIN_TOKEN!.length).toBeGreaterThanOrEqual(32);
    for (const name of hmacSecrets) expect(env[name]!.length, name).toBeGreaterThanOrEqual(32);
    for (const name of ["LEAD_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET"]) {
      const encoded = env[name]!.replace(/^whsec_/, "");
      const key = Buffer.from(encoded, "base64");
      expect(key.toString("base64"), `${name} is canonical base64`).toBe(encoded);
      expect(key.length, name).toBeGreaterThanOrEqual(24);
    }
    const config = parseConfig(env);
    expect(config.ADMIN_TOKEN).toBe(env.ADMIN_TOKEN);
    expect(config.LEAD_WEBHOOK_SECRET).toEqual([env.LEAD_WEBHOOK_SECRET]);
  });

  it("leaves an existing .env alone, and generates different secrets for another installation", () => {
    const printed = setup();
    expect(printed).toContain(".env exists and was left as it is");
    expect(readFileSync(envPath, "utf8")).toBe(first);
    rmSync(envPath);
    setup();
    expect(parseEnv(readFileSync(envPath, "utf8")).ADMIN_TOKEN).not.toBe(parseEnv(first).ADMIN_TOKEN);
  });
});
