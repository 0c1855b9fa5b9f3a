import type Router from "@koa/router";
import type { TokenIssuer } from "../../shared/index.ts";
import type { ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
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
  return contractRouter(
    {
      "POST /v1/auth/guest": async (ctx, request) => {
        if (deps.guestLimiter) takeOrThrow(deps.guestLimiter, `ip:${ctx.ip}`, "GUEST_SIGNUPS_PER_MINUTE", "guest sign-ins from one address");
        const body = request.body("guest auth request");
        ctx.status = 201;
        ctx.set("Cache-Control", "no-store");
        return deps.tokens.issue({ playerId: deps.newPlayerId(), name: body.name });
      },
      "POST /v1/auth/refresh": async (ctx) => {
        const claims = ctx.state.player!;
        ctx.set("Cache-Control", "no-store");
        return deps.tokens.issue({ playerId: claims.playerId, name: claims.name });
      },
    },
    { requireAuth: requireAuth(deps.tokens) },
  );
}
