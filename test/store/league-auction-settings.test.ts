import assert from "node:assert/strict";
import { createClient } from "redis";
import { CreateLeagueRequest } from "../../shared/index.ts";
import type { Stores } from "../../store/index.ts";
import { IMPLEMENTATIONS, REDIS_URL, storeFixture } from "../helpers/store-harness.ts";

describe("league store: auction settings", () => {
  for (const impl of IMPLEMENTATIONS) {
    it(`keeps an auction league's budget and clocks (${impl.name})`, async () => {
      const fixture = storeFixture(impl, "league-auction");
      try {
        const stores: Stores = await fixture.open();
        const body = CreateLeagueRequest.parse({ name: "Auction", draftType: "auction", budget: 150, nominationSeconds: 20, bidSeconds: 8 });
        const league = await stores.leagues.create({ ...body, commissionerId: "p_comm" });
        assert.deepEqual([league.draftType, league.budget, league.nominationSeconds, league.bidSeconds], ["auction", 150, 20, 8]);
        assert.deepEqual(await stores.leagues.get(league.id), league);
      } finally {
        await fixture.closeAll();
      }
    });
  }

  it("a league stored before the auction settings existed reads them as their defaults (redis)", async () => {
    const fixture = storeFixture({ name: "redis", redisUrl: REDIS_URL }, "league-legacy");
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const stores = await fixture.open();
      const league = await stores.leagues.create({ ...CreateLeagueRequest.parse({ name: "Old" }), commissionerId: "p_comm" });
      const key = `${fixture.prefix}league:${league.id}`;
      const { budget: _b, nominationSeconds: _n, bidSeconds: _s, ...old } = JSON.parse((await redis.hGet(key, "record"))!);
      await redis.hSet(key, "record", JSON.stringify(old));
      const read = await stores.leagues.get(league.id);
      assert.deepEqual([read?.budget, read?.nominationSeconds, read?.bidSeconds], [200, 30, 10]);
    } finally {
      await redis.quit();
      await fixture.closeAll();
    }
  });
});
