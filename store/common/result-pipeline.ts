import type { Logger } from "pino";
import { leagueStandingsBoard } from "../../shared/rules/leaderboards/reference-boards.ts";
import { computeEffects, type EffectBatch } from "../../shared/rules/results/effects.ts";
import type { LeaderboardStore } from "../leaderboards.ts";
import type { ResultStore } from "../match-results.ts";
import type { PipelineBackend, PipelineCounters } from "../pipeline.ts";
import type { RatingStore } from "../ratings.ts";
import type { RosterStore } from "../rosters.ts";

export interface ResultPipelineOptions {
  backend: PipelineBackend;
  results: ResultStore;
  ratings: RatingStore;
  rosters: RosterStore;
  leaderboards: LeaderboardStore;
  logger: Logger;
  /** How often each process checks for results nobody applied (a crashed process, an outage). @default 2000 */
  sweepIntervalMs?: number;
  /**
   * Test hook: runs after a batch is computed and before its commit. Throwing
   * simulates a crash between the two steps.
   */
  beforeCommit?: (batch: EffectBatch) => void | Promise<void>;
}

/**
 * The result pipeline: applies each recorded result's effects (leaderboards,
 * ratings, fantasy standings) exactly once, in feed order. Recording a result
 * only appends it to the feed; `kick()` (after every record) and a periodic
 * sweep run `process()`, which walks the feed from the applied seq.
 * Serial application is what makes ratings correct: each match is rated
 * from the ratings left by the one before it.
 */
export class ResultPipeline {
  readonly counters: PipelineCounters = { applied: 0, stale: 0, failures: 0 };
  readonly #options: ResultPipelineOptions;
  readonly #logger: Logger;
  #running: Promise<void> | null = null;
  #again = false;
  #sweep?: NodeJS.Timeout;
  #stopped = false;

  constructor(options: ResultPipelineOptions) {
    this.#options = options;
    this.#logger = options.logger;
  }

  /** Starts the periodic sweep (and one run now, to finish what a crashed process left). */
  start(): void {
    this.#stopped = false;
    const interval = this.#options.sweepIntervalMs ?? 2000;
    this.#sweep = setInterval(() => this.kick(), interval);
    this.#sweep.unref();
    this.kick();
  }

  /** Stops the sweep and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#sweep);
    await this.#running;
  }

  /** Runs `process()` in the background; errors are logged and left to the sweep. */
  kick(): void {
    if (this.#stopped) return;
    this.process().catch(() => undefined);
  }

  /**
   * Applies every recorded result not applied yet. Concurrent calls in a
   * process share one run (a call during a run schedules one more pass);
   * across processes the lease picks one applier and the fence keeps a
   * late one from applying anything twice.
   */
  process(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      try {
        do {
          this.#again = false;
          if (await this.#pass()) this.#again = true;
        } while (this.#again && !this.#stopped);
      } catch (error) {
        this.counters.failures++;
        this.#logger.warn({ err: error }, "result pipeline run failed; the sweep retries");
        throw error;
      } finally {
        this.#running = null;
      }
    })();
    this.#running = run;
    return run;
  }

  /** Applied and recorded seqs (the pipeline is caught up when they are equal). */
  async status(): Promise<{ appliedSeq: number; headSeq: number; pending: number }> {
    const [appliedSeq, head] = await Promise.all([this.#options.backend.appliedSeq(), this.#options.results.head()]);
    return { appliedSeq, headSeq: head.seq, pending: Math.max(0, head.seq - appliedSeq) };
  }

  /** Resolves once every result recorded so far has its effects applied (tests, drains). */
  async settled(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.process().catch(() => undefined);
      const { pending } = await this.status();
      if (pending === 0) return;
      if (Date.now() > deadline) throw new Error(`result pipeline still has ${pending} result(s) pending after ${timeoutMs} ms`);
      // Another process holds the lease: give it a moment.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** One pass; true if another pass should follow (work may have arrived after the lease was released). */
  async #pass(): Promise<boolean> {
    const { backend, results } = this.#options;
    const [applied, head] = await Promise.all([backend.appliedSeq(), results.head()]);
    if (head.seq <= applied) return false;
    const lease = await backend.acquire();
    // Another process is applying; after it releases it re-checks, so nothing is left behind.
    if (!lease) return false;
    try {
      for (;;) {
        if (this.#stopped) return false;
        const expected = await backend.appliedSeq();
        const [next] = await results.after(expected, 1);
        if (!next) break;
        if (next.seq !== expected + 1) {
          this.#logger.error({ expected: expected + 1, found: next.seq }, "results feed has a hole; skipping to the next result");
        }
        const batch = await this.#compute(next);
        await this.#options.beforeCommit?.(batch);
        if (!(await lease.renew())) return true;
        if (await backend.commit(expected, batch)) {
          this.counters.applied++;
          this.#logger.debug({ matchId: batch.matchId, seq: batch.seq, writes: batch.writes.length }, "result effects applied");
        } else {
          this.counters.stale++;
        }
      }
    } finally {
      await lease.release().catch(() => undefined);
    }
    // Re-check after releasing: a result recorded while we held the lease is ours to apply.
    const [appliedAfter, headAfter] = await Promise.all([backend.appliedSeq(), results.head()]);
    return headAfter.seq > appliedAfter;
  }

  async #compute(result: Awaited<ReturnType<ResultStore["after"]>>[number]): Promise<EffectBatch> {
    const { ratings, rosters, leaderboards } = this.#options;
    const playerIds = result.players.map((p) => p.playerId);
    const [before, owners] = await Promise.all([ratings.get(playerIds), rosters.ownersOf(playerIds)]);
    const teamNames = new Map<string, string>();
    await Promise.all(
      owners.map(async (o) => teamNames.set(`${o.leagueId}/${o.fantasyTeamId}`, await rosters.teamName(o.leagueId, o.fantasyTeamId))),
    );
    const batch = computeEffects(result, before, owners, teamNames);
    // Standings boards are created on demand; idempotent, so harmless if the commit then loses the race.
    for (const leagueId of batch.leagues) await leaderboards.ensure(leagueStandingsBoard(leagueId));
    return batch;
  }
}
