import type { MatchResult, RecordedMatchResult } from "../shared/match-result.ts";

/**
 * Match results: immutable, idempotent by match id. The game room only
 * depends on `record`; the stores issue adds the Redis implementation, the
 * per-player history, the ordered feed and the effects pipeline.
 */
export interface MatchResultStore {
  /** Idempotent by `matchId`: a second call returns the first record and `created: false`. */
  record(result: MatchResult): Promise<{ result: RecordedMatchResult; created: boolean }>;
  get(matchId: string): Promise<RecordedMatchResult | undefined>;
}

/** The embedded default. */
export class MemoryMatchResultStore implements MatchResultStore {
  readonly #byId = new Map<string, RecordedMatchResult>();
  #seq = 0;

  async record(result: MatchResult): Promise<{ result: RecordedMatchResult; created: boolean }> {
    const existing = this.#byId.get(result.matchId);
    if (existing) return { result: existing, created: false };
    const recorded: RecordedMatchResult = structuredClone({ ...result, recordedAt: new Date().toISOString(), seq: ++this.#seq });
    this.#byId.set(result.matchId, recorded);
    return { result: recorded, created: true };
  }

  async get(matchId: string): Promise<RecordedMatchResult | undefined> {
    return this.#byId.get(matchId);
  }
}
