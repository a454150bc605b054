import { describe, expect, it } from "vitest";
import { findPii, ibanChecksumHolds, luhnHolds, PiiMap, redactPii, restorePii } from "./pii.js";

function kinds(text: string): Array<[string, string]> {
  return findPii(text).map((match) => [match.kind, text.slice(match.start, match.end)]);
}

describe("PII detection", () => {
  it("finds email addresses, without trailing punctuation", () => {
    expect(kinds("Write to Jane.Doe+sales@mail.example.co.uk. Or jd@x.io, thanks")).toEqual([
      ["EMAIL", "Jane.Doe+sales@mail.example.co.uk"],
      ["EMAIL", "jd@x.io"],
    ]);
    expect(kinds("@handle, a@b, user@localhost, me@site.c0m")).toEqual([]);
  });

  it("finds phone numbers written the usual ways", () => {
    for (const phone of [
      "+1 415 555 0132",
      "+49 (0) 151 1234 5678",
      "(415) 555-0132",
      "415-555-0132",
      "415.555.0132",
      "07700 900123",
      "07700900123",
      "+447700900123",
    ])
      expect(kinds(`call me on ${phone} today`), phone).toEqual([["PHONE", phone]]);
  });

  it("finds Luhn-valid card numbers with spaces or dashes, and IBANs whose checksum holds", () => {
    expect(kinds("card 4111 1111 1111 1111 exp 12/27")).toEqual([["CARD", "4111 1111 1111 1111"]]);
    expect(kinds("card 5500-0000-0000-0004.")).toEqual([["CARD", "5500-0000-0000-0004"]]);
    expect(kinds("card 378282246310005")).toEqual([["CARD", "378282246310005"]]);
    expect(kinds("(card 4111-1111-1111-1111)")).toEqual([["CARD", "4111-1111-1111-1111"]]);
    expect(kinds("IBAN DE89 3704 0044 0532 0130 00 please")).toEqual([["IBAN", "DE89 3704 0044 0532 0130 00"]]);
    expect(kinds("iban GB82WEST12345698765432.")).toEqual([["IBAN", "GB82WEST12345698765432"]]);
  });

  it("leaves order numbers, dates, times, prices and failed checksums alone", () => {
    const innocent = [
      "Order #123456789 shipped",
      "order 4111111111111112 (not a valid card)",
      "invoice INV-2024-0001, PO 2024/0001/7731",
      "on 2024-01-15 at 10:30, or 15.01.2024, or 01/15/2024",
      "costs $1,299.99 or 1.299.000,00 EUR or 12 500 000 yen",
      "we have 50 seats and 3 offices",
      "DE89 3704 0044 0532 0130 01 (checksum off)",
      "ticket ABC1234567890 and SKU-99887766554",
      "version 1.2.3.4",
    ];
    for (const text of innocent) expect(kinds(text), text).toEqual([]);
  });

  it("checks Luhn and the IBAN checksum", () => {
    expect(luhnHolds("4111111111111111")).toBe(true);
    expect(luhnHolds("4111111111111112")).toBe(false);
    expect(ibanChecksumHolds("DE89370400440532013000")).toBe(true);
    expect(ibanChecksumHolds("DE88370400440532013000")).toBe(false);
  });

  it("stays fast on hostile input", () => {
    const hostile = [
      `${"a".repeat(50_000)}@`,
      "@a".repeat(50_000),
      "1 ".repeat(50_000),
      "DE89".repeat(20_000),
      `${"a.".repeat(50_000)}@x`,
    ];
    for (const text of hostile) {
      const started = performance.now();
      findPii(text);
      // Generous: a quadratic scan of these takes seconds.
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});

describe("redaction and restoration", () => {
  it("gives the same value the same placeholder within a request, and restores the answer's strings", () => {
    const input = {
      message: "I am jo@acme.com (JO@acme.com), +1 415 555 0132, card 4111 1111 1111 1111; also ann@acme.com",
      nested: ["jo@acme.com"],
    };
    const { value, map } = redactPii(input);
    expect(value).toEqual({
      message: "I am <EMAIL_1> (<EMAIL_1>), <PHONE_1>, card <CARD_1>; also <EMAIL_2>",
      nested: ["<EMAIL_1>"],
    });
    const answer = {
      draftReply: "Hi, we will write to <EMAIL_1> and call <PHONE_1>. <EMAIL_9> <unknown>",
      urgency: 3,
      reasons: ["<CARD_1>"],
    };
    expect(restorePii(answer, map)).toEqual({
      draftReply: "Hi, we will write to jo@acme.com and call +1 415 555 0132. <EMAIL_9> <unknown>",
      urgency: 3,
      reasons: ["4111 1111 1111 1111"],
    });
  });

  it("restores exactly what it redacted, whatever the text around it", () => {
    const pieces = [
      "jo@acme.com",
      "+1 415 555 0132",
      "4111 1111 1111 1111",
      "DE89 3704 0044 0532 0130 00",
      " ",
      ", ",
      "(",
      ")",
      "-",
      ".",
      "@",
      "<",
      ">",
      "2024-01-15",
      "12",
      "abc",
      "\n",
      "é",
      "0",
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 2000; round++) {
      const text = Array.from(
        { length: 1 + Math.floor(random() * 12) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join("");
      if (text.includes("<") && /<(EMAIL|PHONE|CARD|IBAN)_/.test(text)) continue;
      const { value, map } = redactPii({ text });
      expect(restorePii(value, map).text, JSON.stringify(text)).toBe(text);
    }
  });

  it("restores in linear time, even from an answer of many unclosed brackets", () => {
    const map = new PiiMap();
    map.placeholder("EMAIL", "jo@acme.com");
    const started = performance.now();
    const hostile = `${"<".repeat(1_000_000)}>`;
    expect(map.restore(hostile)).toBe(hostile);
    expect(map.restore(`${"<".repeat(50)}<EMAIL_1>`)).toBe(`${"<".repeat(50)}jo@acme.com`);
    // Generous: scanning to the far `>` from each `<` takes minutes.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("changes nothing without personal data", () => {
    const map = new PiiMap();
    expect(redactPii({ a: "hello 2024-01-15" }, map).value).toEqual({ a: "hello 2024-01-15" });
    expect(restorePii({ a: "<EMAIL_1>" }, map)).toEqual({ a: "<EMAIL_1>" });
  });
});
