import assert from "node:assert/strict";
import type { QueueTicket, Stores } from "../../store/index.ts";
import { waitFor } from "../helpers/wait.ts";
import { IMPLEMENTATIONS, TestClock, storeFixture } from "../helpers/store-harness.ts";

let n = 0;
function ticket(overrides: Partial<QueueTicket> = {}): QueueTicket {
  n++;
  return { id: `q_s${n}`, mode: "2v2", teamRoomId: `room${n}`, teamId: `t_${n}`, name: `Team ${n}`, players: 2, rating: 1500, enqueuedAt: 1000 + n, ...overrides };
}

for (const impl of IMPLEMENTATIONS) {
  describe(`matchmaking store conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, `mm-${impl.name}`);
    const clock = new TestClock(Date.now());
    let a: Stores;
    let b: Stores;
    before(async () => {
      // Two handles on the same data: two "processes" in Redis mode, one store in memory mode.
      a = await fixture.open(impl.redisUrl ? {} : { clock: clock.fn });
      b = impl.redisUrl ? await fixture.open() : a;
    });
    after(() => fixture.closeAll());

    /** Lets a lease run out: the test clock in memory, real time in Redis. */
    const expire = async (check: () => Promise<boolean>) => {
      if (!impl.redisUrl) clock.advance(60_000);
      await waitFor(check, "the lease to run out", 3000);
    };

    it("a team code belongs to one live room; renewing keeps it, releasing frees it", async () => {
      const code = `C${impl.name.length}AB${n++}`;
      assert.equal(await a.matchmaking.claimCode(code, "roomA", 10_000), true);
      assert.equal(await b.matchmaking.claimCode(code, "roomB", 10_000), false);
      assert.equal(await b.matchmaking.lookupCode(code), "roomA");
      assert.equal(await a.matchmaking.claimCode(code, "roomA", 10_000), true, "renewal");
      await b.matchmaking.releaseCode(code, "roomB");
      assert.equal(await a.matchmaking.lookupCode(code), "roomA", "only the holder releases");
      await a.matchmaking.releaseCode(code, "roomA");
      assert.equal(await a.matchmaking.lookupCode(code), undefined);
      assert.equal(await b.matchmaking.claimCode(code, "roomB", 10_000), true);
    });

    it("a code whose room stopped renewing frees itself", async () => {
      const code = `EXP${n++}`;
      assert.equal(await a.matchmaking.claimCode(code, "roomA", 50), true);
      await expire(async () => (await b.matchmaking.lookupCode(code)) === undefined);
      assert.equal(await b.matchmaking.claimCode(code, "roomB", 10_000), true);
    });

    it("queues tickets oldest first; claim takes all or nothing; cancel and renew tell whether the ticket was still waiting", async () => {
      const mode = `q${n++}`;
      const [t1, t2, t3] = [ticket({ mode, enqueuedAt: 3 }), ticket({ mode, enqueuedAt: 1 }), ticket({ mode, enqueuedAt: 2 })];
      for (const t of [t1!, t2!, t3!]) await a.matchmaking.enqueue(t, 10_000);
      assert.deepEqual((await b.matchmaking.waiting(mode, 10)).map((t) => t.id), [t2!.id, t3!.id, t1!.id]);
      assert.deepEqual(await b.matchmaking.waiting(mode, 10).then((list) => list[0]), t2, "the ticket round-trips");
      assert.equal(await b.matchmaking.claim(mode, [t1!.id, t2!.id]), true);
      assert.equal(await a.matchmaking.claim(mode, [t2!.id, t3!.id]), false, "t2 is taken");
      assert.deepEqual((await a.matchmaking.waiting(mode, 10)).map((t) => t.id), [t3!.id], "t3 untouched by the failed claim");
      assert.equal(await a.matchmaking.renewTicket(mode, t1!.id, 10_000), false, "claimed");
      assert.equal(await a.matchmaking.renewTicket(mode, t3!.id, 10_000), true);
      assert.equal(await a.matchmaking.cancel(mode, t3!.id), true);
      assert.equal(await a.matchmaking.cancel(mode, t3!.id), false);
      assert.deepEqual(await a.matchmaking.waiting(mode, 10), []);
    });

    it("a ticket whose team room stopped renewing leaves the queue", async () => {
      const mode = `x${n++}`;
      const t = ticket({ mode });
      await a.matchmaking.enqueue(t, 50);
      await expire(async () => (await b.matchmaking.waiting(mode, 10)).length === 0);
      assert.equal(await b.matchmaking.claim(mode, [t.id]), false);
    });

    it("two processes claiming overlapping pairs at once: exactly one wins, every time", async () => {
      for (let round = 0; round < 25; round++) {
        const mode = `race${n++}`;
        const [x, y, z] = [ticket({ mode }), ticket({ mode }), ticket({ mode })];
        for (const t of [x!, y!, z!]) await a.matchmaking.enqueue(t, 10_000);
        const outcomes = await Promise.all([a.matchmaking.claim(mode, [x!.id, y!.id]), b.matchmaking.claim(mode, [y!.id, z!.id])]);
        assert.equal(outcomes.filter(Boolean).length, 1, `round ${round}: ${outcomes}`);
        assert.equal((await a.matchmaking.waiting(mode, 10)).length, 1);
      }
    });
  });
}
