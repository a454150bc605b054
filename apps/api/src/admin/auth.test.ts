import { describe, expect, it } from "vitest";
import { presentedToken } from "./auth.js";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("presentedToken", () => {
  it("reads a bearer token", () => {
    expect(presentedToken("Bearer s3cret")).toEqual({ token: "s3cret", scheme: "bearer" });
  });

  it("reads the basic-auth password, whatever the user name, colons included", () => {
    expect(presentedToken(basic("admin", "s3:cret"))).toEqual({ token: "s3:cret", scheme: "basic" });
  });

  it("reads nothing from other schemes or malformed values", () => {
    expect(presentedToken(undefined)).toBeUndefined();
    expect(presentedToken("Token s3cret")).toBeUndefined();
    expect(presentedToken("Bearer")).toBeUndefined();
    expect(presentedToken(`Basic ${Buffer.from("no-colon").toString("base64")}`)).toBeUndefined();
  });
});
