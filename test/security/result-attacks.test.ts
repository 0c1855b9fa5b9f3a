import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { ResultSubmitter } from "../../rooms/result-submitter.ts";
import { GameState, type MatchResult } from "../../shared/index.ts";
import { RESULT_CLOCK_SKEW_SECONDS } from "../../shared/rules/results/consistency.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { guest, metric, stockClient } from "../helpers/attack-harness.ts";

/**
 * Attacks on match results, one row each (attack → the refusal it must get),
 * through the real server's HTTP API and rooms. A result that cannot have
 * happened is refused wherever it comes from; a recorded result never
 * changes; a live match's result comes from its room only.
 */

type Issue = { path: string; message: string };

const clone = (result: MatchResult): MatchResult => structuredClone(result);
const hours = (n: number) => new Date(Date.now() + n * 3600_000).toISOString();

/** Results that cannot have happened, each with the field its refusal must name. */
const impossible: { attack: string; path: string; make: () => MatchResult }[] = [
  {
    attack: "a player's goals (7) above the team's score (1)",
    path: "teams.home.score",
    make: () => {
      const r = clone(makeResult());
      r.players[0]!.stats.goals = 7;
      r.teams.home.stats.goals = 7;
      r.teams.home.score = 1;
      r.teams.away.score = 1;
      r.winner = "draw";
      return r;
    },
  },
  {
    attack: "a team score with no goals behind it (3, players scored 2, no own goals)",
    path: "teams.home.score",
    make: () => {
      const r = clone(makeResult());
      r.teams.home.score = 3;
      return r;
    },
  },
  {
    attack: "team stats that are not the sum of the players' (shots 99)",
    path: "teams.home.stats.shots",
    make: () => {
      const r = clone(makeResult());
      r.teams.home.stats.shots = 99;
      return r;
    },
  },
  {
    attack: "endedAt before startedAt",
    path: "endedAt",
    make: () => ({ ...clone(makeResult()), startedAt: "2025-03-05T12:00:00.000Z", endedAt: "2025-03-05T11:00:00.000Z" }),
  },
  {
    attack: "endedAt equal to startedAt",
    path: "endedAt",
    make: () => ({ ...clone(makeResult()), startedAt: "2025-03-05T12:00:00.000Z", endedAt: "2025-03-05T12:00:00.000Z" }),
  },
  {
    attack: `a match that ends in the future (beyond the ${RESULT_CLOCK_SKEW_SECONDS} s skew)`,
    path: "endedAt",
    make: () => ({ ...clone(makeResult()), startedAt: hours(-0.1), endedAt: hours(1) }),
  },
  {
    attack: "a match that starts in the future",
    path: "startedAt",
    make: () => ({ ...clone(makeResult()), startedAt: hours(2), endedAt: hours(3) }),
  },
  {
    attack: "mode 1v1 with two players a side",
    path: "players",
    make: () => ({ ...clone(makeResult()), mode: "1v1" }),
  },
  {
    attack: "a mode that is no NvN (2v3)",
    path: "mode",
    make: () => ({ ...clone(makeResult()), mode: "2v3" }),
  },
  {
    attack: "a forfeit won by the side that forfeited",
    path: "winner",
    make: () => ({ ...clone(makeResult()), forfeitedBy: "home", winner: "home" }),
  },
];

describe("security: result attacks → refusals (real server, admin API and rooms)", function () {
  this.timeout(60_000);

  const server = useTestServer();

  const post = (body: unknown) =>
    fetch(`${server.httpUrl}/v1/admin/match-results`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify(body),
    });

  describe("5. results that cannot have happened are refused", () => {
    for (const row of impossible) {
      it(`POST /v1/admin/match-results with ${row.attack} → 400 VALIDATION_FAILED naming ${row.path}; nothing recorded, counted`, async () => {
        const before = await metric(server, "match_results_rejected_total", { reason: "inconsistent", source: "admin" });
        const result = row.make();
        const response = await post(result);
        const body = (await response.json()) as { error: { code: string; details: { issues: Issue[] } } };
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(body.error.code, "VALIDATION_FAILED");
        assert.ok(body.error.details.issues.some((issue) => issue.path === row.path), `issues ${JSON.stringify(body.error.details.issues)} name ${row.path}`);
        assert.equal(await server.server.stores.results.get(result.matchId), undefined, "nothing recorded");
        assert.equal(await metric(server, "match_results_rejected_total", { reason: "inconsistent", source: "admin" }), before + 1);
      });
    }

    it("the same result posted again → 200 created:false; a different result under a recorded id → 409 CONFLICT (DIFFERENT_RESULT), the first stands", async () => {
      const result = makeResult();
      assert.equal((await post(result)).status, 201);
      const again = await post(result);
      assert.equal(again.status, 200);
      assert.equal(((await again.json()) as { created: boolean }).created, false);
      const rewritten = clone(result);
      rewritten.players[2]!.stats.goals += 1;
      rewritten.teams.away.stats.goals += 1;
      rewritten.teams.away.score += 1;
      rewritten.winner = "draw";
      const response = await post(rewritten);
      const body = (await response.json()) as { error: { code: string; details: { reason: string; matchId: string } } };
      assert.equal(response.status, 409, JSON.stringify(body));
      assert.deepEqual([body.error.code, body.error.details.reason, body.error.details.matchId], ["CONFLICT", "DIFFERENT_RESULT", result.matchId]);
      assert.equal((await server.server.stores.results.get(result.matchId))?.winner, "home", "the first record stands");
    });

    it("a room's result that cannot have happened is logged at error level, counted, and not retried (never silently dropped)", async () => {
      const logged: { level: string; msg: string; fields: object }[] = [];
      const log = (level: string) => (fields: object, msg: string) => void logged.push({ level, msg, fields });
      const before = await metric(server, "match_results_rejected_total", { reason: "inconsistent", source: "room" });
      const result = clone(makeResult());
      result.teams.home.score = 9;
      const submitter = new ResultSubmitter({ store: server.server.stores.results, owner: "roomXYZ", logger: { info: log("info"), warn: log("warn"), error: log("error") } });
      await submitter.submit(result);
      assert.equal(submitter.refused?.code, "VALIDATION_FAILED");
      assert.equal(submitter.attempts, 1, "not retried");
      assert.deepEqual(logged.map((l) => [l.level, l.msg]), [["error", "the store refused this room's match result; not retrying"]]);
      assert.equal(await metric(server, "match_results_rejected_total", { reason: "inconsistent", source: "room" }), before + 1);
    });
  });

  describe("1. a live match's result comes from its room only", () => {
    it("an admin import for the match id of a live room → 409 CONFLICT (MATCH_LIVE); the room's own result is then recorded", async () => {
      const [home, away] = [await guest(server, "Home"), await guest(server, "Away")];
      const homeRoom: Room<any, GameState> = await stockClient(server, home.token).create("game", { teamSize: 1, matchSeconds: 1, countdownSeconds: 0, postMatchSeconds: 5 }, GameState);
      await waitFor(() => homeRoom.state.matchId, "the match id in state");
      const matchId = homeRoom.state.matchId;
      const forged = { ...makeResult({ matchId }), mode: "2v2" };
      const response = await post(forged);
      const body = (await response.json()) as { error: { code: string; details: { reason: string; roomId: string } } };
      assert.equal(response.status, 409, JSON.stringify(body));
      assert.deepEqual([body.error.code, body.error.details.reason, body.error.details.roomId], ["CONFLICT", "MATCH_LIVE", homeRoom.roomId]);
      assert.equal(await metric(server, "match_results_rejected_total", { reason: "match-live", source: "admin" }), 1);

      const awayRoom = await stockClient(server, away.token).joinById(homeRoom.roomId, {}, GameState);
      try {
        const recorded = await waitFor(() => server.server.stores.results.get(matchId), "the room's own result", 10_000);
        assert.equal(recorded.mode, "1v1", "the room's result, not the forged one");
        assert.deepEqual(recorded.players.map((p) => p.playerId).sort(), [home.playerId, away.playerId].sort());
      } finally {
        await Promise.all([homeRoom, awayRoom].map((room) => (room.connection.isOpen ? room.leave() : undefined)));
      }
    });
  });
});
