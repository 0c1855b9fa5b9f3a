import assert from "node:assert/strict";
import type { Stores } from "../../store/index.ts";
import { IMPLEMENTATIONS, storeFixture, TestClock } from "../helpers/store-harness.ts";

/**
 * Where our leaderboards deliberately differ from Nakama's, pinned (the table
 * in docs/protocol.md, "Where we differ from Nakama", row by row), on both
 * store implementations. Nakama's behaviour as of its server/core_leaderboard.go
 * and internal/cronexpr.
 */

for (const impl of IMPLEMENTATIONS) {
  describe(`leaderboard semantics that differ from Nakama (${impl.name})`, () => {
    const fixture = storeFixture(impl, "nakama-diff");
    const clock = new TestClock(Date.parse("2025-03-05T12:00:00.000Z"));
    let stores: Stores;
    before(async () => {
      stores = await fixture.open({ clock: clock.fn, referenceBoards: false });
    });
    after(() => fixture.closeAll());

    const score = async (boardId: string, ownerId: string) => (await stores.leaderboards.record(boardId, ownerId)).record;

    it("`best` keeps the better (score, subscore) PAIR of one submission; Nakama takes the best score and the best subscore separately", async () => {
      await stores.leaderboards.create({ id: "best-pair", sort: "desc", operator: "best" });
      const submit = (s: number, sub: number) => stores.leaderboards.submit("best-pair", [{ ownerId: "o", score: s, subscore: sub }]);
      await submit(10, 5);
      await submit(10, 7); // same score, better subscore: better
      assert.deepEqual([(await score("best-pair", "o"))!.score, (await score("best-pair", "o"))!.subscore], [10, 7]);
      await submit(9, 99); // a worse score with a bigger subscore is worse: no change (Nakama: 10, 99)
      assert.deepEqual([(await score("best-pair", "o"))!.score, (await score("best-pair", "o"))!.subscore], [10, 7]);
      await submit(11, 0); // a better score takes its own subscore (Nakama: 11, 7)
      assert.deepEqual([(await score("best-pair", "o"))!.score, (await score("best-pair", "o"))!.subscore], [11, 0]);
      assert.equal((await score("best-pair", "o"))!.numScore, 3, "the worse submission changed nothing");
    });

    it("a six-field cron starts with SECONDS (cron-parser); in Nakama the sixth field is a YEAR", async () => {
      // Ours: every day at 12:00:30 UTC. Nakama would read minute 30, hour 0, day-of-month 12: the 12th at 00:30.
      const config = await stores.leaderboards.create({ id: "six-field", reset: "30 0 12 * * *" });
      assert.equal(config.reset, "30 0 12 * * *");
      const state = await stores.leaderboards.state("six-field");
      assert.equal(state.period, "2025-03-04T12:00:30.000Z");
      assert.equal(state.periodEndsAt, "2025-03-05T12:00:30.000Z");
    });

    it("cursor pages show each row's CURRENT rank after a record moves (a gap, never a stale rank); Nakama continues from the rank in the cursor", async () => {
      await stores.leaderboards.create({ id: "cursor-ranks", sort: "desc", operator: "set" });
      await stores.leaderboards.submit("cursor-ranks", [50, 40, 30, 20, 10].map((s, i) => ({ ownerId: `o${i + 1}`, score: s })));
      const first = await stores.leaderboards.top("cursor-ranks", { limit: 2 });
      assert.deepEqual(first.records.map((r) => [r.ownerId, r.rank]), [["o1", 1], ["o2", 2]]);
      // o5 jumps from rank 5 to rank 2, above the end of the page already read.
      await stores.leaderboards.submit("cursor-ranks", [{ ownerId: "o5", score: 45 }]);
      const second = await stores.leaderboards.top("cursor-ranks", { limit: 2, cursor: first.nextCursor! });
      // The page continues after o2 (keyset: no row repeated) with true ranks 4 and 5 (Nakama: 3 and 4).
      assert.deepEqual(second.records.map((r) => [r.ownerId, r.rank]), [["o3", 4], ["o4", 5]]);
      assert.equal(second.nextCursor, null);
    });

    it("ties rank who got there FIRST higher; Nakama orders ties by owner id", async () => {
      await stores.leaderboards.create({ id: "ties", sort: "desc", operator: "best" });
      await stores.leaderboards.submit("ties", [{ ownerId: "zed", score: 10 }]);
      clock.advance(1000);
      await stores.leaderboards.submit("ties", [{ ownerId: "amy", score: 10 }]);
      const page = await stores.leaderboards.top("ties");
      assert.deepEqual(page.records.map((r) => [r.ownerId, r.rank]), [["zed", 1], ["amy", 2]]);
    });
  });
}
