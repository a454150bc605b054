import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config.js";

describe("configuration", () => {
  it("fills the documented defaults from an empty environment", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      REDIS_URL: "redis://127.0.0.1:6379",
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/aiops",
      MAX_BODY_BYTES: 1_048_576,
      HTTP_HEADERS_TIMEOUT_MS: 10_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      SIGNATURE_TOLERANCE_SECONDS: 300,
      STRIPE_WEBHOOK_SECRET: [],
    });
    expect(config.ADMIN_TOKEN).toBeUndefined();
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it("takes a variable set to an empty string as unset, as Compose's `${NAME:-}` passes it", () => {
    const empty = Object.fromEntries(Object.keys(parseConfig({})).map((name) => [name, ""]));
    expect(parseConfig(empty)).toEqual(parseConfig({}));
    expect(parseConfig({ AI_PRICE_PROMPT_PER_MTOK: " " }).AI_PRICE_PROMPT_PER_MTOK).toBeUndefined();
  });

  it("splits secret lists on commas for rotation", () => {
    expect(parseConfig({ GITHUB_WEBHOOK_SECRET: " new , old ,," }).GITHUB_WEBHOOK_SECRET).toEqual(["new", "old"]);
  });

  it("names every bad variable in one error", () => {
    const attempt = () => parseConfig({ PORT: "eighty", REDIS_URL: "not a url", OUTBOUND_WEBHOOK_SECRET: "plain" });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/REDIS_URL:/);
    expect(message).toMatch(/OUTBOUND_WEBHOOK_SECRET: must be a Standard Webhooks secret/);
  });

  it("refuses a request timeout below the headers timeout", () => {
    expect(() => parseConfig({ HTTP_HEADERS_TIMEOUT_MS: "5000", HTTP_REQUEST_TIMEOUT_MS: "1000" })).toThrow(/HTTP_REQUEST_TIMEOUT_MS: must not be below/);
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ ADMIN_TOKEN: "  ", OPENAI_BASE_URL: "" })).toMatchObject({ ADMIN_TOKEN: undefined, OPENAI_BASE_URL: undefined });
  });
});
