import { describe, expect, it } from "vitest";
import { capInput, truncationMarker } from "./input-cap.js";

describe("the model's input cap", () => {
  it("leaves an input that fits alone", () => {
    const input = { message: "hello", tags: ["a", "b"], count: 3 };
    expect(capInput(input, 100)).toBe(input);
  });

  it("cuts the longest strings first, to fair shares, each with a marker naming what is missing", () => {
    const capped = capInput({ name: "Ann", message: "m".repeat(20_000), notes: ["n".repeat(5000)] }, 8000);
    expect(capped.name).toBe("Ann");
    // 7,997 characters are left after the name: 3,998 each for the two long fields.
    expect(capped.message).toBe(`${"m".repeat(3998)}${truncationMarker(16_002)}`);
    expect(capped.notes).toEqual([`${"n".repeat(3998)}${truncationMarker(1002)}`]);
  });

  it("does not split a surrogate pair", () => {
    const capped = capInput({ message: `${"a".repeat(9)}😀${"b".repeat(20)}` }, 10);
    expect(capped.message).toBe(`${"a".repeat(9)}${truncationMarker(22)}`);
  });
});
