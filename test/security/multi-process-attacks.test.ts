import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { GameState, TeamRoomState } from "../../shared/index.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { deleteKeys, makeResult, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";
import { guest, matchmake, reserve, stockClient } from "../helpers/attack-harness.ts";

/**
 * The same refusals when the attacker goes through another process: two
 * real server processes sharing one Redis (the claims live there), and one
 * of them killed. Rows run in order on the same two processes.
 */
describe("security: attacks across two processes sharing Redis → refusals", function () {
  this.timeout(60_000);
  const prefix = uniquePrefix("security");
  const LEASE_SECONDS = 2;
  let a: ServerProcess;
  let b: ServerProcess;
  const open: Room[] = [];

  before(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY, TEAM_MEMBERSHIP_LEASE_SECONDS: String(LEASE_SECONDS) };
    [a, b] = await Promise.all([spawnServer("A", env), spawnServer("B", env)]);
  });
  after(async () => {
    await Promise.all(open.map((room) => (room.connection?.isOpen ? room.leave().catch(() => undefined) : undefined)));
    await Promise.all([stopServer(a), stopServer(b)]);
    await deleteKeys(prefix);
  });

  let member: { token: string; playerId: string };
  let home: Room<any, TeamRoomState>;
  /** The process hosting the member's team room (Colyseus may place a room created through A on B), and the other one. */
  let host: ServerProcess;
  let other: ServerProcess;

  it("4. a member of a team on one process joins a team on the other by its code → 526 CONFLICT with details naming the first team", async () => {
    member = await guest(a, "Member");
    const seat = await reserve(a, member.token, "create", "team");
    [host, other] = seat.publicAddress === b.publicAddress ? [b, a] : [a, b];
    home = await stockClient(host, member.token).consumeSeatReservation(seat as never, TeamRoomState);
    home.reconnection.enabled = false;
    open.push(home);
    await waitFor(() => home.state.code, "the team's code");
    const captain = await guest(other, "Captain elsewhere");
    const second: Room<any, TeamRoomState> = await stockClient(other, captain.token).create("team", {}, TeamRoomState);
    open.push(second);
    await waitFor(() => second.state.code, "the second team's code");
    const answer = await matchmake(other, member.token, "join", "team", { code: second.state.code });
    assert.equal(answer.status, 526);
    assert.match(answer.body.error, /^CONFLICT: You are already in team/);
    assert.deepEqual(answer.body.details, { reason: "ALREADY_IN_TEAM", roomId: home.roomId, teamId: home.state.teamId, code: home.state.code, name: home.state.name });
    await assert.rejects(stockClient(other, member.token).joinById(second.roomId, {}, TeamRoomState), /CONFLICT: You are already in team/);
  });

  it("1. an admin import on B for the match id of a live game on A → 409 CONFLICT (MATCH_LIVE); a client matchId on B → 526 VALIDATION_FAILED", async () => {
    const host = await guest(a, "Host");
    const game: Room<any, GameState> = await stockClient(a, host.token).create("game", { teamSize: 2 }, GameState);
    open.push(game);
    await waitFor(() => game.state.matchId, "the match id");
    const response = await fetch(`${b.httpUrl}/v1/admin/match-results`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify(makeResult({ matchId: game.state.matchId })),
    });
    const body = (await response.json()) as { error: { code: string; details: { reason: string; roomId: string } } };
    assert.equal(response.status, 409, JSON.stringify(body));
    assert.deepEqual([body.error.code, body.error.details.reason, body.error.details.roomId], ["CONFLICT", "MATCH_LIVE", game.roomId]);
    const hijacker = await guest(b, "Hijacker");
    const answer = await matchmake(b, hijacker.token, "create", "game", { matchId: game.state.matchId });
    assert.equal(answer.status, 526);
    assert.match(answer.body.error, /^VALIDATION_FAILED: the option "matchId" is chosen by the server/);
  });

  it("4. the team's process is killed: its member is still refused on the other until the claim's lease runs out, then let through (a crashed process's claims expire)", async () => {
    await stopServer(host, "SIGKILL");
    // A join by a code nobody has: refused for the claim while it stands, then "no such team" (no room is created,
    // so Colyseus's placement, which may still pick the dead process for a while, plays no part).
    const attempt = () => matchmake(other, member.token, "join", "team", { code: "ZZZZ9" });
    const first = await attempt();
    assert.equal(first.status, 526);
    assert.match(first.body.error, /^CONFLICT: You are already in team/);
    const after = await waitFor(async () => {
      const answer = await attempt();
      return answer.body?.error?.startsWith("CONFLICT") ? undefined : answer;
    }, "the claim's lease to run out", (LEASE_SECONDS + 5) * 1000, 250);
    assert.equal(after.status, 521);
    assert.match(after.body.error, /^NOT_FOUND: No team has the code ZZZZ9/);
  });
});
