import type { MatchmakingStore, QueueTicket } from "../matchmaking.ts";
import type { RedisConnection } from "./connection.ts";
import { ACQUIRE_LEASE, RELEASE_LEASE, luaScript as script } from "./lua.ts";


/** ARGV: queueKey, bodyKey, id, score, json, leaseMs */
const ENQUEUE = script(
  "mm-enqueue",
  String.raw`
redis.call('SET', ARGV[2], ARGV[5], 'PX', tonumber(ARGV[6]))
redis.call('ZADD', ARGV[1], tonumber(ARGV[4]), ARGV[3])
return 1
`,
);

/** ARGV: queueKey, bodyKey, id, leaseMs → 1 renewed, 0 not waiting */
const RENEW_TICKET = script(
  "mm-renew",
  String.raw`
if not redis.call('ZSCORE', ARGV[1], ARGV[3]) then return 0 end
return redis.call('PEXPIRE', ARGV[2], tonumber(ARGV[4]))
`,
);

/** ARGV: queueKey, bodyKey, id → 1 if it was waiting */
const CANCEL = script(
  "mm-cancel",
  String.raw`
local queued = redis.call('ZREM', ARGV[1], ARGV[3])
local body = redis.call('DEL', ARGV[2])
if queued == 1 and body == 1 then return 1 end
return 0
`,
);

/** ARGV: queueKey, bodyKeyPrefix, limit → ticket JSON, oldest first; ids whose body expired are removed. */
const WAITING = script(
  "mm-waiting",
  String.raw`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', ARGV[1], 0, tonumber(ARGV[3]) - 1)) do
  local body = redis.call('GET', ARGV[2] .. id)
  if body then out[#out + 1] = body else redis.call('ZREM', ARGV[1], id) end
end
return out
`,
);

/** ARGV: queueKey, bodyKeyPrefix, id... → 1 claimed (all removed), 0 one was not waiting (nothing removed) */
const CLAIM = script(
  "mm-claim",
  String.raw`
for i = 3, #ARGV do
  if not redis.call('ZSCORE', ARGV[1], ARGV[i]) then return 0 end
  if redis.call('EXISTS', ARGV[2] .. ARGV[i]) == 0 then return 0 end
end
for i = 3, #ARGV do
  redis.call('ZREM', ARGV[1], ARGV[i])
  redis.call('DEL', ARGV[2] .. ARGV[i])
end
return 1
`,
);

/**
 * Keys: `team:code:<code>` (room id, with a lease), `mm:q:<mode>` (sorted
 * set: ticket id by enqueue time), `mm:t:<mode>:<id>` (ticket JSON, with a
 * lease). Every multi-key change is one Lua script (atomic).
 */
export class RedisMatchmakingStore implements MatchmakingStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;

  constructor(redis: RedisConnection, keys: { prefix: string }) {
    this.#redis = redis;
    this.#prefix = keys.prefix;
  }

  async claimCode(code: string, roomId: string, leaseMs: number): Promise<boolean> {
    return (await this.#redis.script(ACQUIRE_LEASE, [this.#codeKey(code), roomId, Math.max(1, Math.round(leaseMs))])) === 1;
  }

  async releaseCode(code: string, roomId: string): Promise<void> {
    await this.#redis.script(RELEASE_LEASE, [this.#codeKey(code), roomId]);
  }

  async lookupCode(code: string): Promise<string | undefined> {
    return (await this.#redis.run((c) => c.get(this.#codeKey(code)))) ?? undefined;
  }

  async enqueue(ticket: QueueTicket, leaseMs: number): Promise<void> {
    await this.#redis.script(ENQUEUE, [this.#queueKey(ticket.mode), this.#bodyKey(ticket.mode, ticket.id), ticket.id, ticket.enqueuedAt, JSON.stringify(ticket), Math.max(1, Math.round(leaseMs))]);
  }

  async renewTicket(mode: string, ticketId: string, leaseMs: number): Promise<boolean> {
    return (await this.#redis.script(RENEW_TICKET, [this.#queueKey(mode), this.#bodyKey(mode, ticketId), ticketId, Math.max(1, Math.round(leaseMs))])) === 1;
  }

  async cancel(mode: string, ticketId: string): Promise<boolean> {
    return (await this.#redis.script(CANCEL, [this.#queueKey(mode), this.#bodyKey(mode, ticketId), ticketId])) === 1;
  }

  async waiting(mode: string, limit: number): Promise<QueueTicket[]> {
    const bodies = (await this.#redis.script(WAITING, [this.#queueKey(mode), this.#bodyKey(mode, ""), limit])) as string[];
    return bodies.map((body) => JSON.parse(body) as QueueTicket);
  }

  async claim(mode: string, ticketIds: string[]): Promise<boolean> {
    if (ticketIds.length === 0 || new Set(ticketIds).size !== ticketIds.length) return false;
    return (await this.#redis.script(CLAIM, [this.#queueKey(mode), this.#bodyKey(mode, ""), ...ticketIds])) === 1;
  }

  #codeKey(code: string): string {
    return `${this.#prefix}team:code:${code}`;
  }

  #queueKey(mode: string): string {
    return `${this.#prefix}mm:q:${mode}`;
  }

  #bodyKey(mode: string, id: string): string {
    return `${this.#prefix}mm:t:${mode}:${id}`;
  }
}
