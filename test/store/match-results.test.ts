import assert from "node:assert/strict";
import { AppError } from "../../shared/index.ts";
import type { Stores, StoreEvent } from "../../store/index.ts";
import { waitFor } from "../helpers/wait.ts";
import { IMPLEMENTATIONS, makeResult, storeFixture } from "../helpers/store-harness.ts";

for (const impl of IMPLEMENTATIONS) {
  describe(`match result store conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "results");
    let stores: Stores;

    before(async () => {
      stores = await fixture.open();
    });
    after(() => fixture.closeAll());

    it("records once per match id: the same result again is a no-op returning the first; a different one is CONFLICT", async () => {
      const result = makeResult();
      const first = await stores.results.record(result);
      assert.equal(first.created, true);
      assert.equal(first.result.matchId, result.matchId);
      assert.ok(first.result.seq >= 1);
      assert.ok(!Number.isNaN(Date.parse(first.result.recordedAt)));
      // The same content, keys in another order: still the same result.
      const reordered = Object.fromEntries(Object.entries(structuredClone(result)).reverse()) as typeof result;
      const second = await stores.results.record(reordered);
      assert.equal(second.created, false);
      assert.deepEqual(second.result, first.result, "the first record wins");
      const renamed = { ...result, teams: { ...result.teams, home: { ...result.teams.home, name: "Impostors" } } };
      await assert.rejects(stores.results.record(renamed), (error: AppError) => error.code === "CONFLICT" && (error.details as { reason: string }).reason === "DIFFERENT_RESULT");
      assert.deepEqual(await stores.results.get(result.matchId), first.result);
      assert.equal(await stores.results.get("m_neverrecorded"), undefined);
    });

    it("concurrent duplicate records create exactly one", async () => {
      const result = makeResult();
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => stores.results.record(result)));
      assert.equal(outcomes.filter((o) => o.created).length, 1);
      assert.equal(new Set(outcomes.map((o) => o.result.seq)).size, 1);
    });

    it("feeds results in strictly increasing seq order with no holes", async () => {
      const { seq: start, epoch } = await stores.results.head();
      const ids = Array.from({ length: 7 }, () => makeResult().matchId);
      await Promise.all(ids.map((matchId) => stores.results.record(makeResult({ matchId }))));
      const head = await stores.results.head();
      assert.equal(head.epoch, epoch, "the feed epoch is stable");
      assert.equal(head.seq, start + 7);
      const feed = await stores.results.after(start, 100);
      assert.deepEqual(feed.map((r) => r.seq), Array.from({ length: 7 }, (_, i) => start + i + 1));
      assert.deepEqual(new Set(feed.map((r) => r.matchId)), new Set(ids));
      assert.deepEqual((await stores.results.after(start + 5, 100)).map((r) => r.seq), [start + 6, start + 7]);
      assert.deepEqual((await stores.results.after(start, 2)).map((r) => r.seq), [start + 1, start + 2]);
      assert.deepEqual(await stores.results.after(head.seq, 10), []);
    });

    it("lists a player's matches newest first with a cursor", async () => {
      const player = { playerId: `p_hist${impl.name}0001`, name: "Hist", side: "home" as const, stats: { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 } };
      const other = { playerId: "p_opponent000001", name: "Opp", side: "away" as const, stats: { goals: 1, assists: 0, shots: 1, saves: 0, touches: 3 } };
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { result } = await stores.results.record(makeResult({ players: [player, other] }));
        ids.push(result.matchId);
      }
      const first = await stores.results.listByPlayer(player.playerId, { limit: 2 });
      assert.deepEqual(first.results.map((r) => r.matchId), [ids[4], ids[3]]);
      const second = await stores.results.listByPlayer(player.playerId, { limit: 2, cursor: first.nextCursor! });
      assert.deepEqual(second.results.map((r) => r.matchId), [ids[2], ids[1]]);
      const third = await stores.results.listByPlayer(player.playerId, { limit: 2, cursor: second.nextCursor! });
      assert.deepEqual(third.results.map((r) => r.matchId), [ids[0]]);
      assert.equal(third.nextCursor, null);
      assert.deepEqual((await stores.results.listByPlayer("p_nobody00000001")).results, []);
      await assert.rejects(stores.results.listByPlayer(player.playerId, { cursor: "garbage" }), (e: unknown) => e instanceof AppError && e.code === "BAD_CURSOR");
    });

    it("tells an expected match (may still exist) from one that can never exist", async () => {
      const result = makeResult();
      assert.equal(await stores.results.isExpected(result.matchId), false);
      await stores.results.expect(result.matchId, 60);
      assert.equal(await stores.results.isExpected(result.matchId), true);
      await stores.results.record(result);
      assert.equal(await stores.results.isExpected(result.matchId), false, "recorded: it exists now, no longer merely expected");
      await stores.results.expect(result.matchId, 60);
      assert.equal(await stores.results.isExpected(result.matchId), false, "a recorded match is never expected again");
      const shortLived = makeResult().matchId;
      await stores.results.expect(shortLived, 0.15);
      await waitFor(async () => !(await stores.results.isExpected(shortLived)), "the expectation to expire", 5000, 50);
    });

    it("notifies each recorded result with its feed seq (never for a duplicate)", async () => {
      const events: StoreEvent[] = [];
      const unsubscribe = stores.notifications.subscribe((event) => events.push(event));
      try {
        const result = makeResult();
        const { result: recorded } = await stores.results.record(result);
        await stores.results.record(result);
        const second = (await stores.results.record(makeResult())).result;
        await waitFor(() => events.some((e) => e.type === "result" && e.matchId === second.matchId), "the second result's notification");
        const mine = events.filter((e) => e.type === "result" && (e.matchId === recorded.matchId || e.matchId === second.matchId));
        assert.deepEqual(mine, [
          { type: "result", matchId: recorded.matchId, seq: recorded.seq },
          { type: "result", matchId: second.matchId, seq: second.seq },
        ]);
      } finally {
        unsubscribe();
      }
    });
  });
}
