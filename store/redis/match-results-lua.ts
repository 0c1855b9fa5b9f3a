import { luaScript as script } from "./lua.ts";

/** The results store's scripts (store/redis/match-results.ts runs them). */

/**
 * ARGV: prefix, matchId, resultJson (without seq, ends with '}'), channel, owner ('' for none), playerId...
 * → {1, json} recorded, {0, json} already there (idempotent by match id; the
 * caller compares the content), {2, roomId} the id is claimed by another live room.
 */
export const RECORD_RESULT = script(
  "record-result",
  String.raw`
local prefix, id, owner = ARGV[1], ARGV[2], ARGV[5]
local key = prefix .. 'result:' .. id
local existing = redis.call('GET', key)
if existing then return { 0, existing } end
local claim = prefix .. 'claim:' .. id
local holder = redis.call('GET', claim)
if holder and holder ~= owner then return { 2, holder } end
local seq = redis.call('INCR', prefix .. 'results:seq')
local json = string.sub(ARGV[3], 1, -2) .. ',"seq":' .. string.format('%.0f', seq) .. '}'
redis.call('SET', key, json)
redis.call('ZADD', prefix .. 'results:feed', seq, id)
for i = 6, #ARGV do redis.call('ZADD', prefix .. 'results:player:' .. ARGV[i], seq, id) end
redis.call('DEL', prefix .. 'expected:' .. id, claim)
redis.call('PUBLISH', ARGV[4], '{"type":"result","matchId":' .. cjson.encode(id) .. ',"seq":' .. string.format('%.0f', seq) .. '}')
return { 1, json }
`,
);

/** ARGV: prefix, afterSeq, limit → result JSON strings, oldest first. */
export const READ_FEED = script(
  "read-feed",
  String.raw`
local prefix = ARGV[1]
local ids = redis.call('ZRANGE', prefix .. 'results:feed', '(' .. ARGV[2], '+inf', 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for i, id in ipairs(ids) do out[i] = redis.call('GET', prefix .. 'result:' .. id) end
return out
`,
);

/** ARGV: prefix, playerId, beforeSeq ('+inf' for the newest), limit → result JSON strings, newest first. */
export const READ_PLAYER_RESULTS = script(
  "read-player-results",
  String.raw`
local prefix = ARGV[1]
local max = ARGV[3]
if max ~= '+inf' then max = '(' .. max end
local ids = redis.call('ZRANGE', prefix .. 'results:player:' .. ARGV[2], max, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for i, id in ipairs(ids) do out[i] = redis.call('GET', prefix .. 'result:' .. id) end
return out
`,
);

/** ARGV: prefix, epochCandidate → {epoch, seq}; the feed epoch is created on first use. */
export const FEED_HEAD = script(
  "feed-head",
  String.raw`
local prefix = ARGV[1]
redis.call('SET', prefix .. 'results:epoch', ARGV[2], 'NX')
return { redis.call('GET', prefix .. 'results:epoch'), redis.call('GET', prefix .. 'results:seq') or '0' }
`,
);

/** ARGV: prefix, matchId, ttlMs: marks a match expected unless its result exists. */
export const EXPECT_MATCH = script(
  "expect-match",
  String.raw`
if redis.call('EXISTS', ARGV[1] .. 'result:' .. ARGV[2]) == 1 then return 0 end
redis.call('SET', ARGV[1] .. 'expected:' .. ARGV[2], '1', 'PX', tonumber(ARGV[3]))
return 1
`,
);

/** ARGV: prefix, matchId, owner, ttlMs → 'ok' (claimed or renewed), 'claimed' (another owner holds it), 'recorded' */
export const CLAIM_MATCH = script(
  "claim-match",
  String.raw`
if redis.call('EXISTS', ARGV[1] .. 'result:' .. ARGV[2]) == 1 then return 'recorded' end
local key = ARGV[1] .. 'claim:' .. ARGV[2]
local holder = redis.call('GET', key)
if holder and holder ~= ARGV[3] then return 'claimed' end
redis.call('SET', key, ARGV[3], 'PX', tonumber(ARGV[4]))
return 'ok'
`,
);
