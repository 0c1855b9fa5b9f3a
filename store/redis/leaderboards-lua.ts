import { luaScript as script } from "./lua.ts";

/** The leaderboard store's scripts (store/redis/leaderboards.ts runs them). */

/** Shared by every leaderboard script: mirrors memberKey/applyOperator in shared/rules/leaderboards/ranking.ts. */
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
