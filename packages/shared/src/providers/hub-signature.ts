import { anyMatches, fromHex, hmacSha256 } from "./crypto.js";
import { header, type SignatureScheme } from "./types.js";

/**
 * `X-Hub-Signature-256: sha256=<hex hmac of the body>`, as GitHub and Meta sign. The scheme
 * signs no timestamp, so replays are stopped by the event id de-duplication alone.
 */
export const hubSignatureScheme: SignatureScheme = {
  name: "hub-signature-256",
  verify({ headers, rawBody, secrets }) {
    const value = header(headers, "x-hub-signature-256");
    if (!value) return { ok: false, code: "missing_signature", message: "X-Hub-Signature-256 header is missing" };
    const received = value.startsWith("sha256=") ? fromHex(value.slice("sha256=".length)) : undefined;
    if (!anyMatches(secrets, [received], (secret) => hmacSha256(secret, rawBody)))
      return {
        ok: false,
        code: "invalid_signature",
        message: "the sha256 signature does not match a configured secret",
      };
    return { ok: true };
  },
  sign(rawBody, secret) {
    return { "x-hub-signature-256": `sha256=${hmacSha256(secret, rawBody).toString("hex")}` };
  },
};
