import { describe, expect, it } from "vitest";
import { paymentRules } from "../ai/tasks/payment/rules.js";
import { formatMoney, minorUnitDigits, toMinorUnits } from "./money.js";

describe("money in the currency's own minor unit", () => {
  it.each([
    ["usd", 1999, 2, "19.99 USD"],
    ["USD", 123456, 2, "1,234.56 USD"],
    ["jpy", 1000, 0, "1,000 JPY"],
    ["krw", 50000, 0, "50,000 KRW"],
    ["kwd", 1500, 3, "1.500 KWD"],
    ["bhd", 12345, 3, "12.345 BHD"],
  ])("%s: %d minor units have %d decimals and read %s", (currency, amount, digits, text) => {
    expect(minorUnitDigits(currency)).toBe(digits);
    expect(formatMoney(amount, currency)).toBe(text);
  });

  it("falls back to two decimals for a code Intl cannot place, without throwing", () => {
    expect(minorUnitDigits("x$1")).toBe(2);
    expect(formatMoney(1000, "x$1")).toBe("10.00 X$1");
    // Well-formed but unassigned: Intl's own answer, the ISO default.
    expect(formatMoney(1000, "zzq")).toBe("10.00 ZZQ");
  });

  it("reads decimal prices into minor units without floating point", () => {
    expect(toMinorUnits("19.99", "usd")).toBe(1999);
    expect(toMinorUnits("0.10", "USD")).toBe(10);
    expect(toMinorUnits("1500", "JPY")).toBe(1500);
    expect(toMinorUnits("1500.00", "JPY")).toBe(1500);
    expect(toMinorUnits("1.5", "KWD")).toBe(1500);
    expect(toMinorUnits("1.5e3", "USD")).toBeUndefined();
  });

  it("is what the offline rules write to a customer: 1000 JPY is not 10.00 JPY", () => {
    const message = paymentRules({ kind: "k", status: "failed", amount: 1000, currency: "jpy" }).customerMessage;
    expect(message).toContain("payment of 1,000 JPY did not go through");
  });
});
