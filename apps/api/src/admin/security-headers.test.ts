import { describe, expect, it } from "vitest";
import { withFrameAncestors } from "./security-headers.js";

describe("withFrameAncestors", () => {
  it("adds frame-ancestors 'none' to a policy without it, and keeps one that has it", () => {
    expect(withFrameAncestors(undefined)).toBe("frame-ancestors 'none'");
    expect(withFrameAncestors("default-src 'self';")).toBe("default-src 'self'; frame-ancestors 'none'");
    expect(withFrameAncestors("default-src 'none'; frame-ancestors 'none'")).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });
});
