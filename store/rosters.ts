import type { RosterEntry } from "../shared/fantasy.ts";

/**
 * Fantasy rosters: in each league, at most one fantasy team owns a player.
 * The draft fills them; the result pipeline reads them to credit points.
 */
export interface RosterStore {
  /**
   * `fantasyTeamId` owns `playerId` in `leagueId`. Idempotent for the same
   * team; CONFLICT if another team of the league owns the player.
   * `teamName` (optional) is the team's display name on the standings board.
   */
  assign(entry: RosterEntry & { teamName?: string }): Promise<{ entry: RosterEntry; created: boolean }>;
  /** Releases a player; false if nobody in the league owned them. */
  unassign(leagueId: string, playerId: string): Promise<boolean>;
  /** Every ownership of these players, across leagues. */
  ownersOf(playerIds: string[]): Promise<RosterEntry[]>;
  /** A league's teams and their players (teams without players are listed if they were ever named). */
  league(leagueId: string): Promise<{ fantasyTeamId: string; name: string; playerIds: string[] }[]>;
  /** A team's display name (defaults to its id). */
  teamName(leagueId: string, fantasyTeamId: string): Promise<string>;
}
