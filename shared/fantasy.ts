import { z } from "zod";
import { IdPatterns } from "./ids.ts";
import { displayText } from "./text.ts";
import { OwnerId } from "./leaderboards.ts";

/**
 * Fantasy rosters and scoring. A fantasy league's teams own real players (one
 * owner per player per league, filled by the draft); every match result
 * credits each owning team with its players' fantasy points, which moves the
 * league's standings board (`fantasy-<leagueId>`, operator `incr`). The
 * points themselves are a rule: shared/rules/scoring/fantasy-points.ts.
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
