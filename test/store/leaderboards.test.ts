import assert from "node:assert/strict";
import { AppError } from "../../shared/index.ts";
import type { Stores, StoreEvent } from "../../store/index.ts";
import { IMPLEMENTATIONS, storeFixture, TestClock } from "../helpers/store-harness.ts";

const rejectsWith = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected AppError ${code}, got ${error}`);
    assert.equal(error.code, code);
    return true;
  });

const view = (records: { rank: number; ownerId: string; score: number }[]) => records.map((r) => `${r.rank}:${r.ownerId}:${r.score}`);

for (const impl of IMPLEMENTATIONS) {
  describe(`leaderboard store conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "lb");
    const clock = new TestClock();
    let stores: Stores;

    before(async () => {
      stores = await fixture.open({ clock: clock.fn, historyLimit: 4 });
    });
    after(() => fixture.closeAll());

    it("ships the reference boards (rating, wins, goals; all-time and weekly)", async () => {
      const ids = (await stores.leaderboards.list()).map((b) => b.id);
      for (const id of ["rating", "rating-weekly", "wins", "wins-weekly", "goals", "goals-weekly"]) assert.ok(ids.includes(id), id);
      const weekly = await stores.leaderboards.getConfig("wins-weekly");
      assert.equal(weekly?.reset, "weekly");
      assert.equal(weekly?.operator, "incr");
    });

    it("creates, ensures and updates configs; refuses duplicates, sort changes, bad crons and unknown boards", async () => {
      const created = await stores.leaderboards.create({ id: "cfg-a", metadata: { color: "red" } });
      assert.deepEqual([created.sort, created.operator, created.reset, created.title, created.revision], ["desc", "best", null, "cfg-a", 1]);
      await rejectsWith(stores.leaderboards.create({ id: "cfg-a" }), "CONFLICT");
      assert.equal((await stores.leaderboards.ensure({ id: "cfg-a", operator: "set" })).created, false);
      assert.equal((await stores.leaderboards.getConfig("cfg-a"))?.operator, "best", "ensure never changes an existing board");
      const updated = await stores.leaderboards.update("cfg-a", { operator: "incr", reset: "0 */6 * * *", title: "A" });
      assert.deepEqual([updated.operator, updated.reset, updated.title, updated.revision], ["incr", "0 */6 * * *", "A", 2]);
      await rejectsWith(stores.leaderboards.update("cfg-a", { sort: "asc" }), "CONFLICT");
      await rejectsWith(stores.leaderboards.create({ id: "cfg-b", reset: "every tuesday" }), "VALIDATION_FAILED");
      await rejectsWith(stores.leaderboards.create({ id: "bad id!" }), "VALIDATION_FAILED");
      await rejectsWith(stores.leaderboards.update("nope", { title: "x" }), "NOT_FOUND");
      await rejectsWith(stores.leaderboards.top("nope"), "NOT_FOUND");
    });

    it("operators: best (per sort), set, incr, decr floored at 0; subscores follow", async () => {
      await stores.leaderboards.create({ id: "op-best" });
      await stores.leaderboards.create({ id: "op-best-asc", sort: "asc" });
      await stores.leaderboards.create({ id: "op-set", operator: "set" });
      await stores.leaderboards.create({ id: "op-incr", operator: "incr" });
      await stores.leaderboards.create({ id: "op-decr", operator: "decr" });
      const score = async (id: string) => (await stores.leaderboards.record(id, "o1")).record;
      for (const [s, sub] of [[10, 0], [7, 9], [10, 2]]) {
        for (const id of ["op-best", "op-best-asc", "op-set", "op-incr"]) await stores.leaderboards.submit(id, [{ ownerId: "o1", score: s, subscore: sub }]);
      }
      assert.deepEqual([(await score("op-best"))?.score, (await score("op-best"))?.subscore], [10, 2]);
      assert.deepEqual([(await score("op-best-asc"))?.score, (await score("op-best-asc"))?.subscore], [7, 9]);
      assert.deepEqual([(await score("op-set"))?.score, (await score("op-set"))?.subscore], [10, 2]);
      assert.deepEqual([(await score("op-incr"))?.score, (await score("op-incr"))?.subscore], [27, 11]);
      assert.equal((await score("op-best"))?.numScore, 2, "a submission that does not improve a best score changes nothing");
      await stores.leaderboards.submit("op-decr", [{ ownerId: "o1", score: 5 }]);
      assert.equal((await score("op-decr"))?.score, 0, "decr never goes below 0");
      await stores.leaderboards.update("op-decr", { operator: "incr" });
      await stores.leaderboards.submit("op-decr", [{ ownerId: "o1", score: 8 }]);
      await stores.leaderboards.update("op-decr", { operator: "decr" });
      await stores.leaderboards.submit("op-decr", [{ ownerId: "o1", score: 3 }]);
      assert.equal((await score("op-decr"))?.score, 5);
      await rejectsWith(stores.leaderboards.submit("op-set", [{ ownerId: "o1", score: -1 }]), "VALIDATION_FAILED");
      await rejectsWith(stores.leaderboards.submit("op-set", [{ ownerId: "o1", score: 1.5 }]), "VALIDATION_FAILED");
    });

    it("ties rank the owner who got there first higher (not the owner id), and keep that order on no-op submissions", async () => {
      await stores.leaderboards.create({ id: "ties", operator: "best" });
      await stores.leaderboards.submit("ties", [{ ownerId: "zed", score: 50 }]);
      await stores.leaderboards.submit("ties", [{ ownerId: "amy", score: 50 }]);
      await stores.leaderboards.submit("ties", [{ ownerId: "bob", score: 50, subscore: 1 }]);
      await stores.leaderboards.submit("ties", [{ ownerId: "zed", score: 50 }]); // not better: keeps its place
      assert.deepEqual(view((await stores.leaderboards.top("ties")).records), ["1:bob:50", "2:zed:50", "3:amy:50"]);
      await stores.leaderboards.submit("ties", [{ ownerId: "amy", score: 60 }]);
      await stores.leaderboards.update("ties", { operator: "set" });
      await stores.leaderboards.submit("ties", [{ ownerId: "amy", score: 50 }]); // back to 50, now the latest
      assert.deepEqual(view((await stores.leaderboards.top("ties")).records), ["1:bob:50", "2:zed:50", "3:amy:50"]);
      await stores.leaderboards.create({ id: "ties-asc", sort: "asc" });
      await stores.leaderboards.submit("ties-asc", [{ ownerId: "b", score: 30 }, { ownerId: "a", score: 30 }, { ownerId: "c", score: 20 }]);
      assert.deepEqual(view((await stores.leaderboards.top("ties-asc")).records), ["1:c:20", "2:b:30", "3:a:30"]);
    });

    it("pages the top with an opaque keyset cursor; every record exactly once with consecutive ranks", async () => {
      await stores.leaderboards.create({ id: "pages", operator: "set" });
      await stores.leaderboards.submit("pages", Array.from({ length: 25 }, (_, i) => ({ ownerId: `p${String(i).padStart(2, "0")}`, name: `P${i}`, score: (i * 7) % 11 })));
      const seen: string[] = [];
      let cursor: string | undefined;
      let ranks: number[] = [];
      do {
        const page = await stores.leaderboards.top("pages", { limit: 10, cursor });
        assert.equal(page.state.total, 25);
        seen.push(...page.records.map((r) => r.ownerId));
        ranks = ranks.concat(page.records.map((r) => r.rank));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
      assert.deepEqual(ranks, Array.from({ length: 25 }, (_, i) => i + 1));
      const all = (await stores.leaderboards.top("pages", { limit: 100 })).records;
      assert.deepEqual(all.map((r) => r.ownerId), seen);
      assert.ok(all.every((r, i) => i === 0 || all[i - 1].score >= r.score));
      assert.equal((await stores.leaderboards.top("pages", { limit: 100 })).nextCursor, null);
      await rejectsWith(stores.leaderboards.top("pages", { cursor: "not-a-cursor" }), "BAD_CURSOR");
      const other = (await stores.leaderboards.top("pages", { limit: 1 })).nextCursor!;
      await rejectsWith(stores.leaderboards.top("ties", { cursor: other }), "BAD_CURSOR");
      await rejectsWith(stores.leaderboards.top("pages", { limit: 0 }), "VALIDATION_FAILED");
      await rejectsWith(stores.leaderboards.top("pages", { limit: 101 }), "VALIDATION_FAILED");
    });

    it("a player's record and rank, and the around-me window (shifted at the ends)", async () => {
      await stores.leaderboards.create({ id: "around", operator: "set" });
      await stores.leaderboards.submit("around", Array.from({ length: 10 }, (_, i) => ({ ownerId: `r${i}`, score: 100 - i })));
      const { record, state } = await stores.leaderboards.record("around", "r4");
      assert.equal(record?.rank, 5);
      assert.equal(state.total, 10);
      assert.equal((await stores.leaderboards.record("around", "ghost")).record, undefined);
      const ranksAround = async (owner: string, limit: number) => (await stores.leaderboards.around("around", owner, { limit })).records?.map((r) => r.rank);
      assert.deepEqual(await ranksAround("r4", 3), [4, 5, 6]);
      assert.deepEqual(await ranksAround("r4", 4), [4, 5, 6, 7]);
      assert.deepEqual(await ranksAround("r0", 3), [1, 2, 3]);
      assert.deepEqual(await ranksAround("r9", 3), [8, 9, 10]);
      assert.deepEqual(await ranksAround("r5", 20), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal((await stores.leaderboards.around("around", "ghost", { limit: 3 })).records, undefined);
    });

    it("versions every change, replays gaps from bounded history, and says when it cannot", async () => {
      await stores.leaderboards.create({ id: "versions", operator: "incr" });
      const start = await stores.leaderboards.state("versions");
      assert.equal(start.version, 0);
      const first = await stores.leaderboards.submit("versions", [{ ownerId: "a", score: 1 }, { ownerId: "b", score: 2 }]);
      assert.equal(first.state.version, 1, "one version per batch");
      assert.deepEqual(first.changed.map((r) => `${r.rank}:${r.ownerId}`), ["2:a", "1:b"]);
      const noop = await stores.leaderboards.submit("versions", [{ ownerId: "a", score: 0 }]);
      assert.equal(noop.state.version, 1, "a submission that changes nothing bumps nothing");
      for (let i = 0; i < 5; i++) await stores.leaderboards.submit("versions", [{ ownerId: "a", score: 1 }]);
      const { epoch, version, period } = await stores.leaderboards.state("versions");
      assert.equal(version, 6);
      const replay = await stores.leaderboards.changesSince("versions", { period, epoch, version: 4 });
      assert.deepEqual(replay?.changes.map((c) => c.version), [5, 6]);
      assert.deepEqual(replay?.changes.at(-1)?.rows.map((r) => `${r.rank}:${r.ownerId}:${r.score}`), ["1:a:6"]);
      assert.deepEqual((await stores.leaderboards.changesSince("versions", { period, epoch, version: 6 }))?.changes, []);
      assert.equal(await stores.leaderboards.changesSince("versions", { period, epoch, version: 1 }), undefined, "history keeps 4 versions");
      assert.equal(await stores.leaderboards.changesSince("versions", { period, epoch: "otherepoch", version: 5 }), undefined);
      assert.equal(await stores.leaderboards.changesSince("versions", { period, epoch, version: 9 }), undefined);
      // A reader that saw the board before its first write can replay from the start.
      await stores.leaderboards.create({ id: "versions-empty" });
      const empty = await stores.leaderboards.state("versions-empty");
      await stores.leaderboards.submit("versions-empty", [{ ownerId: "x", score: 3 }]);
      const fromEmpty = await stores.leaderboards.changesSince("versions-empty", { period: empty.period, epoch: empty.epoch, version: 0 });
      assert.deepEqual(fromEmpty?.changes.map((c) => c.version), [1]);
    });

    it("resets lazily: a new period starts empty with a new epoch; the past period stays readable", async () => {
      await stores.leaderboards.create({ id: "weekly", operator: "incr", reset: "weekly" });
      await stores.leaderboards.create({ id: "every-6h", operator: "incr", reset: "0 */6 * * *" });
      await stores.leaderboards.submit("weekly", [{ ownerId: "w1", score: 5 }]);
      await stores.leaderboards.submit("every-6h", [{ ownerId: "w1", score: 5 }]);
      const before = await stores.leaderboards.state("weekly");
      assert.equal(before.period, "2025-03-03T00:00:00.000Z", "ISO weeks start on Monday 00:00 UTC");
      assert.equal(before.periodEndsAt, "2025-03-10T00:00:00.000Z");
      assert.equal((await stores.leaderboards.state("every-6h")).period, "2025-03-05T12:00:00.000Z");
      clock.advance(7 * 24 * 3600 * 1000);
      const page = await stores.leaderboards.top("weekly");
      assert.equal(page.state.period, "2025-03-10T00:00:00.000Z");
      assert.deepEqual([page.state.total, page.state.version, page.records.length], [0, 0, 0]);
      await stores.leaderboards.submit("weekly", [{ ownerId: "w1", score: 2 }]);
      const after = await stores.leaderboards.state("weekly");
      assert.equal(after.version, 1);
      assert.notEqual(after.epoch, before.epoch);
      assert.equal((await stores.leaderboards.record("weekly", "w1")).record?.score, 2, "incr starts over in the new period");
      assert.equal((await stores.leaderboards.record("weekly", "w1", { period: "previous" })).record?.score, 5);
      assert.equal((await stores.leaderboards.top("weekly", { period: before.period })).records[0]?.score, 5);
      assert.deepEqual(await stores.leaderboards.periods("weekly"), [after.period, before.period]);
      await rejectsWith(stores.leaderboards.top("weekly", { period: "2099-01-01T00:00:00.000Z" }), "VALIDATION_FAILED");
      await rejectsWith(stores.leaderboards.top("weekly", { period: "yesterday" }), "VALIDATION_FAILED");
      await rejectsWith(stores.leaderboards.top("ties", { period: "2025-03-03T00:00:00.000Z" }), "VALIDATION_FAILED");
    });

    it("notifies every change with its version, and config changes with their revision", async () => {
      const events: StoreEvent[] = [];
      const unsubscribe = stores.notifications.subscribe((event) => events.push(event));
      try {
        await stores.leaderboards.create({ id: "notify", operator: "incr" });
        await stores.leaderboards.submit("notify", [{ ownerId: "n", score: 1 }]);
        await stores.leaderboards.submit("notify", [{ ownerId: "n", score: 1 }]);
        await stores.leaderboards.update("notify", { title: "Notify" });
        const wanted = (e: StoreEvent) => ("boardId" in e ? e.boardId === "notify" : false);
        // Redis delivers through pub/sub: wait for the last one.
        const deadline = Date.now() + 5000;
        while (events.filter(wanted).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        const mine = events.filter(wanted).map((e) => (e.type === "leaderboard" ? `v${e.version}` : e.type === "leaderboard-config" ? `r${e.revision}` : e.type));
        assert.deepEqual(mine, ["r1", "v1", "v2", "r2"]);
      } finally {
        unsubscribe();
      }
    });

    it("keeps scores exact up to 2^53 - 1", async () => {
      await stores.leaderboards.create({ id: "big", operator: "set" });
      const max = Number.MAX_SAFE_INTEGER;
      await stores.leaderboards.submit("big", [{ ownerId: "big1", score: max, subscore: max - 1 }, { ownerId: "big2", score: max - 1 }]);
      const top = (await stores.leaderboards.top("big")).records;
      assert.deepEqual(top.map((r) => [r.ownerId, r.score, r.subscore]), [["big1", max, max - 1], ["big2", max - 1, 0]]);
      await rejectsWith(stores.leaderboards.submit("big", [{ ownerId: "big3", score: max + 1 }]), "VALIDATION_FAILED");
    });

    it("keeps names and metadata with records", async () => {
      await stores.leaderboards.create({ id: "meta", operator: "best" });
      await stores.leaderboards.submit("meta", [{ ownerId: "m1", name: "Émile \"quoted\" / ☃", score: 3, metadata: { club: "Red", n: 1 } }]);
      await stores.leaderboards.submit("meta", [{ ownerId: "m1", score: 4 }]);
      const { record } = await stores.leaderboards.record("meta", "m1");
      assert.equal(record?.name, "Émile \"quoted\" / ☃");
      assert.deepEqual(record?.metadata, { club: "Red", n: 1 });
      assert.equal(record?.score, 4);
    });
  });
}
