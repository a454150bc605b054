import { createHmac, timingSafeEqual } from "node:crypto";

export function hmacSha256(key: string | Buffer, ...parts: Array<string | Buffer>): Buffer {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Constant-time comparison; the length check first, as timingSafeEqual requires. */
export function safeEqual(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** Decodes a hex signature; undefined if it is not well-formed hex. */
export function fromHex(text: string): Buffer | undefined {
  return /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0 ? Buffer.from(text, "hex") : undefined;
}

/** Decodes a base64 signature; undefined if it is not well-formed base64. */
export function fromBase64(text: string): Buffer | undefined {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, "base64") : undefined;
}

/** True when any secret's expected signature equals any received one. */
export function anyMatches(
  secrets: readonly string[],
  received: ReadonlyArray<Buffer | undefined>,
  expectedFor: (secret: string) => Buffer,
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = expectedFor(secret);
    // No early exit: every candidate is compared, so timing does not reveal which matched.
    for (const signature of received) if (signature && safeEqual(expected, signature)) matched = true;
  }
  return matched;
}

/** Checks a signed timestamp against the window, both in the past and in the future. */
export function timestampProblem(timestampSeconds: number, now: number, toleranceSeconds: number): string | undefined {
  if (!Number.isFinite(timestampSeconds)) return "the signature timestamp is not a number";
  const skew = now / 1000 - timestampSeconds;
  if (skew > toleranceSeconds)
    return `the signature timestamp is ${Math.round(skew)} s old; the limit is ${toleranceSeconds} s`;
  if (skew < -toleranceSeconds)
    return `the signature timestamp is ${Math.round(-skew)} s in the future; the limit is ${toleranceSeconds} s`;
  return undefined;
}
