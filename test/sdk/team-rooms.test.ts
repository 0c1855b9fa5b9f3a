import assert from "node:assert/strict";
import { JoinError, createClient, type MatchFoundEvent, type TeamConnection } from "../../client-sdk/index.ts";
import { GameState, TeamRoomState } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** Short matches (as in test/team/team-matchmaking.test.ts): the game ends within seconds. */
const GAME_OPTIONS = { matchSeconds: 1.5, countdownSeconds: 0, kickoffPauseSeconds: 0, postMatchSeconds: 0.2 };

describe("sdk: client.rooms.team against the real server", function () {
  this.timeout(30_000);
  const open: { leave(): Promise<void> }[] = [];
  const server = useTestServer({ env: { MATCHMAKING_INTERVAL_MS: "50", MATCH_GAME_OPTIONS: JSON.stringify(GAME_OPTIONS) } });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.leave()));
  });

  async function player(name: string) {
    const client = createClient({ url: server.httpUrl, backoff: { minMs: 20, maxMs: 200 } });
    await client.auth.signInAsGuest(name);
    const matches: MatchFoundEvent[] = [];
    client.rooms.team.onMatchFound((event) => {
      matches.push(event);
      if (event.game) open.push(event.game);
    });
    return { client, matches };
  }

  async function team(captainName: string, mateName: string) {
    const captain = await player(captainName);
    const mate = await player(mateName);
    const captainRoom = await captain.client.rooms.team.create({ name: captainName, size: 2, private: true });
    open.push(captainRoom);
    assert.ok(captainRoom.state instanceof TeamRoomState);
    // ready() resolves on the join; the first full state follows it.
    const code = await waitFor(() => captainRoom.state?.code, "the team's code in the state");
    // Codes are case-insensitive: the server upper-cases them.
    const mateRoom = await mate.client.rooms.team.joinByCode(` ${code.toLowerCase()} `);
    open.push(mateRoom);
    assert.equal(mateRoom.roomId, captainRoom.roomId, "the code leads to the captain's room");
    await waitFor(() => captainRoom.state!.members.size === 2 && mateRoom.state!.members.size === 2, `${captainName}'s team of two`);
    return { members: [captain, mate], rooms: [captainRoom, mateRoom] as TeamConnection[] };
  }

  it("forms teams by code, readies, queues, and onMatchFound joins every member into the same game on the team's side", async () => {
    const reds = await team("Red 1", "Red 2");
    const blues = await team("Blue 1", "Blue 2");
    for (const t of [reds, blues]) {
      for (const room of t.rooms) room.send("ready", { ready: true });
      await waitFor(() => [...t.rooms[0]!.state!.members.values()].every((m) => m.ready), "everyone ready");
      t.rooms[0]!.send("queue", { mode: "2v2" });
    }
    const everyone = [...reds.members, ...blues.members];
    await waitFor(() => everyone.every((p) => p.matches.length === 1), "every member's handler ran", 15_000);

    const events = everyone.map((p) => p.matches[0]!);
    for (const event of events) {
      assert.equal(event.error, undefined, `no join error: ${event.error?.message}`);
      assert.ok(event.game, "the game connection is handed over");
      assert.equal(event.game.status, "open");
      assert.equal(event.game.roomId, event.match.roomId, "joined the reserved room");
      assert.ok(event.game.state instanceof GameState);
      assert.equal(await event.join(), event.game, "join() returns the connection already made");
    }
    assert.equal(new Set(events.map((e) => e.game!.roomId)).size, 1, "one game room");
    assert.equal(new Set(events.map((e) => e.match.matchId)).size, 1, "one match");
    const sideOf = (event: MatchFoundEvent) =>
      waitFor(() => event.game!.state?.players.get(event.game!.sessionId!)?.side, "own player in the game state");
    const redSides = await Promise.all(events.slice(0, 2).map(sideOf));
    const blueSides = await Promise.all(events.slice(2).map(sideOf));
    assert.deepEqual(redSides, [events[0]!.match.side, events[1]!.match.side], "seated on the side matchFound named");
    assert.equal(redSides[0], redSides[1], "a team plays on one side");
    assert.equal(blueSides[0], blueSides[1]);
    assert.notEqual(redSides[0], blueSides[0], "the teams face each other");
    assert.equal(events[0]!.match.teams[redSides[0]!].name, "Red 1");
    assert.equal(events[0]!.team, reds.rooms[0], "the event names the team connection");
    await waitFor(() => events[0]!.game!.state!.players.size === 4, "four players in the game");
    // The short game ends; the team rooms go back to idle.
    await waitFor(() => reds.rooms[0]!.state!.queue.status === "idle" && reds.rooms[0]!.state!.queue.reason === "match-ended", "team idle after the match", 15_000);
  });

  it("rejects a wrong code with a typed JoinError: NOT_FOUND for an unknown code, VALIDATION_FAILED for a malformed one", async () => {
    const { client } = await player("Lost");
    await assert.rejects(client.rooms.team.joinByCode("ZZZZZ"), (error: unknown) => {
      assert.ok(error instanceof JoinError, `a JoinError, got ${String(error)}`);
      assert.equal(error.code, "NOT_FOUND");
      assert.match(error.message, /No team has the code ZZZZZ/);
      assert.equal(error.retryable, false);
      return true;
    });
    await assert.rejects(client.rooms.team.joinByCode("a1"), (error: unknown) => error instanceof JoinError && error.code === "VALIDATION_FAILED");
  });

  it("without autoJoin the handler gets the match and joins when it chooses", async () => {
    const solo = async (name: string) => {
      const client = createClient({ url: server.httpUrl });
      await client.auth.signInAsGuest(name);
      const events: MatchFoundEvent[] = [];
      client.rooms.team.onMatchFound((event) => events.push(event), { autoJoin: false });
      const room = await client.rooms.team.create({ size: 1 });
      open.push(room);
      room.send("ready", { ready: true });
      await waitFor(() => [...room.state!.members.values()].every((m) => m.ready), `${name} ready`);
      room.send("queue", { mode: "1v1" });
      return events;
    };
    const [a, b] = await Promise.all([solo("Solo A"), solo("Solo B")]);
    await waitFor(() => a.length === 1 && b.length === 1, "both matched", 15_000);
    assert.equal(a[0]!.game, undefined, "nothing joined yet");
    const games = await Promise.all([a[0]!.join(), b[0]!.join()]);
    open.push(...games);
    assert.equal(games[0].roomId, games[1].roomId);
    assert.equal(games[0].roomId, a[0]!.match.roomId);
  });
});
