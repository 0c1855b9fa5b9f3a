import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { startArenaBot, type ArenaBot } from "../../loadtest/bots/arena-bot.ts";
import { TeamRoomState, type MatchFoundMessage, type TeamListingMetadata, type MatchResultPollResponse, type RecordedMatchResult } from "../../shared/index.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";
import { connectPlayer, formTeam, guest, leaveAll, readyAll, type TeamPlayer } from "../helpers/team-helpers.ts";

/** Short but real matches: the arena bots play them to the end. */
const GAME_OPTIONS = { matchSeconds: 3, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, postMatchSeconds: 0.5 };

describe("team rooms and matchmaking across two processes sharing Redis", function () {
  this.timeout(60_000);
  const prefix = uniquePrefix("teams");
  let a: ServerProcess;
  let b: ServerProcess;
  const open: TeamPlayer[] = [];

  before(async () => {
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      ADMIN_KEY: TEST_ADMIN_KEY,
      MATCHMAKING_INTERVAL_MS: "100",
      MATCH_GAME_OPTIONS: JSON.stringify(GAME_OPTIONS),
    };
    [a, b] = await Promise.all([spawnServer("A", env), spawnServer("B", env)]);
  });
  afterEach(async () => {
    await leaveAll(open.splice(0));
  });
  after(async () => {
    await Promise.all([stopServer(a), stopServer(b)]);
    await deleteKeys(prefix);
  });

  /** A team whose captain is on `home` and whose other members join through `other` (by code, across processes). */
  const team = async (names: string[], home: ServerProcess, other: ServerProcess) => {
    const players = await formTeam(home, names, {}, names.slice(1).map(() => other));
    open.push(...players);
    return players;
  };

  it("a code created on one process is joined through the other; a wrong code is NOT_FOUND on both; B's lobby lists A's team", async () => {
    const lobby = await new Client(b.wsUrl).joinOrCreate("lobby");
    const listed = new Map<string, { metadata: TeamListingMetadata }>();
    lobby.onMessage("rooms", (rooms: { roomId: string; metadata: TeamListingMetadata }[]) => rooms.forEach((r) => listed.set(r.roomId, r)));
    lobby.onMessage("+", ([roomId, room]: [string, { metadata: TeamListingMetadata }]) => listed.set(roomId, room));
    lobby.onMessage("-", (roomId: string) => listed.delete(roomId));
    const [captain, mate] = await team(["Ann", "Ben"], a, b);
    await waitFor(() => listed.get(captain!.room.roomId)?.metadata.members === 2, "the team on B's lobby, with both members");
    assert.equal(listed.get(captain!.room.roomId)!.metadata.code, captain!.room.state.code);
    await lobby.leave();
    assert.equal(mate!.room.roomId, captain!.room.roomId);
    await waitFor(() => mate!.room.state.members.size === 2, "B's client sees both");
    for (const server of [a, b]) {
      const { client } = await connectPlayer(server, "Lost");
      await assert.rejects(client.join("team", { code: "ZZZZ" }, TeamRoomState), /NOT_FOUND: No team has the code ZZZZ/);
    }
  });

  it("teams queued on different processes are matched once: six teams, three games, each team in exactly one", async () => {
    const teams: TeamPlayer[][] = [];
    for (let i = 0; i < 6; i++) teams.push(await team([`T${i} a`, `T${i} b`], i % 2 ? b : a, i % 2 ? a : b));
    for (const players of teams) await readyAll(players);
    for (const players of teams) players[0]!.send("queue", { mode: "2v2" });
    const everyone = teams.flat();
    await waitFor(() => everyone.every((p) => p.matches.length > 0), "every member has a seat", 20_000);
    assert.ok(everyone.every((p) => p.matches.length === 1), "one match each");

    const byMatch = new Map<string, MatchFoundMessage[]>();
    for (const p of everyone) byMatch.set(p.matches[0]!.matchId, [...(byMatch.get(p.matches[0]!.matchId) ?? []), p.matches[0]!]);
    assert.equal(byMatch.size, 3, "three games");
    for (const [matchId, seats] of byMatch) {
      assert.equal(seats.length, 4, `${matchId}: four seats`);
      assert.equal(new Set(seats.map((s) => s.roomId)).size, 1, `${matchId}: one room`);
      assert.deepEqual(seats.map((s) => s.side).sort(), ["away", "away", "home", "home"]);
    }
    for (const players of teams) {
      assert.equal(new Set(players.map((p) => `${p.matches[0]!.matchId}:${p.matches[0]!.side}`)).size, 1, "a team shares one match and one side");
    }
  });

  it("done when: eight bots in four teams of two on two processes queue, play two matches to the end, return to their team rooms, and the results name the right teams", async () => {
    const names = ["Ash", "Birch", "Cedar", "Dogwood"];
    const teams: TeamPlayer[][] = [];
    for (const [i, name] of names.entries()) {
      const players = await team([`${name} 1`, `${name} 2`], i % 2 ? b : a, i < 2 ? a : b);
      players[0]!.send("setName", { name });
      teams.push(players);
    }
    await waitFor(() => teams.every((players, i) => players[1]!.room.state.name === names[i]), "team names");
    for (const players of teams) await readyAll(players);
    for (const players of teams) players[0]!.send("queue", { mode: "2v2" });
    const everyone = teams.flat();
    await waitFor(() => everyone.every((p) => p.matches.length === 1), "eight seats", 20_000);

    // Each member's bot takes the seat (its own connection, the member's token) and plays.
    const bots: ArenaBot[] = [];
    try {
      for (const player of everyone) {
        bots.push(await startArenaBot({ url: a.wsUrl, token: player.client.auth.token!, reservation: player.matches[0]!.reservation, inputHz: 15 }));
      }
      const endings = await Promise.all(bots.map((bot) => bot.finished));
      assert.equal(new Set(endings.map((e) => e.result.matchId)).size, 2, "two matches played");
      assert.ok(bots.every((bot) => bot.errors.length === 0), "bots send only valid messages");

      // Back in the team rooms: idle again, the match they played on record.
      await waitFor(() => teams.every((players) => players.every((p) => p.room.state.queue.status === "idle")), "teams idle after their match", 20_000);
      for (const players of teams) {
        assert.equal(players[0]!.room.state.queue.reason, "match-ended");
        assert.equal(players[1]!.room.state.queue.matchId, players[0]!.matches[0]!.matchId);
      }

      // The recorded results (read over HTTP from the other process) name the right team on each side.
      const { token } = await guest(b, "Reader");
      for (const matchId of new Set(everyone.map((p) => p.matches[0]!.matchId))) {
        const response = await fetch(`${b.httpUrl}/v1/matches/${matchId}/result?wait=20`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 200);
        const body = (await response.json()) as MatchResultPollResponse;
        assert.ok(body.final, `${matchId} has a result`);
        const result: RecordedMatchResult = body.result;
        assert.equal(result.mode, "2v2");
        assert.equal(result.players.length, 4);
        for (const players of teams.filter((t) => t[0]!.matches[0]!.matchId === matchId)) {
          const side = players[0]!.matches[0]!.side;
          assert.equal(result.teams[side].name, players[0]!.room.state.name);
          assert.equal(result.teams[side].teamId, players[0]!.room.state.teamId);
          assert.deepEqual(
            result.players.filter((p) => p.side === side).map((p) => p.playerId).sort(),
            players.map((p) => p.playerId).sort(),
            `${players[0]!.room.state.name} played on ${side}`,
          );
        }
      }
    } finally {
      await Promise.all(bots.map((bot) => bot.stop()));
    }
  });
});
