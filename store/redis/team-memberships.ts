import type { MembershipClaim, TeamMembership, TeamMembershipStore } from "../team-memberships.ts";
import type { RedisConnection } from "./connection.ts";
import { luaScript as script } from "./lua.ts";


/** ARGV: key, roomId, teamJson, leaseMs → '' claimed or renewed, else the holder's JSON */
const CLAIM_MEMBERSHIP = script(
  "team-member-claim",
  String.raw`
local held = redis.call('GET', ARGV[1])
if held and cjson.decode(held).roomId ~= ARGV[2] then return held end
redis.call('SET', ARGV[1], ARGV[3], 'PX', tonumber(ARGV[4]))
return ''
`,
);

/** ARGV: key, roomId → 1 released, 0 held by another room (or nobody) */
const RELEASE_MEMBERSHIP = script(
  "team-member-release",
  String.raw`
local held = redis.call('GET', ARGV[1])
if held and cjson.decode(held).roomId == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`,
);

/** Keys: `team:member:<playerId>` (the holding team room as JSON, with the lease as its TTL). */
export class RedisTeamMembershipStore implements TeamMembershipStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;

  constructor(redis: RedisConnection, keys: { prefix: string }) {
    this.#redis = redis;
    this.#prefix = keys.prefix;
  }

  async claim(playerId: string, team: TeamMembership, leaseMs: number): Promise<MembershipClaim> {
    const json = JSON.stringify({ roomId: team.roomId, teamId: team.teamId, name: team.name, code: team.code });
    const held = (await this.#redis.script(CLAIM_MEMBERSHIP, [this.#key(playerId), team.roomId, json, Math.max(1, Math.round(leaseMs))])) as string;
    return held === "" ? { ok: true } : { ok: false, holder: JSON.parse(held) as TeamMembership };
  }

  async release(playerId: string, roomId: string): Promise<void> {
    await this.#redis.script(RELEASE_MEMBERSHIP, [this.#key(playerId), roomId]);
  }

  async holder(playerId: string): Promise<TeamMembership | undefined> {
    const held = await this.#redis.run((c) => c.get(this.#key(playerId)));
    return held ? (JSON.parse(held) as TeamMembership) : undefined;
  }

  #key(playerId: string): string {
    return `${this.#prefix}team:member:${playerId}`;
  }
}
