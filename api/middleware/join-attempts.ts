import type { Middleware } from "koa";
import { AppError, type TokenVerifier } from "../../shared/index.ts";
import type { ApiContext, ApiState } from "../context.ts";
import { bearerToken } from "./auth.ts";

export interface JoinAttemptLimiterOptions {
  /** Attempts per minute per client; also the burst (a full minute's worth may come at once). */
  perMinute: number;
  /** Injectable clock (ms). @default Date.now */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Join attempts per client (docs/protocol.md "Matchmaking"): a token bucket of
 * `perMinute` refilled at `perMinute` per minute, so guessing team codes or
 * league invite codes, or hammering the matchmaker, is slowed to that rate.
 * Per process: behind a load balancer each process counts its own share.
 *
 * Memory stays bounded by the clients seen in the last couple of minutes: a
 * bucket idle for a minute is full again and is forgotten (swept at most once
 * a minute, so the cost is amortised).
 */
export class JoinAttemptLimiter {
  readonly perMinute: number;
  readonly #perMs: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  #sweptAt: number;

  constructor(options: JoinAttemptLimiterOptions) {
    this.perMinute = options.perMinute;
    this.#perMs = options.perMinute / 60_000;
    this.#now = options.now ?? Date.now;
    this.#sweptAt = this.#now();
  }

  /** Buckets currently held (for tests of the memory bound). */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Takes one attempt for `clientKey`. Returns 0 when allowed, otherwise the
   * seconds until the next attempt is allowed (≥ 1, for `Retry-After`).
   */
  take(clientKey: string): number {
    const now = this.#now();
    this.#sweep(now);
    const bucket = this.#buckets.get(clientKey) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.updatedAt) * this.#perMs);
    bucket.updatedAt = now;
    this.#buckets.set(clientKey, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < 60_000) return;
    this.#sweptAt = now;
    for (const [key, bucket] of this.#buckets) if (now - bucket.updatedAt >= 60_000) this.#buckets.delete(key);
  }
}

/**
 * Who a join attempt counts against: the player when the request carries a
 * valid token (already verified by `requireAuth`, or verified here), else the
 * client IP (`ctx.ip`, which honours TRUST_PROXY). A bad token counts against
 * the IP, so made-up subjects cannot buy fresh budgets.
 */
export async function joinAttemptKey(ctx: ApiContext, tokens: TokenVerifier): Promise<string> {
  if (ctx.state.player) return `player:${ctx.state.player.playerId}`;
  try {
    const token = bearerToken(ctx.get("Authorization") || undefined);
    if (token) return `player:${(await tokens.verify(token)).playerId}`;
  } catch {
    // Not a usable token: the request fails its own auth later; count it by IP.
  }
  return `ip:${ctx.ip}`;
}

/**
 * Takes one attempt for `clientKey`; when the budget is spent throws 429
 * RATE_LIMITED with `Retry-After` and `details: {limit, perMinute}` (`limit`:
 * the config variable that sets it, `what`: the attempts, for the message).
 */
export function takeOrThrow(limiter: JoinAttemptLimiter, clientKey: string, limit: string, what: string): void {
  const retryAfter = limiter.take(clientKey);
  if (retryAfter > 0) {
    throw new AppError("RATE_LIMITED", `At most ${limiter.perMinute} ${what} per minute; retry in ${retryAfter} s`, {
      retryAfter,
      details: { limit, perMinute: limiter.perMinute },
    });
  }
}

/** Throws 429 RATE_LIMITED with `Retry-After` when the client's join budget is spent. */
export function limitJoinAttempts(limiter: JoinAttemptLimiter, tokens: TokenVerifier): Middleware<ApiState> {
  return async (ctx, next) => {
    takeOrThrow(limiter, await joinAttemptKey(ctx, tokens), "JOIN_ATTEMPTS_PER_MINUTE", "join attempts");
    await next();
  };
}
