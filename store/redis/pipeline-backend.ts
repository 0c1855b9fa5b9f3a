import { randomBytes } from "node:crypto";
import type { PipelineBackend, PipelineLease } from "../pipeline.ts";
import type { EffectBatch } from "../../shared/rules/results/effects.ts";
import type { RedisConnection } from "./connection.ts";
import type { RedisLeaderboardStore } from "./leaderboards.ts";
import { ACQUIRE_LEASE, RELEASE_LEASE } from "./lua.ts";

/**
 * Keys: `pipeline:applied` (the fence), `pipeline:lease` (the applier lease,
 * with a TTL so a crashed holder frees it). The commit is ONE Lua script
 * (store/redis/lua.ts APPLY_WRITES): fence check, leaderboard writes,
 * ratings, new applied seq and notifications, all or nothing.
 */
export class RedisPipelineBackend implements PipelineBackend {
  readonly #redis: RedisConnection;
  readonly #appliedKey: string;
  readonly #leaseKey: string;
  readonly #ratingsKey: string;
  readonly #leaderboards: RedisLeaderboardStore;
  readonly #leaseMs: number;
  readonly #clock: () => number;
  /**
   * One lease token per backend (per process), not per acquire: a run cut
   * short by a Redis outage cannot release its lease, and with a fresh token
   * the same process would then wait out the whole TTL before applying the
   * results queued during the outage. Runs in a process never overlap
   * (ResultPipeline serialises them), so re-taking its own lease is safe.
   */
  readonly #token = randomBytes(12).toString("hex");

  constructor(deps: {
    redis: RedisConnection;
    prefix: string;
    leaderboards: RedisLeaderboardStore;
    ratingsKey: string;
    /** Lease TTL: how long a crashed applier blocks the others. @default 15000 */
    leaseMs?: number;
    clock?: () => number;
  }) {
    this.#redis = deps.redis;
    this.#appliedKey = `${deps.prefix}pipeline:applied`;
    this.#leaseKey = `${deps.prefix}pipeline:lease`;
    this.#ratingsKey = deps.ratingsKey;
    this.#leaderboards = deps.leaderboards;
    this.#leaseMs = deps.leaseMs ?? 15_000;
    this.#clock = deps.clock ?? Date.now;
  }

  async appliedSeq(): Promise<number> {
    return Number((await this.#redis.run((c) => c.get(this.#appliedKey))) ?? 0);
  }

  async acquire(): Promise<PipelineLease | undefined> {
    const token = this.#token;
    const take = async () => (await this.#redis.script(ACQUIRE_LEASE, [this.#leaseKey, token, this.#leaseMs])) === 1;
    if (!(await take())) return undefined;
    return {
      renew: take,
      release: async () => {
        await this.#redis.script(RELEASE_LEASE, [this.#leaseKey, token]);
      },
    };
  }

  async commit(expected: number, batch: EffectBatch): Promise<boolean> {
    const configs = await this.#leaderboards.getConfigs([...new Set(batch.writes.map((w) => w.boardId))]);
    const touched = await this.#leaderboards.applyWrites(batch.writes, configs, this.#clock(), {
      fence: { key: this.#appliedKey, expect: expected, next: batch.seq },
      ratings: { key: this.#ratingsKey, set: batch.ratings.map((r) => [r.playerId, JSON.stringify(r)]) },
    });
    return touched !== undefined;
  }
}
