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

function script(name: string, source: string): LuaScript {
  return { name, source, sha: createHash("sha1").update(source).digest("hex") };
}

/** Shared by every leaderboard script: mirrors memberKey/applyOperator in store/leaderboard-rules.ts. */
const LEADERBOARD_LIB = String.raw`
local MAXS = 9007199254740991
local function fmt(n) return string.format('%.0f', n) end
local function pad(n) return string.format('%016.0f', n) end
local function isnil(v) return v == nil or v == cjson.null end
local function member(sort, score, sub, seq, owner)
  if sort == 'desc' then return pad(MAXS - score) .. pad(MAXS - sub) .. pad(seq) .. owner end
  return pad(score) .. pad(sub) .. pad(seq) .. owner
end
local function member_of(sort, raw)
  local r = cjson.decode(raw)
  return member(sort, r[1], r[2], r[6], r[7])
end
local function enc_record(r)
  local md = 'null'
  if not isnil(r[9]) then md = cjson.encode(r[9]) end
  return '[' .. fmt(r[1]) .. ',' .. fmt(r[2]) .. ',' .. fmt(r[3]) .. ',' .. fmt(r[4]) .. ',' .. fmt(r[5]) .. ',' .. fmt(r[6]) .. ','
    .. cjson.encode(r[7]) .. ',' .. cjson.encode(r[8]) .. ',' .. md .. ']'
end
local function apply_op(op, sort, old, score, sub)
  if op == 'best' then
    if old then
      local better
      if sort == 'desc' then better = score > old[1] or (score == old[1] and sub > old[2])
      else better = score < old[1] or (score == old[1] and sub < old[2]) end
      if not better then return nil end
    end
  elseif op == 'incr' or op == 'decr' then
    local os, oss = 0, 0
    if old then os, oss = old[1], old[2] end
    if op == 'incr' then score = math.min(os + score, MAXS); sub = math.min(oss + sub, MAXS)
    else score = math.max(os - score, 0); sub = math.max(oss - sub, 0) end
  end
  if old and old[1] == score and old[2] == sub then return nil end
  return score, sub
end

-- p = {now, epoch, hl (history limit), ch (channel), writes = [{b, pk, p, ps, id, s, o, own, n?, sc, ss, md?}]}
-- Returns one JSON string per touched board period: {boardId, period, epoch, version, entry = {version, rows}}.
local function lb_apply(p)
  local touched, order = {}, {}
  for _, w in ipairs(p.writes) do
    local rkey, zkey, mkey = w.b .. ':r', w.b .. ':z', w.b .. ':m'
    local raw = redis.call('HGET', rkey, w.own)
    local old = nil
    if raw then old = cjson.decode(raw) end
    local score, sub = apply_op(w.o, w.s, old, w.sc, w.ss)
    if score then
      local t = touched[w.b]
      if not t then
        redis.call('HSETNX', mkey, 'epoch', p.epoch)
        t = { w = w, owners = {}, seen = {} }
        touched[w.b] = t
        order[#order + 1] = w.b
      end
      local seq = redis.call('HINCRBY', mkey, 'seq', 1)
      if old then redis.call('ZREM', zkey, member(w.s, old[1], old[2], old[6], w.own)) end
      local name = w.n
      if isnil(name) then if old then name = old[8] else name = w.own end end
      local md = w.md
      if isnil(md) then if old then md = old[9] else md = cjson.null end end
      local created = p.now
      local num = 1
      if old then created = old[4]; num = old[3] + 1 end
      redis.call('ZADD', zkey, 0, member(w.s, score, sub, seq, w.own))
      redis.call('HSET', rkey, w.own, enc_record({ score, sub, num, created, p.now, seq, w.own, name, md }))
      if not t.seen[w.own] then
        t.seen[w.own] = true
        t.owners[#t.owners + 1] = w.own
      end
    end
  end
  local out = {}
  for _, base in ipairs(order) do
    local t = touched[base]
    local w = t.w
    local mkey = base .. ':m'
    local version = redis.call('HINCRBY', mkey, 'version', 1)
    local epoch = redis.call('HGET', mkey, 'epoch')
    local rows = {}
    for i, own in ipairs(t.owners) do
      local raw = redis.call('HGET', base .. ':r', own)
      local rank = redis.call('ZRANK', base .. ':z', member_of(w.s, raw)) + 1
      rows[i] = '[' .. fmt(rank) .. ',' .. string.sub(raw, 2)
    end
    local entry = '{"version":' .. fmt(version) .. ',"rows":[' .. table.concat(rows, ',') .. ']}'
    redis.call('LPUSH', base .. ':h', entry)
    redis.call('LTRIM', base .. ':h', 0, p.hl - 1)
    redis.call('ZADD', w.pk, 'NX', w.ps, w.p)
    local head = '"boardId":' .. cjson.encode(w.id) .. ',"period":' .. cjson.encode(w.p) .. ',"epoch":' .. cjson.encode(epoch) .. ',"version":' .. fmt(version)
    redis.call('PUBLISH', p.ch, '{"type":"leaderboard",' .. head .. '}')
    out[#out + 1] = '{' .. head .. ',"entry":' .. entry .. '}'
  end
  return out
end
`;

/**
 * Score writes, optionally fenced (the result pipeline): when `fence` is
 * given, nothing happens unless the applied-seq key still holds
 * `fence.expect`; then the writes, the ratings and the new applied seq land
 * together. Returns {'ok', touched...} or {'stale'}.
 */
export const APPLY_WRITES = script(
  "apply-writes",
  LEADERBOARD_LIB +
    String.raw`
local p = cjson.decode(ARGV[1])
if p.fence then
  local cur = tonumber(redis.call('GET', p.fence.key) or '0')
  if cur ~= p.fence.expect then return { 'stale' } end
end
local out = lb_apply(p)
if p.ratings then
  for _, kv in ipairs(p.ratings.set) do redis.call('HSET', p.ratings.key, kv[1], kv[2]) end
end
if p.fence then redis.call('SET', p.fence.key, fmt(p.fence.next)) end
table.insert(out, 1, 'ok')
return out
`,
);

/** ARGV: base, after-member ('' for the first page), limit → {epoch, version, total, firstRank0 (-1 if none), member, raw, member, raw...} */
export const READ_TOP = script(
  "read-top",
  String.raw`
local base, after, limit = ARGV[1], ARGV[2], tonumber(ARGV[3])
local z = base .. ':z'
local members
if after == '' then members = redis.call('ZRANGE', z, 0, limit - 1)
else members = redis.call('ZRANGE', z, '(' .. after, '+', 'BYLEX', 'LIMIT', 0, limit) end
local meta = redis.call('HMGET', base .. ':m', 'epoch', 'version')
local first = -1
if #members > 0 then first = redis.call('ZRANK', z, members[1]) end
local out = { meta[1] or '', meta[2] or '0', redis.call('ZCARD', z), first }
for _, m in ipairs(members) do
  out[#out + 1] = m
  out[#out + 1] = redis.call('HGET', base .. ':r', string.sub(m, 49))
end
return out
`,
);

/**
 * ARGV: base, sort, owner, limit (0: the owner's record only)
 * → {epoch, version, total, startRank0 (-1 if the owner has no record), raw, raw...}
 */
export const READ_AROUND = script(
  "read-around",
  LEADERBOARD_LIB +
    String.raw`
local base, sort, owner, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local z = base .. ':z'
local meta = redis.call('HMGET', base .. ':m', 'epoch', 'version')
local total = redis.call('ZCARD', z)
local raw = redis.call('HGET', base .. ':r', owner)
if not raw then return { meta[1] or '', meta[2] or '0', total, -1 } end
local rank = redis.call('ZRANK', z, member_of(sort, raw))
if limit == 0 then return { meta[1] or '', meta[2] or '0', total, rank, raw } end
local start = math.max(0, rank - math.floor((limit - 1) / 2))
if start + limit > total then start = math.max(0, total - limit) end
local stop = math.min(total, start + limit) - 1
local out = { meta[1] or '', meta[2] or '0', total, start }
for _, m in ipairs(redis.call('ZRANGE', z, start, stop)) do
  out[#out + 1] = redis.call('HGET', base .. ':r', string.sub(m, 49))
end
return out
`,
);

/** ARGV: base → {epoch, version, total} */
export const READ_STATE = script(
  "read-state",
  String.raw`
local meta = redis.call('HMGET', ARGV[1] .. ':m', 'epoch', 'version')
return { meta[1] or '', meta[2] or '0', redis.call('ZCARD', ARGV[1] .. ':z') }
`,
);

/** ARGV: base, sinceVersion → {epoch ('' if none), version, entries newest first...} (at most version - since entries) */
export const READ_CHANGES = script(
  "read-changes",
  String.raw`
local meta = redis.call('HMGET', ARGV[1] .. ':m', 'epoch', 'version')
if not meta[1] then return { '', '0' } end
local version = tonumber(meta[2] or '0')
local since = tonumber(ARGV[2])
local out = { meta[1], meta[2] or '0' }
if since >= version or since < 0 then return out end
for _, e in ipairs(redis.call('LRANGE', ARGV[1] .. ':h', 0, version - since - 1)) do out[#out + 1] = e end
return out
`,
);

/** ARGV: configsKey, boardId, configJson, channel, revision → 1 created, 0 exists */
export const CREATE_CONFIG = script(
  "create-config",
  String.raw`
if redis.call('HSETNX', ARGV[1], ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[4], '{"type":"leaderboard-config","boardId":' .. cjson.encode(ARGV[2]) .. ',"revision":' .. ARGV[5] .. '}')
return 1
`,
);

/** ARGV: configsKey, boardId, expectedJson, newJson, channel, revision → 1 updated, 0 changed meanwhile (retry) */
export const UPDATE_CONFIG = script(
  "update-config",
  String.raw`
if redis.call('HGET', ARGV[1], ARGV[2]) ~= ARGV[3] then return 0 end
redis.call('HSET', ARGV[1], ARGV[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], '{"type":"leaderboard-config","boardId":' .. cjson.encode(ARGV[2]) .. ',"revision":' .. ARGV[6] .. '}')
return 1
`,
);

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

/** ARGV: key, owner → 1 released, 0 not held by owner (also: the team membership claims) */
export const RELEASE_IF_HELD = script(
  "release-if-held",
  String.raw`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`,
);

/** ARGV: prefix, leagueId, teamId, playerId, teamName ('' for none) → {'created'} | {'same'} | {'conflict', owner} */
export const ASSIGN_ROSTER = script(
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
export const UNASSIGN_ROSTER = script(
  "unassign-roster",
  String.raw`
local removed = redis.call('HDEL', ARGV[1] .. 'roster:' .. ARGV[2] .. ':owners', ARGV[3])
if removed == 1 then redis.call('SREM', ARGV[1] .. 'roster:player:' .. ARGV[3], ARGV[2]) end
return removed
`,
);

/** ARGV: prefix, playerId... → {league, team, player, league, team, player...} */
export const ROSTER_OWNERS = script(
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

/** ARGV: key, token, ttlMs → 1 acquired/renewed, 0 held by someone else */
export const ACQUIRE_LEASE = script(
  "acquire-lease",
  String.raw`
local holder = redis.call('GET', ARGV[1])
if holder and holder ~= ARGV[2] then return 0 end
redis.call('SET', ARGV[1], ARGV[2], 'PX', tonumber(ARGV[3]))
return 1
`,
);

/** ARGV: key, token → 1 released, 0 not ours */
export const RELEASE_LEASE = script(
  "release-lease",
  String.raw`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`,
);
