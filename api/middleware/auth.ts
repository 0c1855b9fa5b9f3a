import { createHash, timingSafeEqual } from "node:crypto";
import type { Middleware } from "koa";
import { AppError, type TokenClaims, type TokenVerifier } from "../../shared/index.ts";
import type { ApiState } from "../context.ts";


/** Reads `Authorization: Bearer <token>`; only the bearer scheme is accepted. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9\-_.]+)\s*$/i.exec(header);
  if (!match) throw new AppError("UNAUTHORIZED", "The Authorization header must be `Bearer <token>`", {
    headers: { "WWW-Authenticate": 'Bearer realm="arena-lobby", error="invalid_request"' },
  });
  return match[1];
}

/** Verifies the bearer token with the one shared verifier and puts the claims on `ctx.state.player`. */
export function requireAuth(tokens: TokenVerifier): Middleware<ApiState> {
  return async (ctx, next) => {
    ctx.state.player = await tokens.verify(bearerToken(ctx.get("Authorization") || undefined));
    await next();
  };
}

/** Admin endpoints: `X-Admin-Key` compared in constant time. */
export function requireAdmin(adminKey: string): Middleware<ApiState> {
  const matches = adminKeyCheck(adminKey);
  return async (ctx, next) => {
    if (!matches(ctx.get("X-Admin-Key"))) throw new AppError("FORBIDDEN", "A valid X-Admin-Key header is required (the server's ADMIN_KEY)");
    await next();
  };
}

/**
 * For streams a browser's native EventSource opens (it cannot set headers):
 * the token may come as `Authorization: Bearer` or `?access_token=`. When
 * `required` is false a request without one is anonymous; a token that is
 * sent is always verified (401 if bad).
 */
export async function streamClaims(
  authorization: string | undefined,
  accessToken: string | undefined,
  tokens: TokenVerifier,
  required: boolean,
): Promise<TokenClaims | undefined> {
  const token = bearerToken(authorization || undefined) ?? accessToken;
  if (!token && !required) return undefined;
  return tokens.verify(token);
}

/** Compares an `X-Admin-Key` value with the key in constant time (hashing first makes the lengths equal). */
export function adminKeyCheck(adminKey: string | undefined): (value: string) => boolean {
  if (!adminKey) return () => false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const expected = digest(adminKey);
  return (value) => value !== "" && timingSafeEqual(digest(value), expected);
}
