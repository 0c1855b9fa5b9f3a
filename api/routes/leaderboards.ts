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
} from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { ApiState } from "../context.ts";

export interface LeaderboardRoutesDeps {
  leaderboards: LeaderboardStore;
}

/**
 * Public leaderboard reads (DESIGN §5). No token needed: boards are public
 * (the leaderboard page reads them with a plain `fetch`). Nothing here writes
 * a score: writes come from match results and the admin API only.
 */
export function leaderboardRoutes(deps: LeaderboardRoutesDeps): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: "/v1/leaderboards" });
  const { leaderboards } = deps;

  router.use(async (ctx, next) => {
    await next();
    // Live data: a cache must not serve a stale table.
    if (ctx.status < 400) ctx.set("Cache-Control", "no-store");
  });

  router.get("/", async (ctx) => {
    ctx.body = { leaderboards: await leaderboards.list() } satisfies LeaderboardListResponse;
  });

  router.get("/:id", async (ctx) => {
    const id = boardId(ctx.params.id);
    const query = parseOrThrow(LeaderboardPageQuery, ctx.query, "leaderboard query");
    const page = await leaderboards.top(id, { limit: query.limit, cursor: query.cursor, period: query.period });
    ctx.body = { ...page.state, records: page.records, nextCursor: page.nextCursor } satisfies LeaderboardPage;
  });

  router.get("/:id/players/:playerId", async (ctx) => {
    const id = boardId(ctx.params.id);
    const ownerId = parseOrThrow(OwnerId, ctx.params.playerId, "player id");
    const query = parseOrThrow(LeaderboardPlayerQuery, ctx.query, "leaderboard query");
    const { state, record } = await leaderboards.record(id, ownerId, { period: query.period });
    if (!record) throw new AppError("NOT_FOUND", `${ownerId} has no record on leaderboard ${id} in period ${state.period}`);
    ctx.body = { ...state, record } satisfies LeaderboardPlayerResponse;
  });

  router.get("/:id/around/:playerId", async (ctx) => {
    const id = boardId(ctx.params.id);
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
