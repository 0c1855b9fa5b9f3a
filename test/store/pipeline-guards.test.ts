import assert from "node:assert/strict";
import type { MatchResult } from "../../shared/index.ts";
import type { Stores } from "../../store/index.ts";
import type { ResultStore } from "../../store/match-results.ts";
import { MemoryMatchResultStore } from "../../store/memory/match-results.ts";
import { MemoryLeaderboardStore } from "../../store/memory/leaderboards.ts";
import { MemoryPipelineBackend } from "../../store/memory/pipeline-backend.ts";
import { LocalNotifications } from "../../store/common/local-notifications.ts";
import type { EffectBatch } from "../../shared/rules/results/effects.ts";
import { ResultPipeline } from "../../store/common/result-pipeline.ts";
import { MemoryRatingStore } from "../../store/memory/ratings.ts";
import { REFERENCE_BOARDS } from "../../shared/rules/leaderboards/reference-boards.ts";
import { MemoryRosterStore } from "../../store/memory/rosters.ts";
import { waitFor } from "../helpers/wait.ts";
import { IMPLEMENTATIONS, makeResult, silentLogger, storeFixture } from "../helpers/store-harness.ts";

/**
 * The guards that make the result pipeline apply every recorded result's
 * effects exactly once, one test each, written so that removing the guard
 * makes its test fail (each was checked that way):
 *
 * | guard | where | test |
 * | --- | --- | --- |
 * | fence: a commit whose expected applied seq is stale is refused | redis APPLY_WRITES `cur ~= p.fence.expect`; memory `#applied !== expected` | "fence" (both) |
 * | a run that lost its lease stops before committing | pipeline.ts `lease.renew()` before `commit` | "renew" (redis) |
 * | one applier at a time | redis ACQUIRE_LEASE `holder ~= token`; memory `#held` | "exclusive" (both) |
 * | a lease is released only by its holder | redis RELEASE_LEASE token check | "release" (redis) |
 * | nothing recorded while the lease was held is left behind | pipeline.ts re-check after release | "re-check" (memory) |
 *
 * The result store's own guards (idempotent record, content conflict, match
 * id claims, the outbox's order and dedupe) are in match-results.test.ts,
 * match-claims.test.ts and result-outbox.test.ts.
 */

/** A promise the test opens, and whether the code under test reached it. */
function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  const reached = { value: false };
  return { promise, open, reached };
}

const player = (playerId: string, side: "home" | "away", goals = 0) => ({ playerId, name: playerId.slice(2, 8), side, stats: { goals, assists: 0, shots: goals, saves: 0, touches: 5 } });

/** Wins (score and how many times it changed) and rated matches per player: what "applied once" means. */
async function effectsOf(stores: Pick<Stores, "leaderboards" | "ratings">, result: MatchResult) {
  const out: Record<string, [number, number, number]> = {};
  for (const { playerId } of result.players) {
    const wins = (await stores.leaderboards.record("wins", playerId)).record;
    out[playerId] = [wins?.score ?? 0, wins?.numScore ?? 0, (await stores.ratings.get([playerId])).get(playerId)?.matches ?? 0];
  }
  return out;
}

const once = (result: MatchResult) =>
  Object.fromEntries(result.players.map((p) => [p.playerId, [p.side === result.winner ? 1 : 0, p.side === result.winner ? 1 : 0, 1]]));

const newResult = (tag: string) => makeResult({ players: [player(`p_${tag}home01`, "home", 2), player(`p_${tag}away01`, "away", 1)] });

const redis = IMPLEMENTATIONS.find((impl) => impl.redisUrl)!;

describe("result pipeline guards, each with the test that fails without it (Redis: two stores sharing a key prefix are two processes)", function () {
  this.timeout(30_000);
  let fixture: ReturnType<typeof storeFixture>;
  beforeEach(() => {
    fixture = storeFixture(redis, "guards");
  });
  afterEach(() => fixture.closeAll());

  /** A store whose pipeline stops in beforeCommit at `pause` (once), with the given lease. */
  async function applier(leaseMs: number, pause?: ReturnType<typeof gate>, onCompute?: () => void) {
    let armed = pause;
    return fixture.open({
      pipelineLeaseMs: leaseMs,
      pipelineSweepMs: 3_600_000,
      beforeCommit: async () => {
        onCompute?.();
        const g = armed;
        if (!g) return;
        armed = undefined;
        g.reached.value = true;
        await g.promise;
      },
    });
  }

  it("fence (redis): an applier whose lease expired mid-batch, while another process applied the same result, commits late and is refused; every effect lands once", async () => {
    const pauseA = gate();
    const a = await applier(300, pauseA);
    const b = await applier(300);
    const result = newResult("fence");
    await a.results.record(result);
    await waitFor(() => pauseA.reached.value, "A computed the batch and stopped before its commit");
    // A's lease runs out; B takes over and applies the result.
    await waitFor(async () => (await b.pipeline.process(), (await b.pipeline.status()).pending === 0), "B applying after A's lease expired", 5000, 50);
    assert.equal(b.pipeline.counters.applied, 1);
    // A wakes up: the lease is free again, so its renew succeeds and its stale commit reaches the fence.
    pauseA.open();
    await a.pipeline.process();
    assert.deepEqual([a.pipeline.counters.applied, a.pipeline.counters.stale], [0, 1], "A's late commit was refused by the fence");
    assert.deepEqual(await effectsOf(a, result), once(result));
  });

  it("renew (redis): an applier whose lease another process took does not commit at all; the new holder applies", async () => {
    const pauseA = gate();
    const pauseB = gate();
    const a = await applier(300, pauseA);
    const b = await applier(60_000, pauseB);
    const result = newResult("renew");
    await a.results.record(result);
    await waitFor(() => pauseA.reached.value, "A stopped before its commit");
    await waitFor(() => (b.pipeline.kick(), pauseB.reached.value), "B holding the lease (after A's expired), stopped before its commit", 5000, 50);
    pauseA.open();
    await a.pipeline.process();
    assert.deepEqual([a.pipeline.counters.applied, a.pipeline.counters.stale], [0, 0], "A saw it lost the lease and committed nothing");
    pauseB.open();
    await b.pipeline.process();
    assert.equal(b.pipeline.counters.applied, 1);
    assert.deepEqual(await effectsOf(a, result), once(result));
  });

  it("exclusive (redis): while one process holds the lease another computes nothing", async () => {
    const pauseA = gate();
    let bComputed = 0;
    const a = await applier(60_000, pauseA);
    const b = await applier(60_000, undefined, () => bComputed++);
    const result = newResult("exclusive");
    await a.results.record(result);
    await waitFor(() => pauseA.reached.value, "A holding the lease, stopped before its commit");
    await b.pipeline.process();
    assert.equal(bComputed, 0, "B never got past the lease");
    pauseA.open();
    await a.pipeline.process();
    assert.equal(a.pipeline.counters.applied, 1);
    assert.deepEqual(await effectsOf(a, result), once(result));
  });

  it("release (redis): a process that lost its lease does not release the new holder's", async () => {
    const pauseA = gate();
    const pauseB = gate();
    let cComputed = 0;
    const a = await applier(300, pauseA);
    const b = await applier(60_000, pauseB);
    const c = await applier(60_000, undefined, () => cComputed++);
    const result = newResult("release");
    await a.results.record(result);
    await waitFor(() => pauseA.reached.value, "A stopped before its commit");
    await waitFor(() => (b.pipeline.kick(), pauseB.reached.value), "B holding the lease after A's expired", 5000, 50);
    pauseA.open();
    await a.pipeline.process(); // ends by releasing "its" lease, then looks again
    await c.pipeline.process();
    assert.deepEqual([a.pipeline.counters.applied, cComputed], [0, 0], "B's lease still stands: neither A nor C could take it");
    pauseB.open();
    await b.pipeline.process();
    assert.equal(b.pipeline.counters.applied, 1, "the holder applied");
    assert.deepEqual(await effectsOf(a, result), once(result));
  });
});

describe("result pipeline guards (memory: two pipelines sharing one backend stand for two appliers)", () => {
  async function parts() {
    const notifications = new LocalNotifications();
    const leaderboards = new MemoryLeaderboardStore(notifications);
    for (const board of REFERENCE_BOARDS) await leaderboards.ensure(board);
    const ratings = new MemoryRatingStore();
    const results = new MemoryMatchResultStore({ notifications });
    const backend = new MemoryPipelineBackend({ leaderboards, ratings, notifications });
    const pipeline = (options: { results?: ResultStore; beforeCommit?: (batch: EffectBatch) => void | Promise<void> } = {}) =>
      new ResultPipeline({ backend, results: options.results ?? results, ratings, rosters: new MemoryRosterStore(), leaderboards, logger: silentLogger, beforeCommit: options.beforeCommit });
    return { leaderboards, ratings, results, backend, pipeline };
  }

  it("fence (memory): replaying the commit of a batch already applied is refused; effects land once", async () => {
    const { leaderboards, ratings, results, backend, pipeline } = await parts();
    let batch: EffectBatch | undefined;
    const a = pipeline({ beforeCommit: (b) => void (batch = b) });
    const result = newResult("memfence");
    await results.record(result);
    await a.process();
    assert.equal(await backend.appliedSeq(), 1);
    assert.equal(await backend.commit(0, batch!), false, "a stale expected seq");
    assert.deepEqual(await effectsOf({ leaderboards, ratings }, result), once(result));
  });

  it("exclusive (memory): while one applier holds the lease the other computes nothing", async () => {
    const { leaderboards, ratings, results, pipeline } = await parts();
    const pauseA = gate();
    let bComputed = 0;
    const a = pipeline({
      beforeCommit: async () => {
        pauseA.reached.value = true;
        await pauseA.promise;
      },
    });
    const b = pipeline({ beforeCommit: () => void bComputed++ });
    const result = newResult("memexcl");
    await results.record(result);
    const running = a.process();
    await waitFor(() => pauseA.reached.value, "A holding the lease");
    await b.process();
    assert.equal(bComputed, 0);
    pauseA.open();
    await running;
    assert.deepEqual(await effectsOf({ leaderboards, ratings }, result), once(result));
  });

  it("re-check (memory): a result recorded while another applier held the lease is applied when that applier lets go (no lost wake-up)", async () => {
    const { leaderboards, ratings, results, pipeline } = await parts();
    const quiet = gate();
    let armed = true;
    // A's view of the feed: the first time it finds nothing more, it holds on (still holding the lease) until the test lets go.
    const gatedAfter = async (afterSeq: number, limit?: number) => {
      const page = await results.after(afterSeq, limit);
      if (page.length === 0 && armed) {
        armed = false;
        quiet.reached.value = true;
        await quiet.promise;
      }
      return page;
    };
    const gated = new Proxy(results, {
      get: (target, key) => (key === "after" ? gatedAfter : (Reflect.get(target, key) as unknown as (...args: unknown[]) => unknown).bind(target)),
    }) as ResultStore;
    const a = pipeline({ results: gated });
    const b = pipeline();
    const first = newResult("recheck1");
    await results.record(first);
    const running = a.process();
    await waitFor(() => quiet.reached.value, "A found nothing more, still holding the lease");
    const second = newResult("recheck2");
    await results.record(second);
    await b.process(); // B's kick: the lease is A's, so B leaves it to A
    quiet.open();
    await running;
    assert.equal((await a.status()).pending, 0, "A picked up the result recorded while it held the lease");
    assert.deepEqual(await effectsOf({ leaderboards, ratings }, second), once(second));
  });
});
