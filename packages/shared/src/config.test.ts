import { describe, expect, it } from "vitest";
import { autoSends, ConfigError, hashTag, parseConfig } from "./config.js";

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
    expect(
      parseConfig({ GITHUB_WEBHOOK_SECRET: " new-secret-16-ch , old-secret-16-ch ,," }).GITHUB_WEBHOOK_SECRET,
    ).toEqual(["new-secret-16-ch", "old-secret-16-ch"]);
  });

  it("trusts no proxy by default, and only proxies named by hop count, address, subnet or Express's names", () => {
    expect(parseConfig({}).TRUST_PROXY).toBeUndefined();
    expect(parseConfig({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    expect(parseConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8, 192.0.2.7, fd00::/8" }).TRUST_PROXY).toEqual([
      "loopback",
      "10.0.0.0/8",
      "192.0.2.7",
      "fd00::/8",
    ]);
    for (const value of ["true", "*", "10.0.0.0/33", "proxy.internal"])
      expect(() => parseConfig({ TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY/);
  });

  it("keeps Bull Board read-only, metrics off the public port's open side, and limits admin failures by default", () => {
    expect(parseConfig({})).toMatchObject({
      BULL_BOARD_WRITE: false,
      API_METRICS_PORT: 0,
      ADMIN_AUTH_MAX_FAILURES: 10,
      ADMIN_AUTH_WINDOW_SECONDS: 300,
    });
  });

  it("redacts personal data for the model by default, with no fallback model and no daily AI budget", () => {
    const ai = (env: Record<string, string>) => {
      const config = parseConfig(env);
      return [config.AI_REDACT_PII, config.OPENAI_FALLBACK_MODEL, config.AI_DAILY_BUDGET_USD];
    };
    expect(ai({})).toEqual([true, undefined, undefined]);
    // Compose passes unset variables as empty strings.
    expect(ai({ AI_REDACT_PII: "false", OPENAI_FALLBACK_MODEL: "", AI_DAILY_BUDGET_USD: "" })).toEqual([
      false,
      undefined,
      undefined,
    ]);
    expect(parseConfig({ OPENAI_FALLBACK_MODEL: "gpt-4.1-mini", AI_DAILY_BUDGET_USD: "2.50" })).toMatchObject({
      OPENAI_FALLBACK_MODEL: "gpt-4.1-mini",
      AI_DAILY_BUDGET_USD: 2.5,
    });
    for (const value of ["0", "-1", "ten"])
      expect(() => parseConfig({ AI_DAILY_BUDGET_USD: value }), value).toThrow(/AI_DAILY_BUDGET_USD/);
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
    expect(() => parseConfig({ HTTP_HEADERS_TIMEOUT_MS: "5000", HTTP_REQUEST_TIMEOUT_MS: "1000" })).toThrow(
      /HTTP_REQUEST_TIMEOUT_MS: must not be below/,
    );
  });

  it("parses AUTO_SEND into the kinds it names, empty by default, and refuses a malformed one", () => {
    expect(parseConfig({}).AUTO_SEND).toEqual([]);
    const config = parseConfig({ AUTO_SEND: "lead:hot, ticket:low,payment:*" });
    expect(config.AUTO_SEND).toEqual(["lead:hot", "ticket:low", "payment:*"]);
    expect([
      autoSends(config, "lead", "hot"),
      autoSends(config, "lead", "warm"),
      autoSends(config, "payment", "disputed"),
    ]).toEqual([true, false, true]);
    expect(() => parseConfig({ AUTO_SEND: "lead:hot,everything" })).toThrow(/AUTO_SEND: "everything" is not/);
  });

  it("treats empty values as unset", () => {
    expect(parseConfig({ ADMIN_TOKEN: "  ", OPENAI_BASE_URL: "" })).toMatchObject({
      ADMIN_TOKEN: undefined,
      OPENAI_BASE_URL: undefined,
    });
  });

  describe("Redis Cluster", () => {
    it("parses REDIS_CLUSTER_NODES into seed nodes; none by default", () => {
      expect(parseConfig({}).REDIS_CLUSTER_NODES).toEqual([]);
      const config = parseConfig({
        REDIS_CLUSTER_NODES: " redis-1:7000, 10.0.0.2:7001 ,[::1]:7002,",
        QUEUE_PREFIX: "{aiops}",
      });
      expect(config.REDIS_CLUSTER_NODES).toEqual([
        { host: "redis-1", port: 7000 },
        { host: "10.0.0.2", port: 7001 },
        { host: "::1", port: 7002 },
      ]);
    });

    it("names a node that is not host:port", () => {
      expect(() => parseConfig({ REDIS_CLUSTER_NODES: "redis-1:7000,redis-2", QUEUE_PREFIX: "{aiops}" })).toThrow(
        /REDIS_CLUSTER_NODES: "redis-2" is not host:port/,
      );
      expect(() => parseConfig({ REDIS_CLUSTER_NODES: "redis-1:70000", QUEUE_PREFIX: "{aiops}" })).toThrow(
        /REDIS_CLUSTER_NODES:/,
      );
    });

    it("accepts a hash tag in QUEUE_PREFIX, and requires one when REDIS_CLUSTER_NODES is set", () => {
      expect(parseConfig({ QUEUE_PREFIX: "{aiops}" }).QUEUE_PREFIX).toBe("{aiops}");
      expect(parseConfig({ QUEUE_PREFIX: "prod-{aiops}" }).QUEUE_PREFIX).toBe("prod-{aiops}");
      for (const prefix of [undefined, "aiops", "{}aiops", "aiops}{"])
        expect(() => parseConfig({ REDIS_CLUSTER_NODES: "127.0.0.1:7000", QUEUE_PREFIX: prefix })).toThrow(
          /QUEUE_PREFIX: must carry a Redis Cluster hash tag such as \{aiops\}/,
        );
      expect(() => parseConfig({ QUEUE_PREFIX: "ai ops" })).toThrow(/QUEUE_PREFIX:/);
    });

    it("finds the hash tag Redis hashes a key by", () => {
      expect(hashTag("{aiops}:events:wait")).toBe("aiops");
      expect(hashTag("prod{a}:x{b}")).toBe("a");
      expect(hashTag("{}{aiops}")).toBeUndefined();
      expect(hashTag("aiops")).toBeUndefined();
    });
  });
});

describe("secret rules", () => {
  const messageOf = (env: NodeJS.ProcessEnv): string => {
    try {
      parseConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error("the configuration was accepted");
  };
  const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString("base64");

  describe.each(["LEAD_WEBHOOK_SECRET", "OUTBOUND_WEBHOOK_SECRET"])("%s (Standard Webhooks)", (variable) => {
    it.each([
      ["an empty key", "whsec_"],
      ["characters outside base64, which decode to nothing", "whsec_!!!!"],
      ["base64url instead of base64", `whsec_${Buffer.alloc(24, 0xfb).toString("base64url")}`],
      ["missing padding", `whsec_${b64(25).replace(/=+$/, "")}`],
      ["a 23-byte key", `whsec_${b64(23)}`],
      ["a key with a stray space inside", `whsec_${b64(24).slice(0, 8)} ${b64(24).slice(8)}`],
    ])("refuses %s, on one line naming the variable and not the value", (_why, secret) => {
      const message = messageOf({ [variable]: secret });
      expect(message).toMatch(
        new RegExp(`^Invalid configuration: ${variable}: must (be canonical base64|decode to at least 24 bytes)`),
      );
      expect(message).not.toContain("\n");
      expect(message).not.toContain(secret.slice("whsec_".length) || "whsec_!");
    });

    it("accepts canonical base64 of 24 bytes or more", () => {
      for (const bytes of [24, 32, 64]) expect(() => parseConfig({ [variable]: `whsec_${b64(bytes)}` })).not.toThrow();
    });
  });

  it("accepts an inbound Standard Webhooks secret without the whsec_ prefix, but not an outbound one", () => {
    expect(parseConfig({ LEAD_WEBHOOK_SECRET: b64(24) }).LEAD_WEBHOOK_SECRET).toEqual([b64(24)]);
    expect(messageOf({ OUTBOUND_WEBHOOK_SECRET: b64(24) })).toMatch(
      /OUTBOUND_WEBHOOK_SECRET: must be a Standard Webhooks secret/,
    );
  });

  it("checks every secret of a rotation list, naming which one is bad", () => {
    expect(messageOf({ LEAD_WEBHOOK_SECRET: `whsec_${b64(32)},whsec_` })).toMatch(
      /LEAD_WEBHOOK_SECRET: secret 2 of 2 must be canonical base64/,
    );
  });

  it.each([
    ["STRIPE_WEBHOOK_SECRET", 32, `whsec_${"a".repeat(32)}`],
    ["ZENDESK_WEBHOOK_SECRET", 16, "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="],
    ["SLACK_SIGNING_SECRET", 32, "8f742231b10e8888abcd99yyyzzz85a5"],
    ["GITHUB_WEBHOOK_SECRET", 16, "a-user-chosen-secret"],
    ["SHOPIFY_WEBHOOK_SECRET", 32, "shpss_0123456789abcdef0123456789abcdef"],
    ["META_APP_SECRET", 32, "0123456789abcdef0123456789abcdef"],
    ["ADMIN_TOKEN", 24, "Zm9vYmFyYmF6cXV4cXV1eHh5eg"],
  ] as const)("%s: at least %i characters; a value shaped like the real one passes", (variable, min, real) => {
    expect(() => parseConfig({ [variable]: real })).not.toThrow();
    expect(() => parseConfig({ [variable]: "x".repeat(min) })).not.toThrow();
    expect(messageOf({ [variable]: "x".repeat(min - 1) })).toBe(
      `Invalid configuration: ${variable}: must be at least ${min} characters${variable === "ADMIN_TOKEN" ? "" : ` (it has ${min - 1})`}`,
    );
  });
});
