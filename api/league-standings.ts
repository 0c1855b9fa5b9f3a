import { AppError, leagueRole, leagueStandings, LeagueId, parseOrThrow, type League, type LeagueStandings, type TokenClaims } from "../shared/index.ts";
import type { LeaderboardStore } from "../store/leaderboards.ts";
import type { LeagueStore } from "../store/leagues.ts";

/** Board rows read for a league's standings: more than a league's teams can be (an operator may put other owners on the board). */
export const STANDINGS_BOARD_ROWS = 100;

/**
 * The league a member asks about: 404 NOT_FOUND for an unknown league, 403
 * FORBIDDEN for a player who is neither its commissioner nor a manager (the
 * same rule as `GET /v1/leagues/:id`).
 */
export async function memberLeague(leagues: Pick<LeagueStore, "get">, rawId: string, claims: TokenClaims): Promise<League> {
  const id = parseOrThrow(LeagueId, rawId, "league id");
  const league = await leagues.get(id);
  if (!league) throw new AppError("NOT_FOUND", `No league ${id}`);
  if (!leagueRole(league, claims.playerId)) throw new AppError("FORBIDDEN", "Only the league's commissioner and managers may read it; join with its invite code");
  return league;
}

/** A league's standings now: a row per team (docs/protocol.md "Fantasy leagues"); zero points for all before its board exists. */
export async function readStandings(leaderboards: Pick<LeaderboardStore, "top">, league: League): Promise<LeagueStandings> {
  let rows: { ownerId: string; score: number }[] = [];
  try {
    rows = (await leaderboards.top(league.standingsBoardId, { limit: STANDINGS_BOARD_ROWS })).records;
  } catch (error) {
    // The board is made when the draft's rosters are saved: until then every team has zero points.
    if (!(error instanceof AppError && error.code === "NOT_FOUND")) throw error;
  }
  return leagueStandings(league, rows, Date.now());
}
