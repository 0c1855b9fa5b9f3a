import assert from "node:assert/strict";
import type { MatchResult } from "../../shared/index.ts";
import { fantasyPoints } from "../../shared/rules/scoring/fantasy-points.ts";
import type { Stores } from "../../store/index.ts";
import { initialRating, rateMatch, type PlayerRating } from "../../shared/rules/ratings/glicko2.ts";
import { IMPLEMENTATIONS, makeResult, storeFixture } from "../helpers/store-harness.ts";

const player = (playerId: string, side: "home" | "away", goals = 0, saves = 0) => ({
  playerId,
  name: playerId.slice(2, 8),
  side,
  stats: { goals, assists: 0, shots: goals, saves, touches: 10 },
});

/** Everything the pipeline writes, read back: the effects counted. */
async function effects(stores: Stores, playerIds: string[], leagueId?: string) {
  const score = async (board: string, owner: string) => (await stores.leaderboards.record(board, owner)).record;
  const out: Record<string, unknown> = {};
  for (const id of playerIds) {
    out[id] = {
      wins: (await score("wins", id))?.score ?? 0,
      winsSubmissions: (await score("wins", id))?.numScore ?? 0,
      winsWeekly: (await score("wins-weekly", id))?.score ?? 0,
      goals: (await score("goals", id))?.score ?? 0,
      goalsWeekly: (await score("goals-weekly", id))?.score ?? 0,
      rating: (await score("rating", id))?.score,
      ratedMatches: (await stores.ratings.get([id])).get(id)?.matches,
    };
  }
  if (leagueId) out.standings = (await stores.leaderboards.top(`fantasy-${leagueId}`, { limit: 100 })).records.map((r) => `${r.ownerId}:${r.score}`);
  return out;
}

for (const impl of IMPLEMENTATIONS) {
  describe(`result pipeline (${impl.name})`, () => {
    // A fresh key prefix per test: no other test's open stores may apply (or miss) these results.
    let fixture: ReturnType<typeof storeFixture>;
    beforeEach(() => {
      fixture = storeFixture(impl, "pipeline");
    });
    afterEach(() => fixture.closeAll());

    it("applies a result to the player boards, Glicko-2 ratings and fantasy standings", async () => {
      const stores = await fixture.open();
      const result = makeResult({ players: [player("p_pa0000000001", "home", 2), player("p_pa0000000002", "home"), player("p_pa0000000003", "away", 1, 3)] });
      await stores.rosters.assign({ leagueId: "LA", fantasyTeamId: "alpha", playerId: "p_pa0000000001", teamName: "Alpha" });
      await stores.rosters.assign({ leagueId: "LA", fantasyTeamId: "alpha", playerId: "p_pa0000000003" });
      await stores.rosters.assign({ leagueId: "LA", fantasyTeamId: "beta", playerId: "p_pa0000000002" });
      const { result: recorded } = await stores.results.record(result);
      await stores.pipeline.settled();
      const expectedRatings = new Map(rateMatch(recorded, new Map()).map((r) => [r.playerId, Math.round(r.rating)]));
      const points = (id: string) => fantasyPoints(result, result.players.find((p) => p.playerId === id)!).total;
      assert.deepEqual(await effects(stores, ["p_pa0000000001", "p_pa0000000002", "p_pa0000000003"], "LA"), {
        p_pa0000000001: { wins: 1, winsSubmissions: 1, winsWeekly: 1, goals: 2, goalsWeekly: 2, rating: expectedRatings.get("p_pa0000000001"), ratedMatches: 1 },
        p_pa0000000002: { wins: 1, winsSubmissions: 1, winsWeekly: 1, goals: 0, goalsWeekly: 0, rating: expectedRatings.get("p_pa0000000002"), ratedMatches: 1 },
        p_pa0000000003: { wins: 0, winsSubmissions: 0, winsWeekly: 0, goals: 1, goalsWeekly: 1, rating: expectedRatings.get("p_pa0000000003"), ratedMatches: 1 },
        standings: [`alpha:${points("p_pa0000000001") + points("p_pa0000000003")}`, `beta:${points("p_pa0000000002")}`].sort(
          (a, b) => Number(b.split(":")[1]) - Number(a.split(":")[1]),
        ),
      });
      assert.ok(expectedRatings.get("p_pa0000000001")! > 1500 && expectedRatings.get("p_pa0000000003")! < 1500, "winners gain, losers lose");
      const standings = (await stores.leaderboards.top("fantasy-LA")).records;
      assert.equal(standings.find((r) => r.ownerId === "alpha")?.name, "Alpha", "the team's name is shown");
    });

    it("applies effects exactly once under concurrent duplicate records" + (impl.redisUrl ? " from two processes" : ""), async () => {
      const a = await fixture.open();
      const b = impl.redisUrl ? await fixture.open() : a;
      const ids = ["p_pb0000000001", "p_pb0000000002", "p_pb0000000003", "p_pb0000000004"];
      const result = makeResult({ players: [player(ids[0], "home", 1), player(ids[1], "home", 2), player(ids[2], "away", 1), player(ids[3], "away")] });
      await a.rosters.assign({ leagueId: "LB", fantasyTeamId: "gamma", playerId: ids[1] });
      const winsBefore = (await a.leaderboards.state("wins")).version;
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).results.record(result)));
      assert.equal(outcomes.filter((o) => o.created).length, 1);
      await Promise.all([a.pipeline.settled(), b.pipeline.settled()]);
      const counted = await effects(b, ids, "LB");
      assert.deepEqual(counted, {
        [ids[0]]: { wins: 1, winsSubmissions: 1, winsWeekly: 1, goals: 1, goalsWeekly: 1, rating: (counted[ids[0]] as { rating: number }).rating, ratedMatches: 1 },
        [ids[1]]: { wins: 1, winsSubmissions: 1, winsWeekly: 1, goals: 2, goalsWeekly: 2, rating: (counted[ids[1]] as { rating: number }).rating, ratedMatches: 1 },
        [ids[2]]: { wins: 0, winsSubmissions: 0, winsWeekly: 0, goals: 1, goalsWeekly: 1, rating: (counted[ids[2]] as { rating: number }).rating, ratedMatches: 1 },
        [ids[3]]: { wins: 0, winsSubmissions: 0, winsWeekly: 0, goals: 0, goalsWeekly: 0, rating: (counted[ids[3]] as { rating: number }).rating, ratedMatches: 1 },
        standings: [`gamma:${fantasyPoints(result, result.players[1]).total}`],
      });
      assert.equal((await a.leaderboards.state("wins")).version, winsBefore + 1, "one version bump on the wins board: one application");
    });

    it("a crash between computing and committing effects loses nothing and applies nothing twice", async () => {
      let crashes = 3;
      const stores = await fixture.open({
        beforeCommit: () => {
          if (crashes-- > 0) throw new Error("simulated crash before the commit");
        },
      });
      const ids = ["p_pc0000000001", "p_pc0000000002"];
      const result = makeResult({ players: [player(ids[0], "home", 3), player(ids[1], "away")] });
      await stores.results.record(result);
      await stores.pipeline.settled();
      assert.ok(stores.pipeline.counters.failures >= 3, "the simulated crashes happened");
      const counted = (await effects(stores, ids)) as Record<string, { wins: number; goals: number; ratedMatches: number }>;
      assert.deepEqual([counted[ids[0]].wins, counted[ids[0]].goals, counted[ids[0]].ratedMatches, counted[ids[1]].ratedMatches], [1, 3, 1, 1]);
    });

    if (impl.redisUrl) {
      it("a process that recorded a result and died before applying it is caught up by another", async () => {
        const dying = await fixture.open({
          beforeCommit: () => {
            throw new Error("this process dies before it applies anything");
          },
        });
        const ids = ["p_pd0000000001", "p_pd0000000002"];
        await dying.results.record(makeResult({ players: [player(ids[0], "home", 1), player(ids[1], "away")] }));
        await dying.close();
        const survivor = await fixture.open();
        await survivor.pipeline.settled();
        const counted = (await effects(survivor, ids)) as Record<string, { wins: number; ratedMatches: number }>;
        assert.deepEqual([counted[ids[0]].wins, counted[ids[0]].ratedMatches, counted[ids[1]].ratedMatches], [1, 1, 1]);
      });
    }

    it("rates matches serially in feed order (each from the ratings the previous one left)" + (impl.redisUrl ? ", across two processes" : ""), async () => {
      const a = await fixture.open();
      const b = impl.redisUrl ? await fixture.open() : a;
      const pool = Array.from({ length: 6 }, (_, i) => `p_pe00000000${String(i).padStart(2, "0")}`);
      const results: MatchResult[] = Array.from({ length: 24 }, (_, i) => {
        const shuffled = [...pool].sort(() => Math.random() - 0.5);
        return makeResult({ players: [player(shuffled[0], "home", i % 3), player(shuffled[1], "home"), player(shuffled[2], "away", (i * 7) % 4), player(shuffled[3], "away")] });
      });
      // Every result recorded twice, concurrently, through both processes.
      await Promise.all(results.flatMap((r) => [a.results.record(r), b.results.record(r)]));
      await Promise.all([a.pipeline.settled(), b.pipeline.settled()]);
      const byId = new Set(results.map((r) => r.matchId));
      const feed = [];
      for (let after = 0; ; ) {
        const page = await a.results.after(after, 100);
        if (page.length === 0) break;
        feed.push(...page.filter((r) => byId.has(r.matchId)));
        after = page[page.length - 1].seq;
      }
      assert.equal(feed.length, results.length);
      const expected = new Map<string, PlayerRating>(pool.map((id) => [id, initialRating(id)]));
      for (const recorded of feed) for (const rating of rateMatch(recorded, expected)) expected.set(rating.playerId, rating);
      const actual = await a.ratings.get(pool);
      for (const id of pool) {
        assert.equal(actual.get(id)!.matches, expected.get(id)!.matches, `${id} rated once per match`);
        assert.ok(Math.abs(actual.get(id)!.rating - expected.get(id)!.rating) < 1e-9, `${id}: ${actual.get(id)!.rating} vs ${expected.get(id)!.rating}`);
      }
      const winsExpected = new Map<string, number>();
      for (const r of results) for (const p of r.players) if (r.winner === p.side) winsExpected.set(p.playerId, (winsExpected.get(p.playerId) ?? 0) + 1);
      for (const id of pool) assert.equal((await a.leaderboards.record("wins", id)).record?.score ?? 0, winsExpected.get(id) ?? 0, `${id} wins`);
    });
  });
}
