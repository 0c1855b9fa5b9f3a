import type { DraftBoard } from "../../shared/draft/board.ts";
import { DRAFT_FEED_RETAINED, DRAFT_FEED_TTL_SECONDS } from "../common/draft-feed.ts";
import type { DraftFeed, DraftFeedBoard, DraftFeedEntry } from "../draft-feed.ts";
import type { RedisConnection } from "./connection.ts";
import { luaScript as script } from "./lua.ts";

/**
 * ARGV: listKey, metaKey, channel, entryJSON, boardJSON ('' = none), retained, ttlSeconds, leagueIdJSON → seq.
 * The list holds the newest `retained` entries; the meta hash the last seq and the board.
 */
const APPEND = script(
  "draft-feed-append",
  String.raw`
local seq = redis.call('HINCRBY', ARGV[2], 'last', 1)
redis.call('RPUSH', ARGV[1], ARGV[4])
redis.call('LTRIM', ARGV[1], -tonumber(ARGV[6]), -1)
if ARGV[5] ~= '' then redis.call('HSET', ARGV[2], 'board', ARGV[5], 'boardSeq', seq) end
redis.call('EXPIRE', ARGV[1], ARGV[7])
redis.call('EXPIRE', ARGV[2], ARGV[7])
redis.call('PUBLISH', ARGV[3], '{"type":"draft-feed","leagueId":' .. ARGV[8] .. ',"seq":' .. string.format('%.0f', seq) .. '}')
return seq
`,
);

/** ARGV: metaKey, channel, boardJSON, ttlSeconds, leagueIdJSON → the seq the board is as of. */
const PUT_BOARD = script(
  "draft-feed-board",
  String.raw`
local last = tonumber(redis.call('HGET', ARGV[1], 'last') or '0')
redis.call('HSET', ARGV[1], 'last', string.format('%.0f', last), 'board', ARGV[3], 'boardSeq', string.format('%.0f', last))
redis.call('EXPIRE', ARGV[1], ARGV[4])
redis.call('PUBLISH', ARGV[2], '{"type":"draft-feed","leagueId":' .. ARGV[5] .. ',"seq":' .. string.format('%.0f', last) .. '}')
return last
`,
);

/** ARGV: listKey, metaKey, seq, limit → {last, length, start, entries}: one consistent read. */
const READ_AFTER = script(
  "draft-feed-read",
  String.raw`
local last = tonumber(redis.call('HGET', ARGV[2], 'last') or '0')
local len = redis.call('LLEN', ARGV[1])
local first = last - len + 1
local start = tonumber(ARGV[3]) - first + 1
if start < 0 then start = 0 end
local limit = tonumber(ARGV[4])
local items = {}
if limit > 0 and start < len then items = redis.call('LRANGE', ARGV[1], start, start + limit - 1) end
return { last, len, start, items }
`,
);

/** Per league: a list of the newest entries (`<prefix>draftfeed:<id>`) and a hash with the last seq and the board (`…:meta`). */
export class RedisDraftFeed implements DraftFeed {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #retained: number;
  readonly #clock: () => number;

  constructor(redis: RedisConnection, keys: { prefix: string; channel: string }, options: { clock: () => number; retained?: number }) {
    this.#redis = redis;
    this.#prefix = keys.prefix;
    this.#channel = keys.channel;
    this.#retained = options.retained ?? DRAFT_FEED_RETAINED;
    this.#clock = options.clock;
  }

  #keys(leagueId: string): { list: string; meta: string } {
    const list = `${this.#prefix}draftfeed:${leagueId}`;
    return { list, meta: `${list}:meta` };
  }

  async append(leagueId: string, event: { type: string; data: unknown }, board?: DraftBoard): Promise<number> {
    const { list, meta } = this.#keys(leagueId);
    const entry = JSON.stringify({ type: event.type, data: event.data ?? null, ts: this.#clock() });
    const args = [list, meta, this.#channel, entry, board ? JSON.stringify(board) : "", this.#retained, DRAFT_FEED_TTL_SECONDS, JSON.stringify(leagueId)];
    return Number(await this.#redis.script(APPEND, args));
  }

  async putBoard(leagueId: string, board: DraftBoard): Promise<number> {
    const { meta } = this.#keys(leagueId);
    return Number(await this.#redis.script(PUT_BOARD, [meta, this.#channel, JSON.stringify(board), DRAFT_FEED_TTL_SECONDS, JSON.stringify(leagueId)]));
  }

  async board(leagueId: string): Promise<DraftFeedBoard | undefined> {
    const { meta } = this.#keys(leagueId);
    const [board, seq] = await this.#redis.run((c) => c.hmGet(meta, ["board", "boardSeq"]));
    if (!board) return undefined;
    return { seq: Number(seq ?? 0), board: JSON.parse(board) as DraftBoard };
  }

  async readAfter(leagueId: string, seq: number, limit: number): Promise<{ events: DraftFeedEntry[]; last: number; complete: boolean }> {
    const { list, meta } = this.#keys(leagueId);
    const [last, length, start, items] = (await this.#redis.script(READ_AFTER, [list, meta, seq, limit])) as [number, number, number, string[]];
    const first = Number(last) - Number(length) + 1;
    const events = items.map((item, i) => {
      const entry = JSON.parse(item) as { type: string; data: unknown; ts: number };
      return { seq: first + Number(start) + i, type: entry.type, data: entry.data, ts: entry.ts };
    });
    return { events, last: Number(last), complete: seq >= first - 1 };
  }
}
