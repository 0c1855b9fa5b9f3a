import type { MatchResult, RecordedMatchResult } from "../../shared/match-result.ts";
import { newEpoch } from "../common/leaderboard-records.ts";
import { clampResultLimit, decodeSeqCursor, differentResultError, encodeSeqCursor, matchLiveError, sameMatchResult } from "../common/match-results.ts";
import type { LocalNotifications } from "../common/local-notifications.ts";
import type { MatchClaimOutcome, RecordOptions, ResultStore } from "../match-results.ts";

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
