import Router from "@koa/router";
import {
  AppError,
  fantasyStandingsBoardId,
  FantasyLeagueId,
  LeaderboardConfigInput,
  LeaderboardConfigPatch,
  LeaderboardId,
  MatchResultSchema,
  parseOrThrow,
  RosterAssignRequest,
  RosterPathParams,
  ScoreWriteRequest,
  type AdminMatchResultResponse,
  type LeagueRostersResponse,
  type ScoreWriteResponse,
} from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { ResultsFront } from "../../store/index.ts";
import type { RosterStore } from "../../store/rosters.ts";
import type { ApiState } from "../context.ts";
import { requireAdmin } from "../middleware/auth.ts";

export interface AdminRoutesDeps {
  adminKey: string;
  leaderboards: LeaderboardStore;
  rosters: RosterStore;
  results: Pick<ResultsFront, "recordOrQueue">;
}

/**
 * Operator endpoints (`X-Admin-Key`): board configs, direct score writes,
 * fantasy roster entries, and match results imported from elsewhere (which
 * also lets tests simulate a finished match). Players never reach these.
 */
export function adminRoutes(deps: AdminRoutesDeps): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: "/v1/admin" });
  router.use(requireAdmin(deps.adminKey));
  router.use(async (ctx, next) => {
    await next();
    ctx.set("Cache-Control", "no-store");
  });

  router.post("/leaderboards", async (ctx) => {
    const input = parseOrThrow(LeaderboardConfigInput, ctx.request.body ?? {}, "leaderboard config");
    ctx.status = 201;
    ctx.body = await deps.leaderboards.create(input);
  });

  router.patch("/leaderboards/:id", async (ctx) => {
    const id = parseOrThrow(LeaderboardId, ctx.params.id, "leaderboard id");
    const patch = parseOrThrow(LeaderboardConfigPatch, ctx.request.body ?? {}, "leaderboard update");
    ctx.body = await deps.leaderboards.update(id, patch);
  });

  router.post("/leaderboards/:id/records", async (ctx) => {
    const id = parseOrThrow(LeaderboardId, ctx.params.id, "leaderboard id");
    const body = parseOrThrow(ScoreWriteRequest, ctx.request.body ?? {}, "score write");
    const outcome = await deps.leaderboards.submit(id, body.records);
    ctx.body = { ...outcome.state, changed: outcome.changed } satisfies ScoreWriteResponse;
  });

  router.get("/fantasy/leagues/:leagueId/rosters", async (ctx) => {
    const leagueId = parseOrThrow(FantasyLeagueId, ctx.params.leagueId, "league id");
    ctx.body = { leagueId, standingsBoardId: fantasyStandingsBoardId(leagueId), teams: await deps.rosters.league(leagueId) } satisfies LeagueRostersResponse;
  });

  router.put("/fantasy/leagues/:leagueId/rosters/:playerId", async (ctx) => {
    const params = parseOrThrow(RosterPathParams, { leagueId: ctx.params.leagueId, playerId: ctx.params.playerId }, "roster path");
    const body = parseOrThrow(RosterAssignRequest, ctx.request.body ?? {}, "roster entry");
    const { entry, created } = await deps.rosters.assign({ ...params, ...body });
    ctx.status = created ? 201 : 200;
    ctx.body = { entry, created };
  });

  router.delete("/fantasy/leagues/:leagueId/rosters/:playerId", async (ctx) => {
    const params = parseOrThrow(RosterPathParams, { leagueId: ctx.params.leagueId, playerId: ctx.params.playerId }, "roster path");
    if (!(await deps.rosters.unassign(params.leagueId, params.playerId))) {
      throw new AppError("NOT_FOUND", `Player ${params.playerId} is on no fantasy team in league ${params.leagueId}`);
    }
    ctx.status = 204;
  });

  router.post("/match-results", async (ctx) => {
    const result = parseOrThrow(MatchResultSchema, ctx.request.body ?? {}, "match result");
    const outcome = await deps.results.recordOrQueue(result);
    if (outcome.status === "queued") {
      ctx.status = 202;
      ctx.body = { status: "queued", matchId: outcome.matchId } satisfies AdminMatchResultResponse;
      return;
    }
    ctx.status = outcome.created ? 201 : 200;
    ctx.body = { status: "recorded", created: outcome.created, result: outcome.result } satisfies AdminMatchResultResponse;
  });

  return router;
}
