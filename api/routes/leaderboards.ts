import Router from "@koa/router";
import {
  AppError,
  LeaderboardAroundQuery,
  LeaderboardId,
  LeaderboardPageQuery,
  LeaderboardPlayerQuery,
  OwnerId,
  parseOrThrow,
  type LeaderboardAroundResponse,
  type LeaderboardListResponse,
  type LeaderboardPage,
  type LeaderboardPlayerResponse,
  type TokenVerifier,
} from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { ApiContext, ApiState } from "../context.ts";
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
 * Leaderboard reads (DESIGN §5). Public boards need no token (the
 * leaderboard page reads them with a plain `fetch`); a `league-members` board
 * (a fantasy league's standings) is unlisted and read only with a member's
 * token or the admin key. Nothing here writes a score: writes come from
 * match results and the admin API only.
 */
export function leaderboardRoutes(deps: LeaderboardRoutesDeps): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: "/v1/leaderboards" });
  const { leaderboards } = deps;

  router.use(async (ctx, next) => {
    await next();
    // Live data: a cache must not serve a stale table.
    if (ctx.status < 400) ctx.set("Cache-Control", "no-store");
  });

  /** The caller, as board visibility sees it: admin key, and the bearer token (verified only when a private board asks). */
  const reader = (ctx: ApiContext): BoardReader => ({
    admin: deps.isAdmin(ctx),
    claims: () => streamClaims(ctx.get("Authorization"), undefined, deps.tokens, false),
  });
  const readable = async (ctx: ApiContext): Promise<string> => {
    const id = boardId(ctx.params.id);
    await deps.access.readable(id, reader(ctx));
    return id;
  };

  router.get("/", async (ctx) => {
    const admin = deps.isAdmin(ctx);
    const boards = (await leaderboards.list()).filter((config) => deps.access.listed(config, admin));
    ctx.body = { leaderboards: boards } satisfies LeaderboardListResponse;
  });

  router.get("/:id", async (ctx) => {
    const id = await readable(ctx);
    const query = parseOrThrow(LeaderboardPageQuery, ctx.query, "leaderboard query");
    const page = await leaderboards.top(id, { limit: query.limit, cursor: query.cursor, period: query.period });
    ctx.body = { ...page.state, records: page.records, nextCursor: page.nextCursor } satisfies LeaderboardPage;
  });

  router.get("/:id/players/:playerId", async (ctx) => {
    const id = await readable(ctx);
    const ownerId = parseOrThrow(OwnerId, ctx.params.playerId, "player id");
    const query = parseOrThrow(LeaderboardPlayerQuery, ctx.query, "leaderboard query");
    const { state, record } = await leaderboards.record(id, ownerId, { period: query.period });
    if (!record) throw new AppError("NOT_FOUND", `${ownerId} has no record on leaderboard ${id} in period ${state.period}`);
    ctx.body = { ...state, record } satisfies LeaderboardPlayerResponse;
  });

  router.get("/:id/around/:playerId", async (ctx) => {
    const id = await readable(ctx);
    const ownerId = parseOrThrow(OwnerId, ctx.params.playerId, "player id");
    const query = parseOrThrow(LeaderboardAroundQuery, ctx.query, "leaderboard query");
    const { state, records } = await leaderboards.around(id, ownerId, { limit: query.limit, period: query.period });
    if (!records) throw new AppError("NOT_FOUND", `${ownerId} has no record on leaderboard ${id} in period ${state.period}`);
    ctx.body = { ...state, records } satisfies LeaderboardAroundResponse;
  });

  return router;
}

function boardId(raw: string | undefined): string {
  return parseOrThrow(LeaderboardId, raw, "leaderboard id");
}
