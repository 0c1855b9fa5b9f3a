import assert from "node:assert/strict";
import type { ErrorBody, LeaderboardConfig, LeaderboardListResponse, LeaderboardPage, LeaderboardAroundResponse, LeaderboardPlayerResponse, LeagueRostersResponse } from "../../shared/index.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { makeResult } from "../helpers/store-harness.ts";

describe("leaderboard and admin HTTP endpoints (embedded mode)", () => {
  const server = useTestServer();

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const admin = (method: string, path: string, body?: unknown) => call(method, path, body, { "x-admin-key": TEST_ADMIN_KEY });
  const code = (body: unknown) => (body as ErrorBody).error.code;

  it("lists the boards, reference boards included", async () => {
    const { status, body, headers } = await call("GET", "/v1/leaderboards");
    assert.equal(status, 200);
    assert.equal(headers.get("cache-control"), "no-store");
    const ids = (body as LeaderboardListResponse).leaderboards.map((b) => b.id);
    assert.ok(["rating", "wins", "wins-weekly", "goals", "goals-weekly", "rating-weekly"].every((id) => ids.includes(id)));
  });

  it("admin creates and updates boards; validation, conflicts and a missing key are refused", async () => {
    assert.equal((await call("POST", "/v1/admin/leaderboards", { id: "speedrun" })).status, 403);
    assert.equal(code((await call("POST", "/v1/admin/leaderboards", { id: "speedrun" }, { "x-admin-key": "wrong-key-wrong-key" })).body), "FORBIDDEN");
    const created = await admin("POST", "/v1/admin/leaderboards", { id: "speedrun", sort: "asc", operator: "best", title: "Fastest lap", reset: "daily", metadata: { unit: "ms" } });
    assert.equal(created.status, 201);
    assert.deepEqual((({ id, sort, operator, reset, title, metadata }) => ({ id, sort, operator, reset, title, metadata }))(created.body as LeaderboardConfig), {
      id: "speedrun", sort: "asc", operator: "best", reset: "daily", title: "Fastest lap", metadata: { unit: "ms" },
    });
    assert.equal((await admin("POST", "/v1/admin/leaderboards", { id: "speedrun" })).status, 409);
    const invalid = await admin("POST", "/v1/admin/leaderboards", { id: "x", operator: "max" });
    assert.equal(invalid.status, 400);
    assert.equal(code(invalid.body), "VALIDATION_FAILED");
    assert.equal(code((await admin("POST", "/v1/admin/leaderboards", { id: "y", reset: "sometimes" })).body), "VALIDATION_FAILED");
    const patched = await admin("PATCH", "/v1/admin/leaderboards/speedrun", { reset: null, title: "Fastest lap ever" });
    assert.equal(patched.status, 200);
    assert.deepEqual([(patched.body as LeaderboardConfig).reset, (patched.body as LeaderboardConfig).revision], [null, 2]);
    assert.equal((await admin("PATCH", "/v1/admin/leaderboards/speedrun", { sort: "desc" })).status, 409);
    assert.equal((await admin("PATCH", "/v1/admin/leaderboards/nothing-here", { title: "x" })).status, 404);
    assert.equal(code((await admin("PATCH", "/v1/admin/leaderboards/speedrun", {})).body), "VALIDATION_FAILED");
  });

  it("reads top N with a cursor, a player's record and the window around them", async () => {
    const records = Array.from({ length: 12 }, (_, i) => ({ ownerId: `runner${i}`, name: `Runner ${i}`, score: 60_000 + i * 1000 }));
    const written = await admin("POST", "/v1/admin/leaderboards/speedrun/records", { records });
    assert.equal(written.status, 200);
    assert.equal(written.body.changed.length, 12);
    const first = await call("GET", "/v1/leaderboards/speedrun?limit=5");
    assert.equal(first.status, 200);
    const page = first.body as LeaderboardPage;
    assert.deepEqual([page.total, page.version, page.period, page.periodEndsAt], [12, 1, "all", null]);
    assert.deepEqual(page.records.map((r) => r.ownerId), ["runner0", "runner1", "runner2", "runner3", "runner4"]);
    const second = (await call("GET", `/v1/leaderboards/speedrun?limit=5&cursor=${page.nextCursor}`)).body as LeaderboardPage;
    assert.deepEqual(second.records.map((r) => r.rank), [6, 7, 8, 9, 10]);
    const me = await call("GET", "/v1/leaderboards/speedrun/players/runner7");
    assert.equal(me.status, 200);
    assert.deepEqual([(me.body as LeaderboardPlayerResponse).record.rank, (me.body as LeaderboardPlayerResponse).record.score], [8, 67_000]);
    const around = (await call("GET", "/v1/leaderboards/speedrun/around/runner11?limit=3")).body as LeaderboardAroundResponse;
    assert.deepEqual(around.records.map((r) => r.rank), [10, 11, 12]);
    assert.equal(code((await call("GET", "/v1/leaderboards/speedrun/players/nobody")).body), "NOT_FOUND");
    assert.equal((await call("GET", "/v1/leaderboards/speedrun/around/nobody")).status, 404);
  });

  it("answers bad parameters with clear errors", async () => {
    assert.equal(code((await call("GET", "/v1/leaderboards/speedrun?limit=0")).body), "VALIDATION_FAILED");
    assert.equal(code((await call("GET", "/v1/leaderboards/speedrun?limit=101")).body), "VALIDATION_FAILED");
    assert.equal(code((await call("GET", "/v1/leaderboards/speedrun?cursor=nonsense")).body), "BAD_CURSOR");
    assert.equal(code((await call("GET", "/v1/leaderboards/wins-weekly?period=tomorrow")).body), "VALIDATION_FAILED");
    assert.equal(code((await call("GET", "/v1/leaderboards/no-such-board")).body), "NOT_FOUND");
    assert.equal(code((await call("GET", "/v1/leaderboards/bad%20id")).body), "VALIDATION_FAILED");
    assert.equal((await call("GET", "/v1/leaderboards/wins-weekly?period=previous")).status, 200);
  });

  it("no endpoint lets a player write a score", async () => {
    const { token } = await server.guestToken("Cheater");
    for (const [method, path] of [["POST", "/v1/leaderboards/wins"], ["PUT", "/v1/leaderboards/wins"], ["PATCH", "/v1/leaderboards/wins/players/p_aaaaaaaaaaaa"]]) {
      const response = await call(method, path, { score: 999 }, { authorization: `Bearer ${token}` });
      assert.ok([404, 405].includes(response.status), `${method} ${path} → ${response.status}`);
    }
    assert.equal((await call("POST", "/v1/admin/leaderboards/wins/records", { records: [{ ownerId: "x", score: 1 }] }, { authorization: `Bearer ${token}` })).status, 403);
  });

  it("assigns fantasy rosters and records match results through the admin API", async () => {
    const result = makeResult();
    const scorer = result.players[0];
    const assign = (playerId: string, body: unknown) => admin("PUT", `/v1/admin/fantasy/leagues/LH/rosters/${playerId}`, body);
    assert.equal((await assign(scorer.playerId, { fantasyTeamId: "hawks", teamName: "Hawks" })).status, 201);
    assert.equal((await assign(scorer.playerId, { fantasyTeamId: "hawks" })).status, 200);
    assert.equal(code((await assign(scorer.playerId, { fantasyTeamId: "owls" })).body), "CONFLICT");
    assert.equal(code((await assign(scorer.playerId, { team: "owls" })).body), "VALIDATION_FAILED");
    assert.equal((await assign(result.players[2].playerId, { fantasyTeamId: "owls" })).status, 201);
    assert.equal((await assign("p_temporary0001", { fantasyTeamId: "owls" })).status, 201);
    assert.equal((await admin("DELETE", "/v1/admin/fantasy/leagues/LH/rosters/p_temporary0001")).status, 204);
    assert.equal((await admin("DELETE", "/v1/admin/fantasy/leagues/LH/rosters/p_temporary0001")).status, 404);
    const rosters = (await admin("GET", "/v1/admin/fantasy/leagues/LH/rosters")).body as LeagueRostersResponse;
    assert.deepEqual(rosters, {
      leagueId: "LH",
      standingsBoardId: "fantasy-LH",
      teams: [
        { fantasyTeamId: "hawks", name: "Hawks", playerIds: [scorer.playerId] },
        { fantasyTeamId: "owls", name: "owls", playerIds: [result.players[2].playerId] },
      ],
    });

    const bad = await admin("POST", "/v1/admin/match-results", { ...result, winner: "away" });
    assert.equal(code(bad.body), "VALIDATION_FAILED", "the winner must match the score");
    const first = await admin("POST", "/v1/admin/match-results", result);
    assert.equal(first.status, 201);
    assert.deepEqual([first.body.status, first.body.created, first.body.result.matchId], ["recorded", true, result.matchId]);
    const again = await admin("POST", "/v1/admin/match-results", result);
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    await server.server.stores.pipeline.settled();
    // A league's standings are private to the league (and the admin key).
    assert.equal((await call("GET", "/v1/leaderboards/fantasy-LH")).status, 401);
    const standings = (await admin("GET", "/v1/leaderboards/fantasy-LH")).body as LeaderboardPage;
    assert.deepEqual(standings.records.map((r) => r.name), ["Hawks", "owls"]);
    const wins = (await call("GET", `/v1/leaderboards/wins/players/${scorer.playerId}`)).body as LeaderboardPlayerResponse;
    assert.equal(wins.record.score, 1);
  });

  it("/readyz includes the store checks", async () => {
    const { status, body } = await call("GET", "/readyz");
    assert.equal(status, 200);
    assert.deepEqual([body.checks.store.ok, body.checks.outbox.ok], [true, true]);
  });
});
