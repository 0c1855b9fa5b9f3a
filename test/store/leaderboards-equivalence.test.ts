import assert from "node:assert/strict";
import fc from "fast-check";
import type { LeaderboardOperator, LeaderboardSort } from "../../shared/index.ts";
import type { LeaderboardStore } from "../../store/leaderboards.ts";
import type { Stores } from "../../store/index.ts";
import { IMPLEMENTATIONS, storeFixture, TestClock } from "../helpers/store-harness.ts";

/**
 * The memory store (TypeScript) and the Redis store (Lua) implement the same
 * rules twice; random submission sequences must give identical answers from
 * both: same order, ranks, scores, versions and change history.
 */
describe("leaderboard implementations agree (property: memory ≡ Redis)", function () {
  this.timeout(60_000);
  const memory = storeFixture(IMPLEMENTATIONS[0], "equiv");
  const redis = storeFixture(IMPLEMENTATIONS[1], "equiv");
  const clock = new TestClock();
  let stores: [Stores, Stores];

  before(async () => {
    stores = [await memory.open({ clock: clock.fn, referenceBoards: false }), await redis.open({ clock: clock.fn, referenceBoards: false })];
  });
  after(async () => {
    await memory.closeAll();
    await redis.closeAll();
  });

  const owners = ["ann", "ben", "cat", "dan", "eve", "fay"];
  const write = fc.record({
    ownerId: fc.constantFrom(...owners),
    score: fc.integer({ min: 0, max: 6 }),
    subscore: fc.integer({ min: 0, max: 2 }),
    name: fc.option(fc.constantFrom("A", "Bé", "C\"d"), { nil: undefined }),
  });
  const scenario = fc.record({
    sort: fc.constantFrom<LeaderboardSort>("desc", "asc"),
    operator: fc.constantFrom<LeaderboardOperator>("best", "set", "incr", "decr"),
    batches: fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
  });

  const snapshot = async (store: LeaderboardStore, id: string) => {
    const top = await store.top(id, { limit: 100 });
    const pages: string[] = [];
    for (let cursor: string | undefined; ; ) {
      const page = await store.top(id, { limit: 2, cursor });
      pages.push(...page.records.map((r) => r.ownerId));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const { epoch: _epoch, ...state } = top.state;
    const perOwner = await Promise.all(owners.map(async (o) => [(await store.record(id, o)).record, (await store.around(id, o, { limit: 3 })).records]));
    const history = await store.changesSince(id, { period: top.state.period, epoch: top.state.epoch, version: 0 });
    return { state, records: top.records, pages, perOwner, history: history?.changes };
  };

  let run = 0;
  it("random submission sequences give identical boards, ranks, versions and histories", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ sort, operator, batches }) => {
        const id = `eq-${++run}`;
        for (const s of stores) await s.leaderboards.create({ id, sort, operator });
        for (const batch of batches) {
          clock.advance(1);
          const outcomes = await Promise.all(stores.map((s) => s.leaderboards.submit(id, batch)));
          assert.deepEqual(outcomes[1].changed, outcomes[0].changed);
          assert.equal(outcomes[1].state.version, outcomes[0].state.version);
        }
        const [a, b] = await Promise.all(stores.map((s) => snapshot(s.leaderboards, id)));
        assert.deepEqual(b, a);
      }),
      { numRuns: 40 },
    );
  });
});
