import assert from "node:assert/strict";
import { AppError } from "../../shared/index.ts";
import type { Stores } from "../../store/index.ts";
import { waitFor } from "../helpers/wait.ts";
import { IMPLEMENTATIONS, makeResult, storeFixture } from "../helpers/store-harness.ts";

const reasonOf = (error: unknown) => (error instanceof AppError ? `${error.code}:${(error.details as { reason?: string } | undefined)?.reason}` : String(error));

for (const impl of IMPLEMENTATIONS) {
  describe(`ownership claims conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "claims");
    let a: Stores;
    let b: Stores;
    before(async () => {
      a = await fixture.open();
      // A second process in Redis mode; in memory the claims only have to hold within the process.
      b = impl.redisUrl ? await fixture.open() : a;
    });
    after(() => fixture.closeAll());

    describe("match ids (a live room owns its match's result)", () => {
      it("a claim is the owner's: renewable by it, refused to another room, released only by its owner", async () => {
        const { matchId } = makeResult();
        assert.equal(await a.results.claim(matchId, "roomA", 30), "ok");
        assert.equal(await a.results.claim(matchId, "roomA", 30), "ok", "renewal");
        assert.equal(await b.results.claim(matchId, "roomB", 30), "claimed");
        await b.results.releaseClaim(matchId, "roomB");
        assert.equal(await b.results.claim(matchId, "roomB", 30), "claimed", "a non-owner's release changed nothing");
        await a.results.releaseClaim(matchId, "roomA");
        assert.equal(await b.results.claim(matchId, "roomB", 30), "ok");
      });

      it("while claimed, only the owner records the result (an import or another room: CONFLICT MATCH_LIVE); recording ends the claim", async () => {
        const result = makeResult();
        assert.equal(await a.results.claim(result.matchId, "roomA", 30), "ok");
        await assert.rejects(b.results.record(result), (error) => reasonOf(error) === "CONFLICT:MATCH_LIVE");
        await assert.rejects(b.results.record(result, { owner: "roomB" }), (error) => reasonOf(error) === "CONFLICT:MATCH_LIVE");
        const { created } = await b.results.record(result, { owner: "roomA" });
        assert.equal(created, true);
        assert.equal(await b.results.claim(result.matchId, "roomC", 30), "recorded", "a recorded id can never be claimed again");
      });

      it("a claim expires with its TTL (a crashed room's process): then anyone may claim or import", async () => {
        const result = makeResult();
        assert.equal(await a.results.claim(result.matchId, "roomA", 0.2), "ok");
        await waitFor(async () => (await b.results.claim(result.matchId, "roomB", 30)) === "ok", "the claim's TTL to run out", 5000, 50);
        await b.results.releaseClaim(result.matchId, "roomB");
        assert.equal((await a.results.record(result)).created, true, "an import after the claim is gone");
      });
    });

    describe("team memberships (one team room per player)", () => {
      const team = (roomId: string) => ({ roomId, teamId: `t_${roomId}`, name: `Team ${roomId}`, code: "ABCDE" });

      it("a player is claimed by one team room at a time; the holder renews and releases; another room sees the holder", async () => {
        assert.deepEqual(await a.teamMemberships.claim("p_claimed01", team("roomA"), 30_000), { ok: true });
        assert.deepEqual(await a.teamMemberships.claim("p_claimed01", { ...team("roomA"), name: "Renamed" }, 30_000), { ok: true }, "renewal (with the new name)");
        assert.deepEqual(await b.teamMemberships.claim("p_claimed01", team("roomB"), 30_000), { ok: false, holder: { ...team("roomA"), name: "Renamed" } });
        assert.deepEqual(await b.teamMemberships.holder("p_claimed01"), { ...team("roomA"), name: "Renamed" });
        await b.teamMemberships.release("p_claimed01", "roomB");
        assert.equal((await b.teamMemberships.holder("p_claimed01"))?.roomId, "roomA", "a non-holder's release changed nothing");
        await a.teamMemberships.release("p_claimed01", "roomA");
        assert.equal(await b.teamMemberships.holder("p_claimed01"), undefined);
        assert.deepEqual(await b.teamMemberships.claim("p_claimed01", team("roomB"), 30_000), { ok: true });
      });

      it("a claim expires with its lease (a crashed process's team room)", async () => {
        assert.deepEqual(await a.teamMemberships.claim("p_crashed01", team("roomA"), 200), { ok: true });
        await waitFor(async () => (await b.teamMemberships.claim("p_crashed01", team("roomB"), 30_000)).ok, "the lease to run out", 5000, 50);
      });
    });
  });
}
