import type { MatchResult, RecordedMatchResult } from "../shared/match-result.ts";

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

/**
 * Why a result was refused: `inconsistent` (it cannot have happened:
 * shared/rules/results/consistency.ts), `different-result` (its id is
 * recorded with other content), `match-live` (a live room holds its id).
 */
export type ResultRejectionReason = "inconsistent" | "different-result" | "match-live";

export interface ResultRejection {
  reason: ResultRejectionReason;
  source: "room" | "admin";
  matchId: string;
}

export type RecordOutcome = { status: "recorded"; result: RecordedMatchResult; created: boolean } | { status: "queued"; matchId: string };

/** The results store as the rest of the server sees it: writes go through the outbox and kick the pipeline. */
export interface ResultsFront extends ResultStore {
  /** Records now, or answers `queued` when the store is unreachable (the outbox writes it later). */
  recordOrQueue(result: MatchResult, options?: RecordOptions): Promise<RecordOutcome>;
  /** Results waiting in the outbox. */
  readonly pending: number;
}
