import { AppError, safeEqual } from "@aiops/shared";
import express, { type Router } from "express";

/** Meta's subscription handshake: `GET /webhook/meta` echoes hub.challenge when the verify token matches. */
export function metaHandshakeRouter(verifyToken: string | undefined): Router {
  const router = express.Router();
  router.get("/webhook/meta", (req, res) => {
    const { "hub.mode": mode, "hub.verify_token": token, "hub.challenge": challenge } = req.query;
    const matches =
      typeof token === "string" && verifyToken !== undefined && safeEqual(Buffer.from(verifyToken), Buffer.from(token));
    if (mode !== "subscribe" || typeof challenge !== "string" || !matches)
      throw new AppError("forbidden", "hub.mode must be subscribe and hub.verify_token must equal META_VERIFY_TOKEN");
    res.type("text/plain").send(challenge);
  });
  return router;
}
