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

  it("splits secret lists on commas for rotation", () => {
    expect(parseConfig({ GITHUB_WEBHOOK_SECRET: " new , old ,," }).GITHUB_WEBHOOK_SECRET).toEqual(["new", "old"]);
  });

  it("trusts no proxy by default, and only proxies named by hop count, address, subnet or Express's names", () => {
    expect(parseConfig({}).TRUST_PROXY).toBeUndefined();
    expect(parseConfig({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8, 192.0.2.7, fd00::/8" }).TRUST_PROXY).toEqual(["loopback", "10.0.0.0/8", "192.0.2.7", "fd00::/8"]);
    for (const value of ["true", "*", "10.0.0.0/33", "proxy.internal"]) expect(() => parseConfig({ TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY/);
  });

  it("keeps Bull Board read-only, metrics off the public port's open side, and limits admin failures by default", () => {
    expect(parseConfig({})).toMatchObject({ BULL_BOARD_WRITE: false, API_METRICS_PORT: 0, ADMIN_AUTH_MAX_FAILURES: 10, ADMIN_AUTH_WINDOW_SECONDS: 300 });
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
