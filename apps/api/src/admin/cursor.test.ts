import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor.js";

describe("cursor", () => {
  it("round-trips the position of a row", () => {
    const cursor = { receivedAt: new Date("2026-01-02T03:04:05.678Z"), id: "evt_abc" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it("refuses text it did not produce", () => {
    expect(() => decodeCursor("not-a-cursor")).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('["nope", 1]').toString("base64url"))).toThrow(/cursor/);
  });
});
