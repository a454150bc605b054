/**
 * Amounts travel in the currency's minor unit (Stripe's convention): 1999 USD cents, 1000 JPY
 * (no minor unit), 1500 KWD fils (three decimals). These turn them into text and back.
 */

/** ISO 4217's usual exponent, used for a code `Intl` cannot place. */
const DEFAULT_DIGITS = 2;

/** Decimal places of the currency's minor unit: 2 for USD, 0 for JPY, 3 for KWD. */
export function minorUnitDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).resolvedOptions()
        .maximumFractionDigits ?? DEFAULT_DIGITS
    );
  } catch {
    // `Intl` throws on a malformed code; a well-formed unknown one gets 2 digits, so does this.
    return DEFAULT_DIGITS;
  }
}

/** An amount in minor units for people: `19.99 USD`, `1,000 JPY`, `1.500 KWD`. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const number = new Intl.NumberFormat("en", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    amount / 10 ** digits,
  );
  return `${number} ${currency.toUpperCase()}`;
}

/** A decimal price as text (`"19.99"`, Shopify's) in minor units, without floating point. */
export function toMinorUnits(price: string, currency: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(price)) return undefined;
  const digits = minorUnitDigits(currency);
  const [whole = "0", fraction = ""] = price.split(".");
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0").slice(0, digits) || "0");
}
