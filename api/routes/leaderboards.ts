import type Router from "@koa/router";
import { AppError, LeaderboardId, OwnerId, parseOrThrow, type TokenVerifier } from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { ApiContext, ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
import type { BoardAccess, BoardReader } from "../leaderboard-access.ts";
import { streamClaims } from "../middleware/auth.ts";

export interface LeaderboardRoutesDeps {
  leaderboards: LeaderboardStore;
  access: BoardAccess;
  /** Whether a request carries the admin key (it reads and lists every board). */
  isAdmin: (ctx: ApiContext) => boolean;
  tokens: TokenVerifier;
}

/**
 * Leaderboard reads (docs/protocol.md "Leaderboards"). Public boards need no token (the
 * leaderboard page reads them with a plain `fetch`); a `league-members` board
 * (a fantasy league's standings) is unlisted and read only with a member's
 * token or the admin key. Nothing here writes a score: writes come from
 * match results and the admin API only.
 */
export function leaderboardRoutes(deps: LeaderboardRoutesDeps): Router<ApiState> {
  const { leaderboards } = deps;

  /** The caller, as board visibility sees it: admin key, and the bearer token (verified only when a private board asks). */
  const reader = (ctx: ApiContext): BoardReader => ({
    admin: deps.isAdmin(ctx),
    claims: () => streamClaims(ctx.get("Authorization"), undefined, deps.tokens, false),
  });
  const readable = async (ctx: ApiContext, raw: string): Promise<string> => {
    const id = parseOrThrow(LeaderboardId, raw, "leaderboard id");
    await deps.access.readable(id, reader(ctx));
    return id;
  };

  return contractRouter(
    {
      "GET /v1/leaderboards": async (ctx) => {
        const admin = deps.isAdmin(ctx);
        const boards = (await leaderboards.list()).filter((config) => deps.access.listed(config, admin));
        return { leaderboards: boards };
      },
      "GET /v1/leaderboards/:id": async (ctx, request) => {
        const id = await readable(ctx, request.params.id);
        const query = request.query("leaderboard query");
        const page = await leaderboards.top(id, { limit: query.limit, cursor: query.cursor, period: query.period });
        return { ...page.state, records: page.records, nextCursor: page.nextCursor };
      },
      "GET /v1/leaderboards/:id/players/:playerId": async (ctx, request) => {
        const id = await readable(ctx, request.params.id);
        const ownerId = parseOrThrow(OwnerId, request.params.playerId, "player id");
        const query = request.query("leaderboard query");
        const { state, record } = await leaderboards.record(id, ownerId, { period: query.period });
        if (!record) throw new AppError("NOT_FOUND", `${ownerId} has no record on leaderboard ${id} in period ${state.period}`);
        return { ...state, record };
      },
      "GET /v1/leaderboards/:id/around/:playerId": async (ctx, request) => {
        const id = await readable(ctx, request.params.id);
        const ownerId = parseOrThrow(OwnerId, request.params.playerId, "player id");
        const query = request.query("leaderboard query");
        const { state, records } = await leaderboards.around(id, ownerId, { limit: query.limit, period: query.period });
        if (!records) throw new AppError("NOT_FOUND", `${ownerId} has no record on leaderboard ${id} in period ${state.period}`);
        return { ...state, records };
      },
    },
    {
      use: [
        async (ctx, next) => {
          await next();
          // Live data: a cache must not serve a stale table.
          if (ctx.status < 400) ctx.set("Cache-Control", "no-store");
        },
      ],
    },
  );
}
