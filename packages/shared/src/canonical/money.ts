/**
 * Amounts travel in the currency's minor unit (Stripe's convention): 1999 USD cents, 1000 JPY
 * (no minor unit), 1500 KWD fils (three decimals). These turn them into text and back.
 */

/** ISO 4217's usual exponent, used for a code `Intl` cannot place. */
const DEFAULT_DIGITS = 2;

/**
 * Building an `Intl.NumberFormat` costs tens of microseconds, and every payment and every
 * order asks: each currency's exponent is looked up once (the codes a sender may invent are
 * capped), and there is one formatter per exponent.
 */
const MAX_CACHED_CODES = 500;
const digitsByCode = new Map<string, number>();
const formatters = new Map<number, Intl.NumberFormat>();

/** Decimal places of the currency's minor unit: 2 for USD, 0 for JPY, 3 for KWD. */
export function minorUnitDigits(currency: string): number {
  const code = currency.toUpperCase();
  const known = digitsByCode.get(code);
  if (known !== undefined) return known;
  let digits: number;
  try {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ??
      DEFAULT_DIGITS;
  } catch {
    // `Intl` throws on a malformed code; a well-formed unknown one gets 2 digits, so does this.
    digits = DEFAULT_DIGITS;
  }
  if (digitsByCode.size < MAX_CACHED_CODES) digitsByCode.set(code, digits);
  return digits;
}

/** An amount in minor units for people: `19.99 USD`, `1,000 JPY`, `1.500 KWD`. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  let format = formatters.get(digits);
  if (!format) {
    format = new Intl.NumberFormat("en", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(digits, format);
  }
  return `${format.format(amount / 10 ** digits)} ${currency.toUpperCase()}`;
}

/** A decimal price as text (`"19.99"`, Shopify's) in minor units, without floating point. */
export function toMinorUnits(price: string, currency: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(price)) return undefined;
  const digits = minorUnitDigits(currency);
  const [whole = "0", fraction = ""] = price.split(".");
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0").slice(0, digits) || "0");
}
