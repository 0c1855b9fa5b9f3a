import type { RosterEntry } from "../../shared/fantasy.ts";
import { rosterConflict, type RosterStore } from "../rosters.ts";
import type { RedisConnection } from "./connection.ts";
import { ASSIGN_ROSTER, ROSTER_OWNERS, UNASSIGN_ROSTER } from "./lua.ts";

/** Keys: `roster:<league>:owners` (player → team), `roster:<league>:names` (team → name), `roster:player:<id>` (leagues). */
export class RedisRosterStore implements RosterStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;

  constructor(redis: RedisConnection, keys: { prefix: string }) {
    this.#redis = redis;
    this.#prefix = keys.prefix;
  }

  async assign(entry: RosterEntry & { teamName?: string }): Promise<{ entry: RosterEntry; created: boolean }> {
    const clean: RosterEntry = { leagueId: entry.leagueId, fantasyTeamId: entry.fantasyTeamId, playerId: entry.playerId };
    const [outcome, owner] = (await this.#redis.script(ASSIGN_ROSTER, [this.#prefix, entry.leagueId, entry.fantasyTeamId, entry.playerId, entry.teamName ?? ""])) as string[];
    if (outcome === "conflict") throw rosterConflict(clean, owner);
    return { entry: clean, created: outcome === "created" };
  }

  async unassign(leagueId: string, playerId: string): Promise<boolean> {
    return (await this.#redis.script(UNASSIGN_ROSTER, [this.#prefix, leagueId, playerId])) === 1;
  }

  async ownersOf(playerIds: string[]): Promise<RosterEntry[]> {
    const unique = [...new Set(playerIds)];
    if (unique.length === 0) return [];
    const flat = (await this.#redis.script(ROSTER_OWNERS, [this.#prefix, ...unique])) as string[];
    const entries: RosterEntry[] = [];
    for (let i = 0; i < flat.length; i += 3) entries.push({ leagueId: flat[i], fantasyTeamId: flat[i + 1], playerId: flat[i + 2] });
    return entries;
  }

  async league(leagueId: string) {
    const [owners, names] = await this.#redis.run((c) =>
      Promise.all([c.hGetAll(`${this.#prefix}roster:${leagueId}:owners`), c.hGetAll(`${this.#prefix}roster:${leagueId}:names`)]),
    );
    const teams = new Map<string, string[]>();
    for (const teamId of Object.keys(names)) teams.set(teamId, []);
    for (const [playerId, teamId] of Object.entries(owners)) {
      if (!teams.has(teamId)) teams.set(teamId, []);
      teams.get(teamId)!.push(playerId);
    }
    return [...teams].sort(([a], [b]) => a.localeCompare(b)).map(([fantasyTeamId, playerIds]) => ({
      fantasyTeamId,
      name: names[fantasyTeamId] ?? fantasyTeamId,
      playerIds: playerIds.sort(),
    }));
  }

  async teamName(leagueId: string, fantasyTeamId: string): Promise<string> {
    return (await this.#redis.run((c) => c.hGet(`${this.#prefix}roster:${leagueId}:names`, fantasyTeamId))) ?? fantasyTeamId;
  }
}
