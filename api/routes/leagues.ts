import type Router from "@koa/router";
import type { Middleware } from "koa";
import { AppError, LeagueId, leagueRole, parseOrThrow, type TokenClaims, type TokenVerifier } from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { LeagueStore } from "../../store/leagues.ts";
import { memberLeague, readStandings } from "../league-standings.ts";
import type { ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";
import { requireAuth } from "../middleware/auth.ts";

export interface LeagueRoutesDeps {
  leagues: LeagueStore;
  /** The standings boards (`GET /v1/leagues/:id/standings`). */
  leaderboards: Pick<LeaderboardStore, "top">;
  tokens: TokenVerifier;
  /** Join-attempt rate limit (invite codes are guessable only this fast); none when unset. */
  joinLimit?: Middleware<ApiState>;
}

/**
 * Fantasy leagues: create (the caller is the commissioner), join by invite
 * code (one team per player per league), list mine, read one, its
 * standings (a row per team). Every route
 * needs a player token. The draft itself happens in the `draft` room.
 */
export function leagueRoutes(deps: LeagueRoutesDeps): Router<ApiState> {
  const { leagues } = deps;
  return contractRouter(
    {
      "POST /v1/leagues": async (ctx, request) => {
        const body = request.body("league");
        ctx.status = 201;
        return leagues.create({ ...body, commissionerId: player(ctx.state).playerId });
      },
      "POST /v1/leagues/join": async (ctx, request) => {
        const body = request.body("league join");
        const joined = await leagues.join(body.inviteCode, { playerId: player(ctx.state).playerId, teamName: body.teamName });
        ctx.status = joined.created ? 201 : 200;
        return joined;
      },
      "GET /v1/leagues": async (ctx) => ({ leagues: await leagues.listForPlayer(player(ctx.state).playerId) }),
      "GET /v1/leagues/:id": async (ctx, request) => {
        const id = parseOrThrow(LeagueId, request.params.id, "league id");
        const league = await leagues.get(id);
        if (!league) throw new AppError("NOT_FOUND", `No league ${id}`);
        if (!leagueRole(league, player(ctx.state).playerId)) throw new AppError("FORBIDDEN", "Only the league's commissioner and managers may read it; join with its invite code");
        return league;
      },
      "GET /v1/leagues/:id/standings": async (ctx, request) => {
        const league = await memberLeague(leagues, request.params.id, player(ctx.state));
        return readStandings(deps.leaderboards, league);
      },
    },
    {
      requireAuth: requireAuth(deps.tokens),
      use: [
        async (ctx, next) => {
          await next();
          ctx.set("Cache-Control", "no-store");
        },
      ],
      before: { "POST /v1/leagues/join": deps.joinLimit },
    },
  );
}

function player(state: ApiState): TokenClaims {
  if (!state.player) throw new AppError("UNAUTHORIZED", "A player token is required");
  return state.player;
}
