import assert from "node:assert/strict";
import type { DraftBoard } from "../../shared/index.ts";
import { waitingBoard } from "../../shared/index.ts";
import { DRAFT_FEED_RETAINED, type StoreEvent, type Stores } from "../../store/index.ts";
import { waitFor } from "../helpers/wait.ts";
import { IMPLEMENTATIONS, storeFixture } from "../helpers/store-harness.ts";

const board = (leagueId: string, picks = 0): DraftBoard => ({
  ...waitingBoard({ id: leagueId, name: "L", draftType: "snake", rosterSize: 2, pickSeconds: 30, teams: [{ teamId: "t1", name: "A", managerId: "p1" }] }, 1),
  picks: Array.from({ length: picks }, (_, i) => ({ number: i + 1, round: 1, teamId: "t1", playerId: `p${i}`, playerName: `P${i}`, by: "manager" as const })),
});

for (const impl of IMPLEMENTATIONS) {
  describe(`draft feed conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "draftfeed");
    let a: Stores;
    let b: Stores;

    before(async () => {
      a = await fixture.open({ referenceBoards: false });
      // Redis: a second process on the same data (the room on one, the stream on the other).
      b = impl.redisUrl ? await fixture.open({ referenceBoards: false }) : a;
    });
    after(() => fixture.closeAll());

    it("append answers strictly increasing seqs per league, from 1; readAfter pages them in order", async () => {
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) seqs.push(await a.draftFeed.append("lg_one", { type: "draft.picked", data: { n: i } }));
      assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
      assert.equal(await a.draftFeed.append("lg_two", { type: "draft.clock", data: {} }), 1, "each league counts on its own");
      const page = await b.draftFeed.readAfter("lg_one", 1, 2);
      assert.deepEqual(page.events.map((e) => [e.seq, e.type, (e.data as { n: number }).n]), [[2, "draft.picked", 1], [3, "draft.picked", 2]]);
      assert.equal(page.last, 5);
      assert.equal(page.complete, true);
      const rest = await b.draftFeed.readAfter("lg_one", 3, 100);
      assert.deepEqual(rest.events.map((e) => e.seq), [4, 5]);
      assert.ok(rest.events.every((e) => typeof e.ts === "number"));
      const none = await b.draftFeed.readAfter("lg_unknown", 0, 10);
      assert.deepEqual(none, { events: [], last: 0, complete: true });
    });

    it("the board is stored with the seq it includes, atomically with an append, or as of the last seq", async () => {
      assert.equal(await b.draftFeed.board("lg_b"), undefined);
      assert.equal(await a.draftFeed.putBoard("lg_b", board("lg_b")), 0, "a first board before any event is as of seq 0");
      assert.deepEqual(await b.draftFeed.board("lg_b"), { seq: 0, board: board("lg_b") });
      await a.draftFeed.append("lg_b", { type: "draft.clock", data: {} });
      const seq = await a.draftFeed.append("lg_b", { type: "draft.picked", data: { number: 1 } }, board("lg_b", 1));
      assert.equal(seq, 2);
      const stored = await b.draftFeed.board("lg_b");
      assert.equal(stored?.seq, 2);
      assert.equal(stored?.board.picks.length, 1);
      await a.draftFeed.append("lg_b", { type: "draft.chat", data: {} });
      assert.equal((await a.draftFeed.putBoard("lg_b", board("lg_b", 1))), 3, "putBoard is as of the newest seq");
    });

    it(`retention keeps the newest ${DRAFT_FEED_RETAINED} events; a reader behind them is told its gap is gone`, async function () {
      this.timeout(60_000);
      const total = DRAFT_FEED_RETAINED + 5;
      for (let i = 0; i < total; i += 50) await Promise.all(Array.from({ length: Math.min(50, total - i) }, (_, j) => a.draftFeed.append("lg_ret", { type: "draft.picked", data: { i: i + j } })));
      const behind = await b.draftFeed.readAfter("lg_ret", 2, 10);
      assert.equal(behind.complete, false);
      assert.equal(behind.last, total);
      assert.equal(behind.events[0]?.seq, 6, "the oldest retained event");
      const edge = await b.draftFeed.readAfter("lg_ret", 5, 1);
      assert.equal(edge.complete, true, "just behind the oldest retained event: nothing lost");
      assert.equal(edge.events[0]?.seq, 6);
    });

    it(`every append and board notifies ${impl.redisUrl ? "the other process" : "listeners"} with the league and seq`, async () => {
      const events: StoreEvent[] = [];
      const off = b.notifications.subscribe((e) => events.push(e));
      try {
        await a.draftFeed.append("lg_n", { type: "draft.clock", data: {} });
        await a.draftFeed.append("lg_n", { type: "draft.picked", data: {} });
        await a.draftFeed.putBoard("lg_n", board("lg_n"));
        await waitFor(() => events.filter((e) => e.type === "draft-feed" && e.leagueId === "lg_n").length === 3, "three draft-feed notifications");
        assert.deepEqual(
          events.flatMap((e) => (e.type === "draft-feed" && e.leagueId === "lg_n" ? [e.seq] : [])),
          [1, 2, 2],
        );
      } finally {
        off();
      }
    });
  });
}
