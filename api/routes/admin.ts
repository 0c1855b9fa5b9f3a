import type Router from "@koa/router";
import { AppError, fantasyStandingsBoardId, FantasyLeagueId, LeaderboardId, parseOrThrow, RosterPathParams } from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { ResultsFront } from "../../store/index.ts";
import type { RosterStore } from "../../store/rosters.ts";
import type { ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
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
  return contractRouter(
    {
      "POST /v1/admin/leaderboards": async (ctx, request) => {
        const input = request.body("leaderboard config");
        ctx.status = 201;
        return deps.leaderboards.create(input);
      },
      "PATCH /v1/admin/leaderboards/:id": async (_ctx, request) => {
        const id = parseOrThrow(LeaderboardId, request.params.id, "leaderboard id");
        return deps.leaderboards.update(id, request.body("leaderboard update"));
      },
      "POST /v1/admin/leaderboards/:id/records": async (_ctx, request) => {
        const id = parseOrThrow(LeaderboardId, request.params.id, "leaderboard id");
        const body = request.body("score write");
        const outcome = await deps.leaderboards.submit(id, body.records);
        return { ...outcome.state, changed: outcome.changed };
      },
      "GET /v1/admin/fantasy/leagues/:leagueId/rosters": async (_ctx, request) => {
        const leagueId = parseOrThrow(FantasyLeagueId, request.params.leagueId, "league id");
        return { leagueId, standingsBoardId: fantasyStandingsBoardId(leagueId), teams: await deps.rosters.league(leagueId) };
      },
      "PUT /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId": async (ctx, request) => {
        const params = parseOrThrow(RosterPathParams, { leagueId: request.params.leagueId, playerId: request.params.playerId }, "roster path");
        const body = request.body("roster entry");
        const { entry, created } = await deps.rosters.assign({ ...params, ...body });
        ctx.status = created ? 201 : 200;
        return { entry, created };
      },
      "DELETE /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId": async (ctx, request) => {
        const params = parseOrThrow(RosterPathParams, { leagueId: request.params.leagueId, playerId: request.params.playerId }, "roster path");
        if (!(await deps.rosters.unassign(params.leagueId, params.playerId))) {
          throw new AppError("NOT_FOUND", `Player ${params.playerId} is on no fantasy team in league ${params.leagueId}`);
        }
        ctx.status = 204;
      },
      "POST /v1/admin/match-results": async (ctx, request) => {
        const result = request.body("match result");
        const outcome = await deps.results.recordOrQueue(result);
        if (outcome.status === "queued") {
          ctx.status = 202;
          return { status: "queued", matchId: outcome.matchId };
        }
        ctx.status = outcome.created ? 201 : 200;
        return { status: "recorded", created: outcome.created, result: outcome.result };
      },
    },
    {
      requireAdmin: requireAdmin(deps.adminKey),
      use: [
        async (ctx, next) => {
          await next();
          ctx.set("Cache-Control", "no-store");
        },
      ],
    },
  );
}
