import assert from "node:assert/strict";
import type { StoreEvent, Stores } from "../../store/index.ts";
import { waitFor } from "../helpers/wait.ts";
import { IMPLEMENTATIONS, makeResult, storeFixture } from "../helpers/store-harness.ts";

for (const impl of IMPLEMENTATIONS) {
  describe(`change notifications conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "notify");
    let a: Stores;
    let b: Stores;

    before(async () => {
      a = await fixture.open();
      // Redis: a second process on the same data. Memory has one process.
      b = impl.redisUrl ? await fixture.open() : a;
    });
    after(() => fixture.closeAll());

    it("subscribe/unsubscribe; a throwing listener harms neither the store nor other listeners", async () => {
      const before = a.notifications.listenerCount;
      const seen: StoreEvent[] = [];
      const offBad = a.notifications.subscribe(() => {
        throw new Error("listener bug");
      });
      const offGood = a.notifications.subscribe((event) => seen.push(event));
      assert.equal(a.notifications.listenerCount, before + 2);
      await a.leaderboards.create({ id: "n-throw", operator: "incr" });
      await a.leaderboards.submit("n-throw", [{ ownerId: "x", score: 1 }]);
      await waitFor(() => seen.some((e) => e.type === "leaderboard" && e.boardId === "n-throw"), "the good listener's event");
      offBad();
      offGood();
      assert.equal(a.notifications.listenerCount, before);
    });

    it(`every change reaches ${impl.redisUrl ? "the other process" : "listeners"} with consecutive versions and feed seqs (gaps are detectable)`, async () => {
      const events: StoreEvent[] = [];
      const off = b.notifications.subscribe((event) => events.push(event));
      try {
        await a.leaderboards.create({ id: "n-seq", operator: "incr" });
        // Writers on both processes, interleaved.
        await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).leaderboards.submit("n-seq", [{ ownerId: `o${i % 3}`, score: 1 }])));
        const results = await Promise.all(Array.from({ length: 5 }, (_, i) => (i % 2 ? b : a).results.record(makeResult())));
        await waitFor(() => events.filter((e) => e.type === "leaderboard" && e.boardId === "n-seq").length === 20, "20 board events");
        const versions = events.flatMap((e) => (e.type === "leaderboard" && e.boardId === "n-seq" ? [e.version] : []));
        assert.deepEqual(versions, Array.from({ length: 20 }, (_, i) => i + 1));
        const epochs = new Set(events.flatMap((e) => (e.type === "leaderboard" && e.boardId === "n-seq" ? [e.epoch] : [])));
        assert.equal(epochs.size, 1);
        await waitFor(() => results.every((r) => events.some((e) => e.type === "result" && e.matchId === r.result.matchId)), "every result event");
        const seqs = events.flatMap((e) => (e.type === "result" ? [e.seq] : []));
        assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), "result events arrive in feed order");
      } finally {
        off();
      }
    });
  });
}
