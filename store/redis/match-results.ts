import type { MatchResult, RecordedMatchResult } from "../../shared/match-result.ts";
import { newEpoch } from "../common/leaderboard-records.ts";
import { clampResultLimit, decodeSeqCursor, differentResultError, encodeSeqCursor, matchLiveError, sameMatchResult } from "../common/match-results.ts";
import type { MatchClaimOutcome, RecordOptions, ResultStore } from "../match-results.ts";
import type { RedisConnection } from "./connection.ts";
import { RELEASE_IF_HELD } from "./lua.ts";
import { CLAIM_MATCH, EXPECT_MATCH, FEED_HEAD, READ_FEED, READ_PLAYER_RESULTS, RECORD_RESULT } from "./match-results-lua.ts";

/**
 * Keys: `result:<id>` (JSON), `results:seq` (counter), `results:feed`
 * (sorted set seq → id), `results:player:<id>` (seq → id), `results:epoch`,
 * `expected:<id>` (with TTL), `claim:<id>` (the live room owning the id, with
 * a TTL the room renews). `record` is one script: the result, its seq,
 * its feed and history entries and the notification land together or not at all.
 */
export class RedisMatchResultStore implements ResultStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #clock: () => number;

  constructor(redis: RedisConnection, keys: { prefix: string; channel: string }, options: { clock?: () => number } = {}) {
    this.#redis = redis;
    this.#prefix = keys.prefix;
    this.#channel = keys.channel;
    this.#clock = options.clock ?? Date.now;
  }

  async record(result: MatchResult, options: RecordOptions = {}): Promise<{ result: RecordedMatchResult; created: boolean }> {
    const json = JSON.stringify({ ...result, recordedAt: new Date(this.#clock()).toISOString() });
    const players = [...new Set(result.players.map((p) => p.playerId))];
    const [outcome, stored] = (await this.#redis.script(RECORD_RESULT, [this.#prefix, result.matchId, json, this.#channel, options.owner ?? "", ...players])) as [number, string];
    if (outcome === 2) throw matchLiveError(result.matchId, stored);
    const recorded = JSON.parse(stored) as RecordedMatchResult;
    if (outcome === 0 && !sameMatchResult(recorded, result)) throw differentResultError(result.matchId);
    return { result: recorded, created: outcome === 1 };
  }

  async claim(matchId: string, owner: string, ttlSeconds: number): Promise<MatchClaimOutcome> {
    return (await this.#redis.script(CLAIM_MATCH, [this.#prefix, matchId, owner, Math.max(1, Math.ceil(ttlSeconds * 1000))])) as MatchClaimOutcome;
  }

  async releaseClaim(matchId: string, owner: string): Promise<void> {
    await this.#redis.script(RELEASE_IF_HELD, [`${this.#prefix}claim:${matchId}`, owner]);
  }

  async get(matchId: string): Promise<RecordedMatchResult | undefined> {
    const json = await this.#redis.run((c) => c.get(`${this.#prefix}result:${matchId}`));
    return json ? (JSON.parse(json) as RecordedMatchResult) : undefined;
  }

  async listByPlayer(playerId: string, options: { limit?: number; cursor?: string } = {}) {
    const limit = clampResultLimit(options.limit);
    const before = options.cursor === undefined ? "+inf" : String(decodeSeqCursor(options.cursor));
    const rows = (await this.#redis.script(READ_PLAYER_RESULTS, [this.#prefix, playerId, before, limit + 1])) as string[];
    const results = rows.slice(0, limit).map((json) => JSON.parse(json) as RecordedMatchResult);
    const more = rows.length > limit;
    return { results, nextCursor: more ? encodeSeqCursor(results[results.length - 1].seq) : null };
  }

  async after(afterSeq: number, limit?: number): Promise<RecordedMatchResult[]> {
    const n = clampResultLimit(limit);
    const rows = (await this.#redis.script(READ_FEED, [this.#prefix, Math.max(0, Math.floor(afterSeq)), n])) as string[];
    return rows.map((json) => JSON.parse(json) as RecordedMatchResult);
  }

  async head(): Promise<{ epoch: string; seq: number }> {
    const [epoch, seq] = (await this.#redis.script(FEED_HEAD, [this.#prefix, newEpoch()])) as [string, string];
    return { epoch, seq: Number(seq) };
  }

  async expect(matchId: string, ttlSeconds: number): Promise<void> {
    await this.#redis.script(EXPECT_MATCH, [this.#prefix, matchId, Math.max(1, Math.ceil(ttlSeconds * 1000))]);
  }

  async isExpected(matchId: string): Promise<boolean> {
    return (await this.#redis.run((c) => c.exists(`${this.#prefix}expected:${matchId}`))) === 1;
  }
}
