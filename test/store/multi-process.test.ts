import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import { GameState, type LeaderboardPage, type LeaderboardPlayerResponse, type MatchFinishedMessage } from "../../shared/index.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { waitFor, within } from "../helpers/wait.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { deleteKeys, makeResult, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";

describe("two server processes sharing one Redis", function () {
  this.timeout(60_000);
  const prefix = uniquePrefix("multi");
  let a: ServerProcess;
  let b: ServerProcess;

  before(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY };
    [a, b] = await Promise.all([spawnServer("A", env), spawnServer("B", env)]);
  });
  after(async () => {
    await Promise.all([stopServer(a), stopServer(b)]);
    await deleteKeys(prefix);
  });

  const guest = async (server: ServerProcess, name: string) => {
    const response = await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
    return (await response.json()) as { token: string; player: { playerId: string } };
  };

  it("each process advertises its own address (PUBLIC_ADDRESS defaults to the bound host:port)", () => {
    assert.notEqual(a.publicAddress, b.publicAddress);
    assert.equal(a.publicAddress, new URL(a.httpUrl).host);
    assert.equal(b.publicAddress, new URL(b.httpUrl).host);
  });

  it("a result recorded on A updates the leaderboards read on B", async () => {
    const result = makeResult();
    await fetch(`${b.httpUrl}/v1/admin/fantasy/leagues/LM/rosters/${result.players[0].playerId}`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify({ fantasyTeamId: "mp-team", teamName: "Across" }),
    });
    const response = await fetch(`${a.httpUrl}/v1/admin/match-results`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify(result),
    });
    assert.equal(response.status, 201);
    const scorer = result.players[0];
    const onB = await waitFor(async () => {
      const read = await fetch(`${b.httpUrl}/v1/leaderboards/goals/players/${scorer.playerId}`);
      return read.status === 200 ? ((await read.json()) as LeaderboardPlayerResponse) : undefined;
    }, "B to see A's result on the goals board");
    assert.equal(onB.record.score, scorer.stats.goals);
    assert.equal(onB.record.rank, 1);
    const standings = (await (await fetch(`${b.httpUrl}/v1/leaderboards/fantasy-LM`, { headers: { "x-admin-key": TEST_ADMIN_KEY } })).json()) as LeaderboardPage;
    assert.deepEqual(standings.records.map((r) => [r.ownerId, r.name]), [["mp-team", "Across"]]);
    // The duplicate, sent to B, changes nothing.
    const again = await fetch(`${b.httpUrl}/v1/admin/match-results`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify(result),
    });
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { created: boolean }).created, false);
    const goals = (await (await fetch(`${a.httpUrl}/v1/leaderboards/goals/players/${scorer.playerId}`)).json()) as LeaderboardPlayerResponse;
    assert.equal(goals.record.numScore, 1);
  });

  it("a game room created through A is joined through B with the stock SDK; its result reaches B's boards", async () => {
    const [hostIdentity, guestIdentity] = await Promise.all([guest(a, "Host"), guest(b, "Guest")]);
    const viaA = new Client(a.wsUrl);
    viaA.auth.token = hostIdentity.token;
    const viaB = new Client(b.wsUrl);
    viaB.auth.token = guestIdentity.token;
    const rooms: Room<GameState>[] = [];
    try {
      const host = await within(viaA.create("game", { teamSize: 1, matchSeconds: 1, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, postMatchSeconds: 0.5 }, GameState), "the room created through A", 15_000);
      rooms.push(host);
      host.onMessage("*", () => undefined);
      const finished = new Promise<MatchFinishedMessage>((resolve) => host.onMessage("match.finished", resolve));
      const joined = await within(viaB.joinById(host.roomId, {}, GameState), "the seat taken through B", 15_000);
      rooms.push(joined);
      joined.onMessage("*", () => undefined);
      assert.equal(joined.roomId, host.roomId);
      await waitFor(() => joined.state.players.size === 2 && host.state.players.size === 2, "both players seen by both clients");
      assert.equal(joined.state.matchId, host.state.matchId);
      const { result } = await within(finished, "match.finished from the host's room", 20_000);
      const ids = [hostIdentity.player.playerId, guestIdentity.player.playerId].sort();
      assert.deepEqual(result.players.map((p) => p.playerId).sort(), ids);
      // The room (on A) recorded the result; B's rating board shows both players.
      for (const id of ids) {
        await waitFor(async () => (await fetch(`${b.httpUrl}/v1/leaderboards/rating/players/${id}`)).status === 200, `B's rating board to list ${id}`, 10_000);
      }
    } finally {
      await within(Promise.all(rooms.map((room) => room.leave().catch(() => undefined))), "both clients to leave", 10_000).catch(() => undefined);
    }
  });
});
