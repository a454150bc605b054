import type { ServerResponse } from "node:http";
import type { RequestHandler, Response } from "express";

const FRAME_ANCESTORS = "frame-ancestors 'none'";

/** Adds `frame-ancestors 'none'` to a policy that does not say where it may be framed. */
export function withFrameAncestors(policy: string | undefined): string {
  if (!policy?.trim()) return FRAME_ANCESTORS;
  if (/(^|;)\s*frame-ancestors\s/i.test(policy)) return policy;
  return `${policy.replace(/;\s*$/, "")}; ${FRAME_ANCESTORS}`;
}

function harden(res: ServerResponse): void {
  const policy = res.getHeader("content-security-policy");
  res.setHeader("Content-Security-Policy", withFrameAncestors(typeof policy === "string" ? policy : undefined));
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "no-store");
}

/**
 * Headers for every answer under /admin, refusals included: never framed (clickjacking),
 * never sniffed, never cached. They are applied just before the head is written, because
 * handlers that run later (static files, Bull Board) set their own Cache-Control.
 */
export const adminSecurityHeaders: RequestHandler = (_req, res, next) => {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    harden(this);
    return Reflect.apply(writeHead, this, args) as Response;
  } as Response["writeHead"];
  next();
};
