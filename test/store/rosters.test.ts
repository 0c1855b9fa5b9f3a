import assert from "node:assert/strict";
import { AppError } from "../../shared/index.ts";
import type { Stores } from "../../store/index.ts";
import { IMPLEMENTATIONS, storeFixture } from "../helpers/store-harness.ts";

for (const impl of IMPLEMENTATIONS) {
  describe(`fantasy roster store conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "rosters");
    let stores: Stores;

    before(async () => {
      stores = await fixture.open();
    });
    after(() => fixture.closeAll());

    it("assigns players to fantasy teams, one owner per player per league", async () => {
      const first = await stores.rosters.assign({ leagueId: "L1", fantasyTeamId: "T1", playerId: "p_aaaaaaaaaa01", teamName: "Tigers" });
      assert.deepEqual(first, { entry: { leagueId: "L1", fantasyTeamId: "T1", playerId: "p_aaaaaaaaaa01" }, created: true });
      assert.equal((await stores.rosters.assign({ leagueId: "L1", fantasyTeamId: "T1", playerId: "p_aaaaaaaaaa01" })).created, false, "idempotent");
      await assert.rejects(
        stores.rosters.assign({ leagueId: "L1", fantasyTeamId: "T2", playerId: "p_aaaaaaaaaa01" }),
        (e: unknown) => e instanceof AppError && e.code === "CONFLICT",
      );
      await stores.rosters.assign({ leagueId: "L1", fantasyTeamId: "T2", playerId: "p_aaaaaaaaaa02" });
      await stores.rosters.assign({ leagueId: "L2", fantasyTeamId: "X9", playerId: "p_aaaaaaaaaa01" });
      assert.deepEqual(await stores.rosters.ownersOf(["p_aaaaaaaaaa01", "p_aaaaaaaaaa02", "p_unowned00001"]), [
        { leagueId: "L1", fantasyTeamId: "T1", playerId: "p_aaaaaaaaaa01" },
        { leagueId: "L2", fantasyTeamId: "X9", playerId: "p_aaaaaaaaaa01" },
        { leagueId: "L1", fantasyTeamId: "T2", playerId: "p_aaaaaaaaaa02" },
      ]);
      assert.deepEqual(await stores.rosters.league("L1"), [
        { fantasyTeamId: "T1", name: "Tigers", playerIds: ["p_aaaaaaaaaa01"] },
        { fantasyTeamId: "T2", name: "T2", playerIds: ["p_aaaaaaaaaa02"] },
      ]);
      assert.equal(await stores.rosters.teamName("L1", "T1"), "Tigers");
      assert.equal(await stores.rosters.teamName("L1", "nobody"), "nobody");
    });

    it("answers each ownership once, however often a player is asked for; nobody asked, nothing answered", async () => {
      await stores.rosters.assign({ leagueId: "L4", fantasyTeamId: "T1", playerId: "p_cccccccccc01" });
      assert.deepEqual(await stores.rosters.ownersOf(["p_cccccccccc01", "p_cccccccccc01"]), [{ leagueId: "L4", fantasyTeamId: "T1", playerId: "p_cccccccccc01" }]);
      assert.deepEqual(await stores.rosters.ownersOf([]), []);
      assert.deepEqual(await stores.rosters.league("L-none"), []);
    });

    it("unassigns, and creates each league's standings board on demand", async () => {
      await stores.rosters.assign({ leagueId: "L3", fantasyTeamId: "T1", playerId: "p_bbbbbbbbbb01" });
      assert.equal((await stores.leaderboards.getConfig("fantasy-L3"))?.operator, "incr");
      assert.equal(await stores.rosters.unassign("L3", "p_bbbbbbbbbb01"), true);
      assert.equal(await stores.rosters.unassign("L3", "p_bbbbbbbbbb01"), false);
      assert.deepEqual(await stores.rosters.ownersOf(["p_bbbbbbbbbb01"]), []);
      await stores.rosters.assign({ leagueId: "L3", fantasyTeamId: "T2", playerId: "p_bbbbbbbbbb01" });
      assert.deepEqual(await stores.rosters.ownersOf(["p_bbbbbbbbbb01"]), [{ leagueId: "L3", fantasyTeamId: "T2", playerId: "p_bbbbbbbbbb01" }]);
    });
  });
}
