import Router from "@koa/router";
import { GuestAuthRequest, parseOrThrow, type TokenIssuer } from "../../shared/index.ts";
import type { ApiState } from "../context.ts";
import { requireAuth } from "../middleware/auth.ts";
import { takeOrThrow, type JoinAttemptLimiter } from "../middleware/join-attempts.ts";

export interface AuthRoutesDeps {
  tokens: TokenIssuer;
  newPlayerId: () => string;
  /** Guest sign-ins per client IP (GUEST_SIGNUPS_PER_MINUTE); unset: no limit. */
  guestLimiter?: JoinAttemptLimiter;
}

/**
 * `POST /v1/auth/guest {name}` → a fresh guest identity and token.
 * `POST /v1/auth/refresh` (Bearer, still valid) → a new token for the same player.
 * An expired token cannot be refreshed: the client gets a new guest token (or
 * one minted by the operator's own auth with the shared secret).
 */
export function authRoutes(deps: AuthRoutesDeps): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: "/v1/auth" });
  router.post("/guest", async (ctx) => {
    if (deps.guestLimiter) takeOrThrow(deps.guestLimiter, `ip:${ctx.ip}`, "GUEST_SIGNUPS_PER_MINUTE", "guest sign-ins from one address");
    const body = parseOrThrow(GuestAuthRequest, ctx.request.body ?? {}, "guest auth request");
    ctx.status = 201;
    ctx.set("Cache-Control", "no-store");
    ctx.body = await deps.tokens.issue({ playerId: deps.newPlayerId(), name: body.name });
  });
  router.post("/refresh", requireAuth(deps.tokens), async (ctx) => {
    const claims = ctx.state.player!;
    ctx.set("Cache-Control", "no-store");
    ctx.body = await deps.tokens.issue({ playerId: claims.playerId, name: claims.name });
  });
  return router;
}
