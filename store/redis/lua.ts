import { createHash } from "node:crypto";

/**
 * Lua scripts: every multi-key change runs as ONE script, so Redis applies it
 * atomically (no other command runs in between; a crash of the calling
 * process cannot leave half of it). Scripts build their keys from the prefix
 * passed in ARGV, so this targets a single Redis (or a primary with
 * replicas), not Redis Cluster.
 *
 * Numbers: cjson encodes numbers with 14 significant digits, so records and
 * events are written with string.format('%.0f') (exact up to 2^53) instead.
 */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/** A named script and its SHA (EVALSHA first, EVAL when Redis does not know it yet). */
export function luaScript(name: string, source: string): LuaScript {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

/** ARGV: key, owner → 1 released, 0 not held by owner (also: the team membership claims) */
export const RELEASE_IF_HELD = luaScript(
  "release-if-held",
  String.raw`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`,
);

/** ARGV: key, token, ttlMs → 1 acquired/renewed, 0 held by someone else */
export const ACQUIRE_LEASE = luaScript(
  "acquire-lease",
  String.raw`
local holder = redis.call('GET', ARGV[1])
if holder and holder ~= ARGV[2] then return 0 end
redis.call('SET', ARGV[1], ARGV[2], 'PX', tonumber(ARGV[3]))
return 1
`,
);

/** ARGV: key, token → 1 released, 0 not ours */
export const RELEASE_LEASE = luaScript(
  "release-lease",
  String.raw`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`,
);
