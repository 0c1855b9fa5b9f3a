import { z } from "zod";
import { IdPatterns } from "./ids.ts";
import { displayText } from "./text.ts";
import type { MatchResult, MatchResultPlayer } from "./match-result.ts";
import { OwnerId } from "./leaderboards.ts";

/**
 * Fantasy rosters and scoring. A fantasy league's teams own real players (one
 * owner per player per league, filled by the draft); every match result
 * credits each owning team with its players' fantasy points, which moves the
 * league's standings board (`fantasy-<leagueId>`, operator `incr`).
 * Browser-safe: the SDK shows the same table.
 */

export const FantasyLeagueId = z.string().regex(IdPatterns.fantasyLeague, "not a league id (letters, digits, _ -; at most 64)");
export const FantasyTeamId = z.string().regex(IdPatterns.fantasyTeam, "not a fantasy team id (letters, digits, _ -; at most 64)");

/** One ownership: in `leagueId`, `fantasyTeamId` owns `playerId`. */
export interface RosterEntry {
  leagueId: string;
  fantasyTeamId: string;
  playerId: string;
}

/** `PUT /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId` */
export const RosterAssignRequest = z.strictObject({
  fantasyTeamId: FantasyTeamId,
  /** Shown on the standings board; defaults to the team id. */
  teamName: displayText("teamName", { max: 64 }).optional(),
});

export const RosterPathParams = z.strictObject({ leagueId: FantasyLeagueId, playerId: OwnerId });

/** `PUT /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId` → 201 (assigned) or 200 (already so). */
export interface RosterAssignResponse {
  entry: RosterEntry;
  created: boolean;
}

/** `GET /v1/admin/fantasy/leagues/:leagueId/rosters` */
export interface LeagueRostersResponse {
  leagueId: string;
  standingsBoardId: string;
  teams: { fantasyTeamId: string; name: string; playerIds: string[] }[];
}

/**
 * The scoring table (docs/scoring.md explains it). Points per player per
 * match; a team's score is the sum over the players it owns.
 */
export const FANTASY_SCORING = {
  /** Played in the match. */
  appearance: 1,
  goal: 10,
  assist: 6,
  shot: 1,
  save: 3,
  /** One point per this many touches (rounded down). */
  touchesPerPoint: 10,
  win: 5,
  draw: 2,
  /** The player's side conceded no goal. */
  cleanSheet: 4,
} as const;

export interface FantasyPointsBreakdown {
  appearance: number;
  goals: number;
  assists: number;
  shots: number;
  saves: number;
  touches: number;
  result: number;
  cleanSheet: number;
  total: number;
}

/** A player's fantasy points for one match, by the table above. Pure; the pipeline and the SDK share it. */
export function fantasyPoints(result: MatchResult, player: MatchResultPlayer, table = FANTASY_SCORING): FantasyPointsBreakdown {
  const s = player.stats;
  const opponent = player.side === "home" ? "away" : "home";
  const outcome = result.winner === "draw" ? table.draw : result.winner === player.side ? table.win : 0;
  const breakdown = {
    appearance: table.appearance,
    goals: s.goals * table.goal,
    assists: s.assists * table.assist,
    shots: s.shots * table.shot,
    saves: s.saves * table.save,
    touches: Math.floor(s.touches / table.touchesPerPoint),
    result: outcome,
    cleanSheet: result.teams[opponent].score === 0 ? table.cleanSheet : 0,
  };
  return { ...breakdown, total: Object.values(breakdown).reduce((sum, n) => sum + n, 0) };
}
