import { AppError } from "../../shared/errors.ts";
import type { RosterEntry } from "../../shared/fantasy.ts";

/** Another team of the league owns the player. */
export function rosterConflict(entry: RosterEntry, owner: string): AppError {
  return new AppError("CONFLICT", `Player ${entry.playerId} is already on fantasy team ${owner} in league ${entry.leagueId}`, {
    details: { leagueId: entry.leagueId, playerId: entry.playerId, fantasyTeamId: owner },
  });
}
