import Router from "@koa/router";
import type { Middleware } from "koa";
import {
  AppError,
  CreateLeagueRequest,
  JoinLeagueRequest,
  LeagueId,
  leagueRole,
  parseOrThrow,
  type JoinLeagueResponse,
  type League,
  type LeagueListResponse,
  type TokenClaims,
  type TokenVerifier,
} from "../../shared/index.ts";
import type { LeagueStore } from "../../store/leagues.ts";
import type { ApiState } from "../context.ts";
import { requireAuth } from "../middleware/auth.ts";

export interface LeagueRoutesDeps {
  leagues: LeagueStore;
  tokens: TokenVerifier;
  /** Join-attempt rate limit (invite codes are guessable only this fast); none when unset. */
  joinLimit?: Middleware<ApiState>;
}

/**
 * Fantasy leagues (issue 8): create (the caller is the commissioner), join by
 * invite code (one team per player per league), list mine, read one. Every
 * route needs a player token. The draft itself happens in the `draft` room.
 */
export function leagueRoutes(deps: LeagueRoutesDeps): Router<ApiState> {
  const router = new Router<ApiState>({ prefix: "/v1/leagues" });
  const { leagues } = deps;
  router.use(requireAuth(deps.tokens));
  router.use(async (ctx, next) => {
    await next();
    ctx.set("Cache-Control", "no-store");
  });

  router.post("/", async (ctx) => {
    const body = parseOrThrow(CreateLeagueRequest, ctx.request.body ?? {}, "league");
    ctx.status = 201;
    ctx.body = await leagues.create({ ...body, commissionerId: player(ctx.state).playerId }) satisfies League;
  });

  const joinLimit: Middleware<ApiState> = deps.joinLimit ?? ((_ctx, next) => next());
  router.post("/join", joinLimit, async (ctx) => {
    const body = parseOrThrow(JoinLeagueRequest, ctx.request.body ?? {}, "league join");
    const joined = await leagues.join(body.inviteCode, { playerId: player(ctx.state).playerId, teamName: body.teamName });
    ctx.status = joined.created ? 201 : 200;
    ctx.body = joined satisfies JoinLeagueResponse;
  });

  router.get("/", async (ctx) => {
    ctx.body = { leagues: await leagues.listForPlayer(player(ctx.state).playerId) } satisfies LeagueListResponse;
  });

  router.get("/:id", async (ctx) => {
    const id = parseOrThrow(LeagueId, ctx.params.id, "league id");
    const league = await leagues.get(id);
    if (!league) throw new AppError("NOT_FOUND", `No league ${id}`);
    if (!leagueRole(league, player(ctx.state).playerId)) throw new AppError("FORBIDDEN", "Only the league's commissioner and managers may read it; join with its invite code");
    ctx.body = league satisfies League;
  });

  return router;
}

function player(state: ApiState): TokenClaims {
  if (!state.player) throw new AppError("UNAUTHORIZED", "A player token is required");
  return state.player;
}
