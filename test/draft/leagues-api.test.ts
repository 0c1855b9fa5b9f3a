import assert from "node:assert/strict";
import type { ErrorBody, JoinLeagueResponse, League, LeagueListResponse } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";

describe("fantasy leagues API", () => {
  let commissioner: { token: string; playerId: string };
  let manager: { token: string; playerId: string };
  const server = useTestServer();
  before(async () => {
    commissioner = await server.guestToken("Comm");
    manager = await server.guestToken("Manager");
  });

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const response = await fetch(`${server.httpUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const errorCode = (body: ErrorBody) => body.error.code;

  it("creates (defaults, caller is commissioner), joins by invite code, lists mine and reads one", async () => {
    const created = await call("POST", "/v1/leagues", commissioner.token, { name: "Friday Five", teamCount: 3, pickSeconds: 5, draftOrder: "manual" });
    assert.equal(created.status, 201);
    const league = created.body as League;
    assert.deepEqual([league.commissionerId, league.teamCount, league.rosterSize, league.draftType, league.pickSeconds, league.draftOrder], [commissioner.playerId, 3, 5, "snake", 5, "manual"]);

    const joined = await call("POST", "/v1/leagues/join", manager.token, { inviteCode: league.inviteCode.toLowerCase(), teamName: "Rovers" });
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    assert.deepEqual([(joined.body as JoinLeagueResponse).team.teamId, (joined.body as JoinLeagueResponse).team.managerId], ["t1", manager.playerId]);
    const again = await call("POST", "/v1/leagues/join", manager.token, { inviteCode: league.inviteCode, teamName: "Rovers" });
    assert.deepEqual([again.status, again.body.created], [200, false], "one team per player: joining again answers the same team");

    const mine = await call("GET", "/v1/leagues", manager.token);
    assert.deepEqual((mine.body as LeagueListResponse).leagues.map((l) => l.id), [league.id]);
    const one = await call("GET", `/v1/leagues/${league.id}`, commissioner.token);
    assert.deepEqual([one.status, one.body.teams.length], [200, 1]);
    assert.equal((await fetch(`${server.httpUrl}/v1/leagues/${league.id}`, { headers: { authorization: `Bearer ${manager.token}` } })).headers.get("cache-control"), "no-store");
  });

  it("answers errors in the standard shape", async () => {
    assert.deepEqual([(await call("GET", "/v1/leagues", undefined)).status], [401]);
    const noName = await call("POST", "/v1/leagues", commissioner.token, { teamCount: 4 });
    assert.deepEqual([noName.status, errorCode(noName.body)], [400, "VALIDATION_FAILED"]);
    assert.match(noName.body.error.message, /name/);
    const tooMany = await call("POST", "/v1/leagues", commissioner.token, { name: "X", teamCount: 99 });
    assert.equal(tooMany.status, 400);
    const linear3rr = await call("POST", "/v1/leagues", commissioner.token, { name: "X", draftType: "linear", thirdRoundReversal: true });
    assert.deepEqual([linear3rr.status, linear3rr.body.error.details.issues[0].path], [400, "thirdRoundReversal"]);
    const extra = await call("POST", "/v1/leagues", commissioner.token, { name: "X", colour: "red" });
    assert.equal(extra.status, 400, "unknown keys are refused");

    const badCode = await call("POST", "/v1/leagues/join", manager.token, { inviteCode: "nope", teamName: "A" });
    assert.deepEqual([badCode.status, errorCode(badCode.body)], [400, "VALIDATION_FAILED"]);
    const unknownCode = await call("POST", "/v1/leagues/join", manager.token, { inviteCode: "ZZZZ2222", teamName: "A" });
    assert.deepEqual([unknownCode.status, errorCode(unknownCode.body)], [404, "NOT_FOUND"]);

    const small = (await call("POST", "/v1/leagues", commissioner.token, { name: "Small", teamCount: 2, teamName: "Comm XI" })).body as League;
    assert.equal((await call("POST", "/v1/leagues/join", manager.token, { inviteCode: small.inviteCode, teamName: "comm xi" })).body.error.details.reason, "TEAM_NAME_TAKEN");
    assert.equal((await call("POST", "/v1/leagues/join", manager.token, { inviteCode: small.inviteCode, teamName: "M" })).status, 201);
    const third = await server.guestToken("Third");
    const full = await call("POST", "/v1/leagues/join", third.token, { inviteCode: small.inviteCode, teamName: "T" });
    assert.deepEqual([full.status, errorCode(full.body), full.body.error.details.reason], [409, "CONFLICT", "LEAGUE_FULL"]);

    const notMine = await call("GET", `/v1/leagues/${small.id}`, third.token);
    assert.deepEqual([notMine.status, errorCode(notMine.body)], [403, "FORBIDDEN"]);
    assert.equal((await call("GET", "/v1/leagues/lg_0000000000000000", third.token)).status, 404);
    assert.equal((await call("GET", "/v1/leagues/bad!id", third.token)).status, 400);
  });

  it("draft settings: absent policy, roster slots, schedule, quiet hours and the soft timer are validated and answered", async () => {
    const body = {
      name: "Settings",
      absentPolicy: "disconnect-grace",
      absentGraceSeconds: 45,
      rosterSlots: { GK: 1, DEF: 2, MID: 2, FWD: 1, BENCH: 2 },
      startAt: "2030-06-01T18:00:00+02:00",
      quietHours: { start: "23:00", end: "08:00", timeZone: "Europe/London" },
      softTimer: true,
      players: [{ playerId: "p_gk", name: "Keeper", position: "GK" }],
    };
    const created = await call("POST", "/v1/leagues", commissioner.token, body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const league = created.body as League;
    assert.deepEqual(
      [league.absentPolicy, league.absentGraceSeconds, league.rosterSize, league.rosterSlots, league.startAt, league.quietHours, league.softTimer, league.players],
      ["disconnect-grace", 45, 8, body.rosterSlots, "2030-06-01T16:00:00.000Z", body.quietHours, true, body.players],
    );
    const plain = (await call("POST", "/v1/leagues", commissioner.token, { name: "Plain" })).body as League;
    assert.deepEqual([plain.absentPolicy, plain.absentGraceSeconds, plain.softTimer, plain.rosterSize], ["missed-clock", 60, false, 5]);
    for (const bad of [
      { absentPolicy: "sometimes" },
      { absentGraceSeconds: -1 },
      { rosterSlots: { GK: 1 }, rosterSize: 3 },
      { rosterSlots: { KEEPER: 1 } },
      { rosterSlots: { BENCH: 0 } },
      { startAt: "tomorrow" },
      { quietHours: { start: "25:00", end: "08:00" } },
      { quietHours: { start: "23:00", end: "08:00", timeZone: "Mars/Olympus" } },
      { quietHours: { start: "08:00", end: "08:00" } },
      { players: [{ playerId: "p_x", position: "GOALIE" }] },
    ]) {
      const refused = await call("POST", "/v1/leagues", commissioner.token, { name: "Bad", ...bad });
      assert.deepEqual([refused.status, errorCode(refused.body)], [400, "VALIDATION_FAILED"], JSON.stringify(bad));
    }
  });
});
