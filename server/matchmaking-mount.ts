import { createNodeMatchmakingMiddleware } from "@colyseus/core";
import type { RawMount } from "../api/app.ts";
import type { Lifecycle } from "../api/lifecycle.ts";
import { AppError } from "../shared/index.ts";
import type { MatchmakeEdge } from "./matchmake-edge.ts";

/**
 * `Retry-After` (seconds) of a matchmaking call refused while draining or
 * while Redis is unreachable: long enough for a load balancer or a Redis
 * reconnect, short enough for a player waiting to join.
 * @default 2
 */
export const MATCHMAKE_RETRY_AFTER_SECONDS = 2;

/**
 * Colyseus's matchmaking routes (`/matchmake/*`) mounted in the Koa app, so
 * HTTP and matchmaking share CORS, request ids, metrics, join-attempt limits
 * and the drain. `edge()` is the room types' admit rules (registered after
 * the app is built).
 */
export function matchmakingMount(options: { lifecycle: Lifecycle; storesAvailable: () => boolean; edge: () => MatchmakeEdge | undefined }): RawMount {
  const colyseusMatchmaking = createNodeMatchmakingMiddleware();
  return {
    prefix: "/matchmake/",
    label: "/matchmake/:method/:roomName",
    isJoinAttempt: isMatchmakeJoin,
    async handle(req, res, next) {
      // A draining process takes no new seats: the client retries and lands on another process.
      if (options.lifecycle.draining) throw new AppError("DRAINING", "This server is draining; retry shortly", { retryAfter: MATCHMAKE_RETRY_AFTER_SECONDS });
      // Without Redis the matchmaker (its presence and driver live there) would hold the request
      // until its own timeouts, then answer with the Redis client's text: say so at once.
      if (!options.storesAvailable()) {
        throw new AppError("STORE_UNAVAILABLE", "Matchmaking is unavailable while the store (Redis) is unreachable; retry shortly", { retryAfter: MATCHMAKE_RETRY_AFTER_SECONDS });
      }
      if (await options.edge()?.admit(req, res)) return;
      return colyseusMatchmaking(req, res, next);
    },
  };
}

/**
 * Matchmaking calls that seat a client somewhere new count against
 * JOIN_ATTEMPTS_PER_MINUTE; `reconnect` does not (it can only take back a
 * seat the client held, and a proxy restart sends a whole crowd of them at once).
 */
const MATCHMAKE_JOIN = /^\/matchmake\/(joinOrCreate|create|join|joinById)\//;
function isMatchmakeJoin(method: string, path: string): boolean {
  return method === "POST" && MATCHMAKE_JOIN.test(path);
}
