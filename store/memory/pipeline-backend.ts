import type { LocalNotifications } from "../common/local-notifications.ts";
import type { PipelineBackend, PipelineLease } from "../pipeline.ts";
import type { EffectBatch } from "../../shared/rules/results/effects.ts";
import type { MemoryRatingStore } from "./ratings.ts";
import type { MemoryLeaderboardStore } from "./leaderboards.ts";

/** One process, so the lease is a flag and the commit is a synchronous block (nothing can interleave). */
export class MemoryPipelineBackend implements PipelineBackend {
  #applied = 0;
  #held = false;
  readonly #leaderboards: MemoryLeaderboardStore;
  readonly #ratings: MemoryRatingStore;
  readonly #notifications: LocalNotifications;
  readonly #clock: () => number;

  constructor(deps: { leaderboards: MemoryLeaderboardStore; ratings: MemoryRatingStore; notifications: LocalNotifications; clock?: () => number }) {
    this.#leaderboards = deps.leaderboards;
    this.#ratings = deps.ratings;
    this.#notifications = deps.notifications;
    this.#clock = deps.clock ?? Date.now;
  }

  async appliedSeq(): Promise<number> {
    return this.#applied;
  }

  async acquire(): Promise<PipelineLease | undefined> {
    if (this.#held) return undefined;
    this.#held = true;
    return {
      renew: async () => this.#held,
      release: async () => {
        this.#held = false;
      },
    };
  }

  async commit(expected: number, batch: EffectBatch): Promise<boolean> {
    if (this.#applied !== expected) return false;
    const { events } = this.#leaderboards.applyWrites(batch.writes, this.#clock());
    this.#ratings.setSync(batch.ratings);
    this.#applied = batch.seq;
    for (const event of events) this.#notifications.emit(event);
    return true;
  }
}
