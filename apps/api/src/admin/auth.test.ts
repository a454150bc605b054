import { describe, expect, it } from "vitest";
import { isSameOrigin, presentedToken } from "./auth.js";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("presentedToken", () => {
  it("reads a bearer token", () => {
    expect(presentedToken("Bearer s3cret")).toEqual({ token: "s3cret", scheme: "bearer" });
  });

  it("reads the basic-auth password, whatever the user name, colons included", () => {
    expect(presentedToken(basic("admin", "s3:cret"))).toEqual({ token: "s3:cret", scheme: "basic", user: "admin" });
  });

  it("reads nothing from other schemes or malformed values", () => {
    expect(presentedToken(undefined)).toBeUndefined();
    expect(presentedToken("Token s3cret")).toBeUndefined();
    expect(presentedToken("Bearer")).toBeUndefined();
    expect(presentedToken(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toBeUndefined();
  });
});

describe("isSameOrigin", () => {
  const host = "admin.example:3000";
  it("accepts this origin, and clients that send neither Origin nor Sec-Fetch-Site", () => {
    expect(isSameOrigin({ host })).toBe(true);
    expect(isSameOrigin({ host, origin: "http://admin.example:3000" })).toBe(true);
    expect(isSameOrigin({ host, origin: "https://admin.example:3000", "sec-fetch-site": "same-origin" })).toBe(true);
    expect(isSameOrigin({ host, "sec-fetch-site": "none" })).toBe(true);
  });

  it("refuses other origins, Origin: null and origins that do not parse, without throwing", () => {
    for (const origin of [
      "https://evil.example",
      "http://admin.example:3001",
      "null",
      "http://[::1",
      "",
      "admin.example:3000",
    ])
      expect(isSameOrigin({ host, origin }), origin).toBe(false);
    expect(isSameOrigin({ host, origin: "null", "sec-fetch-site": "same-origin" })).toBe(false);
    expect(isSameOrigin({ host, "sec-fetch-site": "cross-site" })).toBe(false);
    expect(isSameOrigin({ host, "sec-fetch-site": "same-site", origin: "http://admin.example:3000" })).toBe(false);
  });
});
