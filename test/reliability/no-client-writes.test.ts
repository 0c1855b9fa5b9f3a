import assert from "node:assert/strict";
import { listRoutes, type RouteInfo } from "../../api/app.ts";
import { ErrorCodes, type ErrorBody, type LeaderboardListResponse, type LeaderboardPage } from "../../shared/index.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { openSeat, type SeatReservation } from "../helpers/raw-join.ts";

/**
 * No endpoint lets a client write a score or a result: only the admin API
 * (X-Admin-Key) and the rooms write them.
 * The routes come from the running app's own middleware stack (every
 * router's layers and every raw mount), so a route added later is tried too.
 * With a valid player token, every non-GET route gets plausible score and
 * result bodies; the leaderboards and the results read before and after must
 * be equal. Admin routes must refuse without the admin key and with a wrong
 * one (403 FORBIDDEN); with the key, a score write does show up (the
 * before/after comparison is able to see a change).
 */

const ADMIN_PREFIX = "/v1/admin/";
const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"];
/** Colyseus's matchmaker methods (its route is `/matchmake/:method/:roomName`). */
const MATCHMAKE_METHODS = ["joinOrCreate", "create", "join", "joinById", "reconnect"];
const ROOM_ID = "{roomId}";

interface Attempt {
  method: string;
  path: string;
  admin: boolean;
}

describe("reliability: no endpoint lets a client write a score or a result", function () {
  this.timeout(30_000);
  let routes: RouteInfo[];
  let token: string;
  let playerId: string;
  let leagueId: string;
  let attempts: Attempt[];

  const send = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: method === "DELETE" && body === undefined ? undefined : JSON.stringify(body ?? {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };

  /** Every board's records and every recorded result, through the public API and the result store. */
  const snapshot = async () => {
    const boards = ((await (await fetch(`${server.httpUrl}/v1/leaderboards`)).json()) as LeaderboardListResponse).leaderboards;
    const scores: Record<string, string[]> = {};
    for (const board of boards) {
      const page = (await (await fetch(`${server.httpUrl}/v1/leaderboards/${board.id}?limit=100`)).json()) as LeaderboardPage;
      // A board created empty (a new league's standings) is not a score.
      if (page.records.length > 0) scores[board.id] = page.records.map((r) => `${r.ownerId}=${r.score}/${r.subscore}#${r.numScore}`);
    }
    const head = await server.server.stores.results.head();
    const mine = await (await fetch(`${server.httpUrl}/v1/players/${playerId}/matches`, { headers: { authorization: `Bearer ${token}` } })).json();
    return { scores, resultSeq: head.seq, mine };
  };

  /** Plausible "give me points" bodies: the admin API's own shapes, a full match result naming the caller the winner, loose score fields. */
  const bodies = () => {
    const winning = makeResult({
      players: [
        { playerId, name: "Cheater", side: "home", stats: { goals: 99, assists: 0, shots: 99, saves: 0, touches: 99 } },
        { playerId: "p_victim000001", name: "Victim", side: "away", stats: { goals: 0, assists: 0, shots: 0, saves: 0, touches: 1 } },
      ],
    });
    return [
      { records: [{ ownerId: playerId, score: 1_000_000, name: "Cheater" }] },
      winning,
      { result: winning },
      { matchId: winning.matchId, winner: "home", score: 99, goals: 99, playerId },
      { boardId: "goals", ownerId: playerId, playerId, score: 1_000_000, rating: 3000 },
      {},
    ];
  };

  /** Fills `:name` parameters with ids that exist, so a route gets past its 404s. */
  const fill = (path: string) =>
    path
      .replace(/:leagueId\b/g, leagueId)
      .replace(/:playerId\b/g, playerId)
      .replace(/:id\b/g, path.includes("/leagues") ? leagueId : path.includes("/matches") ? "m_anything00001" : "goals");

  const server = useTestServer();
  before(async () => {
    ({ token, playerId } = await server.guestToken("Cheater"));
    // A score of the caller's that a write would change, and a league of theirs.
    const seeded = await send("POST", "/v1/admin/leaderboards/goals/records", { records: [{ ownerId: playerId, score: 3, name: "Cheater" }] }, { "x-admin-key": TEST_ADMIN_KEY });
    assert.equal(seeded.status, 200, seeded.text);
    const league = await send("POST", "/v1/leagues", { name: "Cheaters", teamName: "Mine" }, { authorization: `Bearer ${token}` });
    assert.equal(league.status, 201, league.text);
    leagueId = (league.json as { id: string }).id;

    routes = listRoutes(server.server.api);
    attempts = [];
    for (const route of routes) {
      if (route.mount) {
        // joinById and reconnect target a room by id: the one the create attempts opened.
        for (const method of MATCHMAKE_METHODS) attempts.push({ method: "POST", path: `${route.path}${method}/${method === "joinById" || method === "reconnect" ? ROOM_ID : "game"}`, admin: false });
        continue;
      }
      for (const method of route.methods.filter((m) => WRITE_METHODS.includes(m))) {
        attempts.push({ method, path: fill(route.path), admin: route.path.startsWith(ADMIN_PREFIX) });
      }
    }
  });

  it("finds every write route from the app itself (the known ones among them)", () => {
    const seen = new Set(routes.flatMap((r) => (r.mount ? [`* ${r.path}`] : r.methods.map((m) => `${m} ${r.path}`))));
    for (const known of [
      "POST /v1/admin/leaderboards/:id/records",
      "POST /v1/admin/match-results",
      "PUT /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId",
      "POST /v1/leagues/join",
      "POST /v1/auth/guest",
      "GET /v1/leaderboards/:id/stream",
      "* /matchmake/",
    ]) {
      assert.ok(seen.has(known), `${known} is missing from ${[...seen].join(", ")}`);
    }
    assert.ok(attempts.filter((a) => a.admin).length >= 6, "the admin write routes are all there");
  });

  it("with a player token, no non-GET route changes a leaderboard or a result", async () => {
    const before = await snapshot();
    const tried: string[] = [];
    let roomId = "no-room-yet";
    for (const attempt of attempts) {
      for (const body of bodies()) {
        const path = attempt.path.replace(ROOM_ID, roomId);
        const answer = await send(attempt.method, path, body, { authorization: `Bearer ${token}` });
        tried.push(`${attempt.method} ${path} → ${answer.status}`);
        const seat = answer.json as { roomId?: string; processId?: string; sessionId?: string } | undefined;
        if (answer.status === 200 && seat?.roomId && seat.sessionId) {
          roomId = seat.roomId;
          // Take the seat like a client (with the same options) and leave.
          const taken = await openSeat(server, token, seat as SeatReservation);
          await taken.leave();
        }
        assert.notEqual(answer.status, 500, `${attempt.method} ${attempt.path}: ${answer.text}`);
        if (attempt.admin) {
          assert.equal(answer.status, 403, `${attempt.method} ${attempt.path} with a player token`);
          assert.equal((answer.json as ErrorBody).error.code, "FORBIDDEN");
        }
      }
    }
    if (process.env.SHOW_TRIED) console.log(tried.join("\n"));
    assert.deepEqual(await snapshot(), before, `tried:\n${tried.join("\n")}`);
  });

  it("admin routes refuse a missing and a wrong X-Admin-Key with the documented 403 FORBIDDEN", async () => {
    assert.equal(ErrorCodes.FORBIDDEN.status, 403);
    const before = await snapshot();
    for (const attempt of attempts.filter((a) => a.admin)) {
      for (const headers of [{}, { "x-admin-key": "wrong-admin-key-0123456789" }, { "x-admin-key": TEST_ADMIN_KEY.slice(0, -1) }, { "x-admin-key": `${TEST_ADMIN_KEY}x` }] as Record<string, string>[]) {
        const answer = await send(attempt.method, attempt.path, bodies()[0], headers);
        assert.equal(answer.status, 403, `${attempt.method} ${attempt.path} ${JSON.stringify(headers)}: ${answer.text}`);
        assert.equal((answer.json as ErrorBody).error.code, "FORBIDDEN");
      }
    }
    // GET admin routes too (rosters are not public).
    for (const route of routes.filter((r) => r.path.startsWith(ADMIN_PREFIX) && r.methods.includes("GET"))) {
      const answer = await fetch(`${server.httpUrl}${fill(route.path)}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(answer.status, 403, route.path);
      await answer.body?.cancel();
    }
    assert.deepEqual(await snapshot(), before);
  });

  it("with the admin key a score write does change the snapshot (the comparison can see a write)", async () => {
    const before = await snapshot();
    const answer = await send("POST", "/v1/admin/leaderboards/goals/records", { records: [{ ownerId: playerId, score: 50, name: "Cheater" }] }, { "x-admin-key": TEST_ADMIN_KEY });
    assert.equal(answer.status, 200, answer.text);
    assert.notDeepEqual(await snapshot(), before);
  });
});
