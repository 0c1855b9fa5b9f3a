import assert from "node:assert/strict";
import { initialRating, rateMatch } from "../../shared/rules/ratings/glicko2.ts";
import type { Stores } from "../../store/index.ts";
import { IMPLEMENTATIONS, makeResult, storeFixture } from "../helpers/store-harness.ts";

for (const impl of IMPLEMENTATIONS) {
  describe(`rating store conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "ratings");
    let stores: Stores;

    before(async () => {
      stores = await fixture.open();
    });
    after(() => fixture.closeAll());

    it("players never rated get the initial rating; asking for nobody answers nothing", async () => {
      const got = await stores.ratings.get(["p_unrated0001", "p_unrated0002"]);
      assert.deepEqual([...got], [
        ["p_unrated0001", initialRating("p_unrated0001")],
        ["p_unrated0002", initialRating("p_unrated0002")],
      ]);
      assert.equal((await stores.ratings.get([])).size, 0);
    });

    it("a recorded result rates its players exactly as the rules say (Glicko-2, from their ratings before it)", async () => {
      const first = makeResult();
      await stores.results.record(first);
      await stores.pipeline.settled();
      const ids = first.players.map((p) => p.playerId);
      const afterFirst = new Map(rateMatch(first, new Map()).map((r) => [r.playerId, r]));
      assert.deepEqual(await stores.ratings.get(ids), afterFirst);

      // The second match is rated from the ratings the first left.
      const second = makeResult({ players: first.players.map((p) => ({ ...p, stats: { ...p.stats, goals: p.side === "away" ? 3 : 0 } })) });
      await stores.results.record(second);
      await stores.pipeline.settled();
      const afterSecond = new Map(rateMatch(second, afterFirst).map((r) => [r.playerId, r]));
      const got = await stores.ratings.get(ids);
      assert.deepEqual(got, afterSecond);
      assert.ok([...got.values()].every((r) => r.matches === 2));
    });

    it("answers are copies: changing one changes nothing stored", async () => {
      const id = makeResult().players[0]!.playerId;
      const before = (await stores.ratings.get([id])).get(id)!;
      const copy = { ...before };
      before.rating = -1;
      before.matches = 999;
      assert.deepEqual((await stores.ratings.get([id])).get(id), copy);
    });
  });
}
