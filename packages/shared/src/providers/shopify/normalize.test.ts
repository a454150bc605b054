import { describe, expect, it } from "vitest";
import { paymentSchema } from "../../canonical/schemas.js";
import { shopifyPayment } from "./normalize.js";

const order = (total_price: string, currency: string) =>
  paymentSchema.parse(
    shopifyPayment({ id: 7, total_price, currency, financial_status: "paid", email: "s@example.com" }, "orders/create"),
  );

describe("Shopify orders", () => {
  it("converts prices to minor units without floating point, zero- and three-decimal currencies included", () => {
    expect(order("19.99", "USD")).toMatchObject({
      amount: 1999,
      currency: "usd",
      status: "succeeded",
      externalId: "7",
      kind: "orders/create",
    });
    expect(order("0.10", "USD").amount).toBe(10);
    expect(order("1500", "JPY").amount).toBe(1500);
    expect(order("1.5", "KWD").amount).toBe(1500);
  });
});
