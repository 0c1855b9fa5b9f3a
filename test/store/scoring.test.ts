import assert from "node:assert/strict";
import { FANTASY_SCORING, fantasyPoints } from "../../shared/rules/scoring/fantasy-points.ts";
import { computeEffects } from "../../shared/rules/results/effects.ts";
import { initialRating, rateMatch } from "../../shared/rules/ratings/glicko2.ts";
import { makeResult } from "../helpers/store-harness.ts";

describe("scoring rules (docs/scoring.md)", () => {
  const result = makeResult(); // home 2-1: Ada 2 goals, Bo 1 assist, Cy 1 goal, Di 4 saves

  it("fantasy points follow the documented table (the worked example)", () => {
    const ada = result.players[0];
    const di = result.players[3];
    assert.deepEqual(fantasyPoints(result, ada), { appearance: 1, goals: 20, assists: 0, shots: 3, saves: 0, touches: 2, result: 5, cleanSheet: 0, total: 31 });
    assert.equal(fantasyPoints(result, di).total, 13);
    const shutout = makeResult({ players: [{ ...ada, stats: { ...ada.stats, goals: 1 } }, { ...di, stats: { ...di.stats } }] });
    assert.equal(fantasyPoints(shutout, shutout.players[0]).cleanSheet, FANTASY_SCORING.cleanSheet);
    const draw = makeResult({ players: [{ ...ada, stats: { ...ada.stats, goals: 0 } }, { ...di }] });
    assert.equal(fantasyPoints(draw, draw.players[1]).result, FANTASY_SCORING.draw);
  });

  it("Glicko-2 with a composite opponent: winners gain, losers lose, equal players drawing barely move", () => {
    const rated = new Map(rateMatch(result, new Map()).map((r) => [r.playerId, r]));
    assert.ok(rated.get(result.players[0].playerId)!.rating > 1500);
    assert.ok(rated.get(result.players[3].playerId)!.rating < 1500);
    assert.ok(rated.get(result.players[0].playerId)!.rd < initialRating("x").rd, "playing makes a rating surer");
    const draw = makeResult({ players: [{ ...result.players[0], stats: { ...result.players[0].stats, goals: 0 } }, { ...result.players[3] }] });
    for (const r of rateMatch(draw, new Map())) assert.ok(Math.abs(r.rating - 1500) < 1e-6);
    assert.deepEqual(rateMatch(makeResult({ players: [result.players[0]] }), new Map()), [], "one side empty: nobody is rated");
  });

  it("a result's effects: boards per player, one fantasy write per owning team", () => {
    const recorded = { ...result, seq: 7, recordedAt: "2025-03-05T11:56:00.000Z" };
    const owners = [
      { leagueId: "L1", fantasyTeamId: "t1", playerId: result.players[0].playerId },
      { leagueId: "L1", fantasyTeamId: "t1", playerId: result.players[3].playerId },
      { leagueId: "L2", fantasyTeamId: "t9", playerId: result.players[3].playerId },
    ];
    const batch = computeEffects(recorded, new Map(), owners, new Map([["L1/t1", "Team One"]]));
    assert.equal(batch.seq, 7);
    assert.deepEqual(batch.leagues, ["L1", "L2"]);
    const count = (board: string) => batch.writes.filter((w) => w.boardId === board).length;
    assert.deepEqual(["rating", "rating-weekly", "wins", "wins-weekly", "goals", "goals-weekly"].map(count), [4, 4, 2, 2, 2, 2]);
    assert.deepEqual(batch.writes.filter((w) => w.boardId.startsWith("fantasy-")).map((w) => [w.boardId, w.ownerId, w.name, w.score]), [
      ["fantasy-L1", "t1", "Team One", 44],
      ["fantasy-L2", "t9", undefined, 13],
    ]);
  });
});
