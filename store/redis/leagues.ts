import { AppError } from "../../shared/errors.ts";
import type { League, LeagueTeam } from "../../shared/fantasy-leagues.ts";
import {
  draftAlreadyComplete,
  INVITE_CODE_ATTEMPTS,
  joinRefused,
  leagueRecord,
  readLeagueRecord,
  newInviteCode,
  newLeagueId,
  sortLeagues,
  sortTeams,
  teamIdFor,
  teamNameKey,
  unknownLeague,
  type JoinRefusal,
} from "../common/leagues.ts";
import type { DraftSnapshot, LeagueRecord, LeagueStore, NewLeague } from "../leagues.ts";
import type { RedisConnection } from "./connection.ts";
import { luaScript as script } from "./lua.ts";


/**
 * ARGV: prefix, id, inviteCode, recordJSON, commissionerId, teamJSON ('' = none), teamNameKey
 * → 1 created, 0 invite code taken (the caller draws another).
 */
const CREATE_LEAGUE = script(
  "create-league",
  String.raw`
local p, id, code = ARGV[1], ARGV[2], ARGV[3]
if redis.call('SET', p .. 'league:invite:' .. code, id, 'NX') == false then return 0 end
local key = p .. 'league:' .. id
redis.call('HSET', key, 'record', ARGV[4], 'status', 'scheduled')
redis.call('SADD', p .. 'league:player:' .. ARGV[5], id)
if ARGV[6] ~= '' then
  redis.call('HSET', key .. ':teams', 't1', ARGV[6])
  redis.call('HSET', key .. ':managers', ARGV[5], 't1')
  redis.call('HSET', key .. ':names', ARGV[7], 't1')
end
return 1
`,
);

/**
 * ARGV: prefix, inviteCode, playerId, teamName, teamNameKey, joinedAt
 * → {outcome, leagueId?, teamId?}: joined | member | not-found | started | full | name-taken
 */
const JOIN_LEAGUE = script(
  "join-league",
  String.raw`
local p, code, player = ARGV[1], ARGV[2], ARGV[3]
local id = redis.call('GET', p .. 'league:invite:' .. code)
if not id then return { 'not-found' } end
local key = p .. 'league:' .. id
local existing = redis.call('HGET', key .. ':managers', player)
if existing then return { 'member', id, existing } end
if redis.call('HGET', key, 'status') ~= 'scheduled' then return { 'started', id } end
local record = cjson.decode(redis.call('HGET', key, 'record'))
local n = redis.call('HLEN', key .. ':teams')
if n >= tonumber(record.teamCount) then return { 'full', id } end
if redis.call('HEXISTS', key .. ':names', ARGV[5]) == 1 then return { 'name-taken', id } end
local teamId = 't' .. (n + 1)
redis.call('HSET', key .. ':teams', teamId, cjson.encode({ teamId = teamId, name = ARGV[4], managerId = player, joinedAt = ARGV[6] }))
redis.call('HSET', key .. ':managers', player, teamId)
redis.call('HSET', key .. ':names', ARGV[5], teamId)
redis.call('SADD', p .. 'league:player:' .. player, id)
return { 'joined', id, teamId }
`,
);

/** ARGV: prefix, id, status ('in-progress' | 'complete') → 'ok' | 'missing' | 'complete' */
const SET_DRAFT_STATUS = script(
  "set-draft-status",
  String.raw`
local key = ARGV[1] .. 'league:' .. ARGV[2]
local status = redis.call('HGET', key, 'status')
if not status then return 'missing' end
if status == 'complete' and ARGV[3] ~= 'complete' then return 'complete' end
redis.call('HSET', key, 'status', ARGV[3])
return 'ok'
`,
);

/** ARGV: prefix, id, version, data → 1 stored, 0 stale */
const SAVE_SNAPSHOT = script(
  "save-draft-snapshot",
  String.raw`
local key = ARGV[1] .. 'league:' .. ARGV[2] .. ':draft'
local current = tonumber(redis.call('HGET', key, 'version') or '0')
if tonumber(ARGV[3]) <= current then return 0 end
redis.call('HSET', key, 'version', ARGV[3], 'data', ARGV[4])
return 1
`,
);

/**
 * Keys (under the store prefix): `league:<id>` hash {record (JSON), status},
 * `league:<id>:teams` (teamId → JSON), `league:<id>:managers` (playerId →
 * teamId), `league:<id>:names` (name key → teamId), `league:invite:<code>`
 * (→ id), `league:player:<playerId>` (set of ids), `league:<id>:draft` hash
 * {version, data}. Every multi-key change is one Lua script.
 */
export class RedisLeagueStore implements LeagueStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #clock: () => number;

  constructor(redis: RedisConnection, keys: { prefix: string }, options: { clock?: () => number } = {}) {
    this.#redis = redis;
    this.#prefix = keys.prefix;
    this.#clock = options.clock ?? Date.now;
  }

  async create(input: NewLeague): Promise<League> {
    const id = newLeagueId();
    const now = new Date(this.#clock()).toISOString();
    for (let attempt = 0; attempt < INVITE_CODE_ATTEMPTS; attempt++) {
      const record = leagueRecord(id, newInviteCode(), input, now);
      const team: LeagueTeam | undefined =
        input.teamName === undefined ? undefined : { teamId: teamIdFor(0), name: input.teamName, managerId: input.commissionerId, joinedAt: now };
      const args = [this.#prefix, id, record.inviteCode, JSON.stringify(record), input.commissionerId, team ? JSON.stringify(team) : "", team ? teamNameKey(team.name) : ""];
      if ((await this.#redis.script(CREATE_LEAGUE, args)) === 1) return { ...record, teams: team ? [team] : [], draftStatus: "scheduled" };
    }
    throw new AppError("INTERNAL", "Could not allocate a unique invite code");
  }

  async get(leagueId: string): Promise<League | undefined> {
    return (await this.#read([leagueId]))[0];
  }

  async join(inviteCode: string, manager: { playerId: string; teamName: string }) {
    const joinedAt = new Date(this.#clock()).toISOString();
    const args = [this.#prefix, inviteCode, manager.playerId, manager.teamName, teamNameKey(manager.teamName), joinedAt];
    const [outcome, leagueId, teamId] = (await this.#redis.script(JOIN_LEAGUE, args)) as string[];
    if (outcome !== "joined" && outcome !== "member") {
      const league = leagueId ? await this.get(leagueId) : undefined;
      throw joinRefused(outcome as JoinRefusal, { leagueId, teamCount: league?.teamCount, teamName: manager.teamName });
    }
    const league = await this.get(leagueId);
    const team = league?.teams.find((t) => t.teamId === teamId);
    if (!league || !team) throw joinRefused("not-found");
    return { league, team, created: outcome === "joined" };
  }

  async listForPlayer(playerId: string): Promise<League[]> {
    const ids = await this.#redis.run((c) => c.sMembers(`${this.#prefix}league:player:${playerId}`));
    return sortLeagues((await this.#read(ids)).filter((l): l is League => l !== undefined));
  }

  async markDraftStarted(leagueId: string): Promise<League> {
    return this.#setStatus(leagueId, "in-progress");
  }

  async markDraftComplete(leagueId: string): Promise<League> {
    return this.#setStatus(leagueId, "complete");
  }

  async saveDraftSnapshot(leagueId: string, snapshot: DraftSnapshot): Promise<boolean> {
    return (await this.#redis.script(SAVE_SNAPSHOT, [this.#prefix, leagueId, snapshot.version, snapshot.data])) === 1;
  }

  async loadDraftSnapshot(leagueId: string): Promise<DraftSnapshot | undefined> {
    const fields = await this.#redis.run((c) => c.hGetAll(`${this.#prefix}league:${leagueId}:draft`));
    if (fields.version === undefined || fields.data === undefined) return undefined;
    return { version: Number(fields.version), data: fields.data };
  }

  async #setStatus(leagueId: string, status: "in-progress" | "complete"): Promise<League> {
    const outcome = await this.#redis.script(SET_DRAFT_STATUS, [this.#prefix, leagueId, status]);
    if (outcome === "missing") throw unknownLeague(leagueId);
    if (outcome === "complete") throw draftAlreadyComplete(leagueId);
    const league = await this.get(leagueId);
    if (!league) throw unknownLeague(leagueId);
    return league;
  }

  /** Reads leagues with their teams (answers undefined for unknown ids, in order). */
  async #read(ids: string[]): Promise<(League | undefined)[]> {
    if (ids.length === 0) return [];
    const rows = await this.#redis.run((c) =>
      Promise.all(ids.map((id) => Promise.all([c.hGetAll(`${this.#prefix}league:${id}`), c.hVals(`${this.#prefix}league:${id}:teams`)]))),
    );
    return rows.map(([fields, teams]) => {
      if (!fields.record) return undefined;
      const record = readLeagueRecord(JSON.parse(fields.record) as LeagueRecord);
      return { ...record, teams: sortTeams(teams.map((t) => JSON.parse(t) as LeagueTeam)), draftStatus: fields.status as League["draftStatus"] };
    });
  }
}
