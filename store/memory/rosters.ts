import type { RosterEntry } from "../../shared/fantasy.ts";
import { rosterConflict } from "../common/rosters.ts";
import type { RosterStore } from "../rosters.ts";

/** The embedded default. */
export class MemoryRosterStore implements RosterStore {
  /** leagueId → playerId → fantasyTeamId */
  readonly #owners = new Map<string, Map<string, string>>();
  /** leagueId → fantasyTeamId → name */
  readonly #names = new Map<string, Map<string, string>>();
  /** playerId → leagueIds */
  readonly #leaguesOf = new Map<string, Set<string>>();

  async assign(entry: RosterEntry & { teamName?: string }): Promise<{ entry: RosterEntry; created: boolean }> {
    const clean: RosterEntry = { leagueId: entry.leagueId, fantasyTeamId: entry.fantasyTeamId, playerId: entry.playerId };
    let league = this.#owners.get(entry.leagueId);
    if (!league) this.#owners.set(entry.leagueId, (league = new Map()));
    const owner = league.get(entry.playerId);
    if (owner !== undefined && owner !== entry.fantasyTeamId) throw rosterConflict(clean, owner);
    let names = this.#names.get(entry.leagueId);
    if (!names) this.#names.set(entry.leagueId, (names = new Map()));
    if (entry.teamName !== undefined) names.set(entry.fantasyTeamId, entry.teamName);
    else if (!names.has(entry.fantasyTeamId)) names.set(entry.fantasyTeamId, entry.fantasyTeamId);
    if (owner !== undefined) return { entry: clean, created: false };
    league.set(entry.playerId, entry.fantasyTeamId);
    let leagues = this.#leaguesOf.get(entry.playerId);
    if (!leagues) this.#leaguesOf.set(entry.playerId, (leagues = new Set()));
    leagues.add(entry.leagueId);
    return { entry: clean, created: true };
  }

  async unassign(leagueId: string, playerId: string): Promise<boolean> {
    const removed = this.#owners.get(leagueId)?.delete(playerId) ?? false;
    if (removed) this.#leaguesOf.get(playerId)?.delete(leagueId);
    return removed;
  }

  async ownersOf(playerIds: string[]): Promise<RosterEntry[]> {
    const entries: RosterEntry[] = [];
    for (const playerId of new Set(playerIds)) {
      for (const leagueId of [...(this.#leaguesOf.get(playerId) ?? [])].sort()) {
        const fantasyTeamId = this.#owners.get(leagueId)?.get(playerId);
        if (fantasyTeamId !== undefined) entries.push({ leagueId, fantasyTeamId, playerId });
      }
    }
    return entries;
  }

  async league(leagueId: string) {
    const teams = new Map<string, string[]>();
    for (const teamId of this.#names.get(leagueId)?.keys() ?? []) teams.set(teamId, []);
    for (const [playerId, teamId] of this.#owners.get(leagueId) ?? []) {
      if (!teams.has(teamId)) teams.set(teamId, []);
      teams.get(teamId)!.push(playerId);
    }
    return [...teams].sort(([a], [b]) => a.localeCompare(b)).map(([fantasyTeamId, playerIds]) => ({
      fantasyTeamId,
      name: this.#names.get(leagueId)?.get(fantasyTeamId) ?? fantasyTeamId,
      playerIds: playerIds.sort(),
    }));
  }

  async teamName(leagueId: string, fantasyTeamId: string): Promise<string> {
    return this.#names.get(leagueId)?.get(fantasyTeamId) ?? fantasyTeamId;
  }
}
