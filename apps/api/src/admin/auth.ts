import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { AppError } from "@aiops/shared";
import type { RequestHandler } from "express";
import type { AuthFailureLimiter } from "./auth-limiter.js";

const REALM = 'realm="aiops admin", charset="UTF-8"';

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function sameSecret(expected: string, received: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(expected), digest(received));
}

/** The presented token: a bearer token, or the password of basic auth (any user name, kept as `user`). */
export function presentedToken(
  authorization: string | undefined,
): { token: string; scheme: "bearer" | "basic"; user?: string } | undefined {
  if (!authorization) return undefined;
  const [scheme = "", value = ""] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer" && value) return { token: value, scheme: "bearer" };
  if (scheme.toLowerCase() !== "basic" || !value) return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { token: decoded.slice(colon + 1), scheme: "basic", user: decoded.slice(0, colon) };
}

/**
 * Guards everything under /admin (and /metrics on the public port). Without a configured
 * token nothing is served. An address with too many recent failures is answered 429 before
 * its credentials are even looked at, so a correct guess cannot be told from a wrong one
 * while it is blocked. Basic auth exists for browsers (the events page, Bull Board); since a
 * browser replays cached basic credentials on any request to this origin, state-changing
 * requests made with them must come from this origin, which `Sec-Fetch-Site` and `Origin` tell.
 */
export function adminAuth(adminToken: string | undefined, limiter: AuthFailureLimiter): RequestHandler {
  return async (req, res, next) => {
    if (!adminToken) throw new AppError("forbidden", "the admin API is disabled: set ADMIN_TOKEN to enable it");
    const address = req.ip ?? req.socket.remoteAddress ?? "unknown";
    const waitMs = await limiter.retryAfterMs(address);
    if (waitMs > 0) {
      res.setHeader("Retry-After", String(Math.ceil(waitMs / 1000)));
      throw new AppError(
        "too_many_requests",
        "too many failed admin authentications from this address; try again later",
      );
    }
    const presented = presentedToken(req.headers.authorization);
    if (!presented || !sameSecret(adminToken, presented.token)) {
      await limiter.recordFailure(address);
      res.setHeader("WWW-Authenticate", [`Bearer ${REALM}`, `Basic ${REALM}`]);
      throw new AppError("unauthorized", "send the admin token as a bearer token or as the basic-auth password");
    }
    if (presented.scheme === "basic" && !["GET", "HEAD", "OPTIONS"].includes(req.method) && !isSameOrigin(req.headers))
      throw new AppError("forbidden", "cross-site requests cannot change anything");
    // Who decides a draft: the basic-auth user name, or "token" for the bearer token (or a blank name).
    res.locals.adminActor =
      presented.scheme === "basic" && presented.user?.trim() ? presented.user.trim().slice(0, 200) : "token";
    next();
  };
}

/**
 * A request a browser made from this origin, or one from a client that is not a browser
 * (no `Sec-Fetch-Site`, no `Origin`: curl, scripts). `Origin: null` (sandboxed frames, data:
 * URLs, some redirects) and an unparsable Origin are foreign.
 */
export function isSameOrigin(headers: IncomingHttpHeaders): boolean {
  const site = headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false;
  return new URL(origin).host === headers.host;
}
