import { AppError } from "../shared/errors.ts";
import type { MatchResult, RecordedMatchResult } from "../shared/match-result.ts";
import { newEpoch } from "./leaderboard-rules.ts";
import type { LocalNotifications } from "./notifications.ts";

/**
 * Match results: immutable, idempotent by match id. The game room only
 * depends on `record` (through `Stores.results`, which also runs the effects
 * pipeline and the outbox); readers use the history, the feed and `expect`.
 */
export interface MatchResultStore {
  /**
   * Idempotent by `matchId`: the same result again returns the first record
   * and `created: false`; a different result for a recorded id is refused
   * (CONFLICT, `details.reason: "DIFFERENT_RESULT"`). While a live room
   * holds the id's claim (`claim`), only that room (`options.owner`) may
   * record it (CONFLICT, `details.reason: "MATCH_LIVE"`).
   */
  record(result: MatchResult, options?: RecordOptions): Promise<{ result: RecordedMatchResult; created: boolean }>;
  get(matchId: string): Promise<RecordedMatchResult | undefined>;
}

export interface RecordOptions {
  /** The live room recording its own match (its room id). Unset: an operator's import. */
  owner?: string;
}

/** `ok`: the owner holds the id now; `claimed`: another live room does; `recorded`: its result exists. */
export type MatchClaimOutcome = "ok" | "claimed" | "recorded";

/**
 * Match ids belong to the room that plays them: a game room claims its id
 * when it is created and renews the claim while it runs; the claim expires
 * with a crashed process and is dropped when the result is recorded.
 */
export interface MatchClaims {
  /** Claims `matchId` for `owner` for `ttlSeconds`, or renews the owner's claim. */
  claim(matchId: string, owner: string, ttlSeconds: number): Promise<MatchClaimOutcome>;
  /** Drops the claim if `owner` holds it (a room closing without a result). */
  releaseClaim(matchId: string, owner: string): Promise<void>;
}

/** The full results store (memory and Redis). */
export interface ResultStore extends MatchResultStore, MatchClaims {
  /** A player's matches, newest first. `cursor` is opaque (from `nextCursor`). BAD_CURSOR if malformed. */
  listByPlayer(playerId: string, options?: { limit?: number; cursor?: string }): Promise<{ results: RecordedMatchResult[]; nextCursor: string | null }>;
  /**
   * The results feed: results with `seq > afterSeq`, oldest first, at most
   * `limit` (1..100). Seqs are strictly increasing with no holes, so
   * following `after(last.seq)` yields every result exactly once.
   */
  after(afterSeq: number, limit?: number): Promise<RecordedMatchResult[]>;
  /**
   * The feed's identity and last seq. The epoch changes when the feed starts
   * over (a restarted memory store, a Redis that lost its data): a cursor from
   * another epoch must restart from 0.
   */
  head(): Promise<{ epoch: string; seq: number }>;
  /**
   * Marks a match as scheduled or running for `ttlSeconds` (fractions allowed; rooms call it when
   * a match starts), so a long poll can tell "may still exist" from "can
   * never exist". Recording the result makes it exist for good.
   */
  expect(matchId: string, ttlSeconds: number): Promise<void>;
  /** True while a match is expected (and not yet recorded). */
  isExpected(matchId: string): Promise<boolean>;
}

/** Whether two results say the same thing (key order and the store's `recordedAt`/`seq` aside). */
export function sameMatchResult(a: MatchResult, b: MatchResult): boolean {
  return canonicalJson(resultContent(a)) === canonicalJson(resultContent(b));
}

function resultContent(result: MatchResult): unknown {
  const { recordedAt: _recordedAt, seq: _seq, ...content } = result as Partial<RecordedMatchResult> & MatchResult;
  return content;
}

/** JSON with object keys sorted and `undefined` members dropped. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A second, different result for a recorded match id. */
export function differentResultError(matchId: string): AppError {
  return new AppError("CONFLICT", `Match ${matchId} is already recorded with a different result; a recorded result never changes`, {
    details: { matchId, reason: "DIFFERENT_RESULT" },
  });
}

/** A result for a match id that a live room (not the caller) holds. */
export function matchLiveError(matchId: string, roomId: string): AppError {
  return new AppError("CONFLICT", `Match ${matchId} is being played in room ${roomId}; only that room records its result`, {
    details: { matchId, roomId, reason: "MATCH_LIVE" },
  });
}

export const RESULT_LIST_LIMIT = { default: 20, max: 100 } as const;

export function clampResultLimit(limit: number | undefined): number {
  if (limit === undefined) return RESULT_LIST_LIMIT.default;
  if (!Number.isInteger(limit) || limit < 1 || limit > RESULT_LIST_LIMIT.max) throw new AppError("VALIDATION_FAILED", `limit must be an integer in 1..${RESULT_LIST_LIMIT.max}`);
  return limit;
}

/** History cursors are the seq of the last result seen (opaque to clients). */
export function encodeSeqCursor(seq: number): string {
  return `s${seq.toString(36)}`;
}

export function decodeSeqCursor(cursor: string): number {
  const match = /^s([0-9a-z]{1,11})$/.exec(cursor);
  if (!match) throw new AppError("BAD_CURSOR", "The cursor is malformed");
  return parseInt(match[1], 36);
}

/** The most matches remembered as "expected" at once (bounded memory). */
const EXPECTED_LIMIT = 100_000;

/** The embedded default. */
export class MemoryMatchResultStore implements ResultStore {
  readonly #byId = new Map<string, RecordedMatchResult>();
  readonly #feed: RecordedMatchResult[] = [];
  readonly #byPlayer = new Map<string, RecordedMatchResult[]>();
  readonly #expected = new Map<string, number>();
  readonly #claims = new Map<string, { owner: string; until: number }>();
  readonly #epoch = newEpoch();
  readonly #notifications?: LocalNotifications;
  readonly #clock: () => number;

  constructor(options: { notifications?: LocalNotifications; clock?: () => number } = {}) {
    this.#notifications = options.notifications;
    this.#clock = options.clock ?? Date.now;
  }

  async record(result: MatchResult, options: RecordOptions = {}): Promise<{ result: RecordedMatchResult; created: boolean }> {
    const existing = this.#byId.get(result.matchId);
    if (existing) {
      if (!sameMatchResult(existing, result)) throw differentResultError(result.matchId);
      return { result: structuredClone(existing), created: false };
    }
    const holder = this.#liveClaim(result.matchId);
    if (holder && holder !== options.owner) throw matchLiveError(result.matchId, holder);
    this.#claims.delete(result.matchId);
    const recorded: RecordedMatchResult = structuredClone({ ...result, recordedAt: new Date(this.#clock()).toISOString(), seq: this.#feed.length + 1 });
    this.#byId.set(result.matchId, recorded);
    this.#feed.push(recorded);
    for (const playerId of new Set(result.players.map((p) => p.playerId))) {
      let list = this.#byPlayer.get(playerId);
      if (!list) this.#byPlayer.set(playerId, (list = []));
      list.push(recorded);
    }
    this.#expected.delete(result.matchId);
    this.#notifications?.emit({ type: "result", matchId: recorded.matchId, seq: recorded.seq });
    return { result: structuredClone(recorded), created: true };
  }

  async get(matchId: string): Promise<RecordedMatchResult | undefined> {
    const found = this.#byId.get(matchId);
    return found && structuredClone(found);
  }

  async listByPlayer(playerId: string, options: { limit?: number; cursor?: string } = {}) {
    const limit = clampResultLimit(options.limit);
    const before = options.cursor === undefined ? Infinity : decodeSeqCursor(options.cursor);
    const list = this.#byPlayer.get(playerId) ?? [];
    // Newest first: walk back from the end, skipping seqs at or after the cursor.
    const results: RecordedMatchResult[] = [];
    let i = list.length - 1;
    while (i >= 0 && list[i].seq >= before) i--;
    for (; i >= 0 && results.length < limit; i--) results.push(structuredClone(list[i]));
    const more = i >= 0;
    return { results, nextCursor: more && results.length > 0 ? encodeSeqCursor(results[results.length - 1].seq) : null };
  }

  async after(afterSeq: number, limit?: number): Promise<RecordedMatchResult[]> {
    const n = clampResultLimit(limit);
    const start = Math.max(0, Math.floor(afterSeq));
    return this.#feed.slice(start, start + n).map((r) => structuredClone(r));
  }

  async head(): Promise<{ epoch: string; seq: number }> {
    return { epoch: this.#epoch, seq: this.#feed.length };
  }

  async expect(matchId: string, ttlSeconds: number): Promise<void> {
    if (this.#byId.has(matchId)) return;
    const now = this.#clock();
    if (this.#expected.size >= EXPECTED_LIMIT) {
      for (const [id, until] of this.#expected) if (until <= now) this.#expected.delete(id);
      // Still full: forget the oldest entry (Map keeps insertion order).
      if (this.#expected.size >= EXPECTED_LIMIT) this.#expected.delete(this.#expected.keys().next().value!);
    }
    this.#expected.set(matchId, now + ttlSeconds * 1000);
  }

  async claim(matchId: string, owner: string, ttlSeconds: number): Promise<MatchClaimOutcome> {
    if (this.#byId.has(matchId)) return "recorded";
    const holder = this.#liveClaim(matchId);
    if (holder && holder !== owner) return "claimed";
    this.#claims.set(matchId, { owner, until: this.#clock() + ttlSeconds * 1000 });
    return "ok";
  }

  async releaseClaim(matchId: string, owner: string): Promise<void> {
    if (this.#claims.get(matchId)?.owner === owner) this.#claims.delete(matchId);
  }

  #liveClaim(matchId: string): string | undefined {
    const claim = this.#claims.get(matchId);
    if (claim && claim.until <= this.#clock()) {
      this.#claims.delete(matchId);
      return undefined;
    }
    return claim?.owner;
  }

  async isExpected(matchId: string): Promise<boolean> {
    const until = this.#expected.get(matchId);
    if (until === undefined) return false;
    if (until <= this.#clock()) {
      this.#expected.delete(matchId);
      return false;
    }
    return true;
  }
}
