import type { RosterEntry } from "../../shared/fantasy.ts";
import { rosterConflict } from "../common/rosters.ts";
import type { RosterStore } from "../rosters.ts";
import type { RedisConnection } from "./connection.ts";
import { luaScript as script } from "./lua.ts";

/** ARGV: prefix, leagueId, teamId, playerId, teamName ('' for none) → {'created'} | {'same'} | {'conflict', owner} */
const ASSIGN_ROSTER = script(
  "assign-roster",
  String.raw`
local prefix, league, team, player, name = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local owners = prefix .. 'roster:' .. league .. ':owners'
local owner = redis.call('HGET', owners, player)
if owner and owner ~= team then return { 'conflict', owner } end
local names = prefix .. 'roster:' .. league .. ':names'
if name ~= '' then redis.call('HSET', names, team, name) else redis.call('HSETNX', names, team, team) end
if owner then return { 'same' } end
redis.call('HSET', owners, player, team)
redis.call('SADD', prefix .. 'roster:player:' .. player, league)
return { 'created' }
`,
);

/** ARGV: prefix, leagueId, playerId → 1 removed, 0 not owned */
const UNASSIGN_ROSTER = script(
  "unassign-roster",
  String.raw`
local removed = redis.call('HDEL', ARGV[1] .. 'roster:' .. ARGV[2] .. ':owners', ARGV[3])
if removed == 1 then redis.call('SREM', ARGV[1] .. 'roster:player:' .. ARGV[3], ARGV[2]) end
return removed
`,
);

/** ARGV: prefix, playerId... → {league, team, player, league, team, player...} */
const ROSTER_OWNERS = script(
  "roster-owners",
  String.raw`
local out = {}
for i = 2, #ARGV do
  local player = ARGV[i]
  local leagues = redis.call('SMEMBERS', ARGV[1] .. 'roster:player:' .. player)
  table.sort(leagues)
  for _, league in ipairs(leagues) do
    local team = redis.call('HGET', ARGV[1] .. 'roster:' .. league .. ':owners', player)
    if team then
      out[#out + 1] = league
      out[#out + 1] = team
      out[#out + 1] = player
    end
  end
end
return out
`,
);

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
