import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { AppError } from "@aiops/shared";

const REALM = 'realm="aiops admin", charset="UTF-8"';

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function sameSecret(expected: string, received: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(expected), digest(received));
}

/** The presented token: a bearer token, or the password of basic auth (any user name). */
export function presentedToken(authorization: string | undefined): { token: string; scheme: "bearer" | "basic" } | undefined {
  if (!authorization) return undefined;
  const [scheme = "", value = ""] = authorization.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer" && value) return { token: value, scheme: "bearer" };
  if (scheme.toLowerCase() !== "basic" || !value) return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { token: decoded.slice(colon + 1), scheme: "basic" };
}

/**
 * Guards everything under /admin. Without a configured token nothing is served. Basic auth
 * exists for browsers (the events page, Bull Board); since a browser replays cached basic
 * credentials on any request to this origin, state-changing requests made with them must
 * come from this origin, which `Sec-Fetch-Site` and `Origin` tell.
 */
export function adminAuth(adminToken: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!adminToken) throw new AppError("forbidden", "the admin API is disabled: set ADMIN_TOKEN to enable it");
    const presented = presentedToken(req.headers.authorization);
    if (!presented || !sameSecret(adminToken, presented.token)) {
      res.setHeader("WWW-Authenticate", [`Bearer ${REALM}`, `Basic ${REALM}`]);
      throw new AppError("unauthorized", "send the admin token as a bearer token or as the basic-auth password");
    }
    if (presented.scheme === "basic" && !["GET", "HEAD", "OPTIONS"].includes(req.method) && isCrossSite(req.headers))
      throw new AppError("forbidden", "cross-site requests cannot change anything");
    next();
  };
}

function isCrossSite(headers: Record<string, string | string[] | undefined>): boolean {
  const site = headers["sec-fetch-site"];
  if (site !== undefined) return site !== "same-origin" && site !== "none";
  const origin = headers.origin;
  return typeof origin === "string" && origin !== "null" && new URL(origin).host !== headers.host;
}
