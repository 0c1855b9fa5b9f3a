import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import type { GameListingMetadata } from "../../rooms/game-room.ts";
import { MATCH_MODES, type GameState, type MatchFoundMessage, type MatchMode } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { dropConnection } from "../helpers/game-helpers.ts";
import { createTeam, formTeam, joinMatch, joinTeam, leaveAll, readyAll, type TeamPlayer } from "../helpers/team-helpers.ts";

/** Short matches: the team rooms see the result (and go idle) within a few seconds. */
const GAME_OPTIONS = { matchSeconds: 1.5, countdownSeconds: 0, kickoffPauseSeconds: 0, postMatchSeconds: 0.2 };

describe("team matchmaking (one process, memory stores)", function () {
  this.timeout(30_000);
  const open: (TeamPlayer | { room: Room } | undefined)[] = [];
  const server = useTestServer({ env: { MATCHMAKING_INTERVAL_MS: "50", MATCH_GAME_OPTIONS: JSON.stringify(GAME_OPTIONS) } });
  afterEach(async () => {
    await leaveAll(open.splice(0));
    // A closing team room withdraws its ticket: the next test starts with empty queues.
    await waitFor(async () => {
      for (const mode of Object.keys(MATCH_MODES)) if ((await server.server.stores.matchmaking.waiting(mode, 10)).length > 0) return false;
      return true;
    }, "empty queues");
  });

  const team = async (names: string[], mode: MatchMode = "2v2") => {
    const players = await formTeam(server, names);
    open.push(...players);
    await readyAll(players);
    return Object.assign(players, { queue: () => players[0]!.send("queue", { mode }) });
  };
  const status = (players: TeamPlayer[]) => players[0]!.room.state.queue;

  it("pairs two queued teams into one game room with every member on the right side; a third team waits, then plays the next match", async () => {
    const reds = await team(["Red 1", "Red 2"]);
    const blues = await team(["Blue 1", "Blue 2"]);
    const greens = await team(["Green 1", "Green 2"]);
    reds[0]!.send("setName", { name: "Reds" });
    blues[0]!.send("setName", { name: "Blues" });
    await waitFor(() => reds[0]!.room.state.name === "Reds" && blues[0]!.room.state.name === "Blues", "names");
    reds.queue();
    await waitFor(() => status(reds).status === "queued", "reds queued");
    blues.queue();
    greens.queue();
    await waitFor(() => status(blues).status !== "idle" && status(greens).status !== "idle", "all three queued");

    const everyone = [...reds, ...blues, ...greens];
    await waitFor(() => everyone.filter((p) => p.matches.length > 0).length === 4, "four seats handed out");
    const matchedTeams = [reds, blues, greens].filter((t) => t[0]!.matches.length > 0);
    const [waiting] = [reds, blues, greens].filter((t) => t[0]!.matches.length === 0);
    assert.equal(matchedTeams.length, 2);
    assert.ok(matchedTeams.includes(reds), "the oldest ticket is served first");
    assert.equal(status(waiting!).status, "queued", "the third team waits");
    assert.equal((await server.server.stores.matchmaking.waiting("2v2", 10)).length, 1, "its ticket is still in the queue");

    const found = matchedTeams.flat().map((p) => p.matches[0]!);
    assert.equal(new Set(found.map((m) => m.roomId)).size, 1, "one game room");
    assert.equal(new Set(found.map((m) => m.matchId)).size, 1, "one match id");
    const [home, away] = matchedTeams.map((t) => t.map((p) => p.matches[0]!.side));
    assert.deepEqual(new Set(home), new Set([home![0]]), "a team plays on one side");
    assert.notEqual(home![0], away![0], "the teams face each other");
    const match: MatchFoundMessage = found[0]!;
    assert.equal(match.mode, "2v2");
    assert.equal(match.teams[reds[0]!.matches[0]!.side].name, "Reds");
    assert.equal(match.teams[reds[0]!.matches[0]!.side].teamId, reds[0]!.room.state.teamId);
    await waitFor(() => matchedTeams.every((t) => status(t).status === "playing"), "teams playing");
    assert.equal(status(reds).matchId, match.matchId);
    assert.equal(status(reds).gameRoomId, match.roomId);
    assert.ok([...reds[0]!.room.state.members.values()].every((m) => !m.ready), "ready flags reset for the next queue");

    // Every member joins the game with the stock SDK; the seats carry the sides.
    const games: Room<any, GameState>[] = await Promise.all(matchedTeams.flat().map((p) => joinMatch(p, p.matches[0]!)));
    open.push(...games.map((room) => ({ room })));
    const view = games[0]!;
    await waitFor(() => view.state.players.size === 4, "four players in the game");
    for (const player of matchedTeams.flat()) {
      const seat = [...view.state.players.values()].find((p) => p.playerId === player.playerId);
      assert.equal(seat?.side, player.matches[0]!.side, `${player.name} on the reserved side`);
    }
    assert.equal(view.state[reds[0]!.matches[0]!.side].name, "Reds");
    assert.equal(view.state.matchId, match.matchId);

    // The match ends (short clock): the team rooms are idle again, and the reds can queue again.
    await waitFor(() => matchedTeams.every((t) => status(t).status === "idle"), "back to idle after the result", 15_000);
    assert.equal(status(reds).reason, "match-ended");
    assert.equal(status(reds).matchId, match.matchId, "the last match stays visible");
    await readyAll(reds);
    reds.queue();
    const second = await reds[0]!.nextMatch();
    assert.notEqual(second.matchId, match.matchId);
    const theirs = await waitFor(() => waiting![0]!.matches[0], "the waiting team's match");
    assert.equal(theirs.matchId, second.matchId, "the waiting team got the next match");
  });

  it("cancels the ticket when the captain leaves the queue, a member un-readies, drops, leaves, or a new member joins", async () => {
    const inQueue = async () => (await server.server.stores.matchmaking.waiting("3v3", 10)).length;
    const cap = await createTeam(server, "Cap", { size: 3 });
    open.push(cap);
    const code = await waitFor(() => cap.room.state.code, "code");
    const mate = await joinTeam(server, "Mate", code);
    open.push(mate);
    const queueUp = async () => {
      await readyAll([cap, mate]);
      cap.send("queue", { mode: "3v3" }); // a party of two waits to be grouped for 3v3
      await waitFor(async () => cap.room.state.queue.status === "queued" && (await inQueue()) === 1, "queued");
    };
    const cancelled = async (reason: string) => {
      await waitFor(() => cap.room.state.queue.status === "idle", `idle after ${reason}`);
      assert.equal(cap.room.state.queue.reason, reason);
      await waitFor(async () => (await inQueue()) === 0, `ticket withdrawn after ${reason}`);
    };

    await queueUp();
    cap.send("leaveQueue", {});
    await cancelled("left-queue");
    cap.send("leaveQueue", {});
    assert.equal((await cap.nextError()).code, "CONFLICT", "not in the queue any more");

    await queueUp();
    mate.send("ready", { ready: false });
    await cancelled("member-unready");

    await queueUp();
    const newcomer = await joinTeam(server, "New", code);
    open.push(newcomer);
    await cancelled("member-joined");
    await newcomer.room.leave();
    await waitFor(() => cap.room.state.members.size === 2, "newcomer gone");

    await queueUp();
    mate.room.reconnection.enabled = false;
    const token = mate.room.reconnectionToken;
    dropConnection(mate.room.roomId, mate.room.sessionId);
    await cancelled("member-away");
    const back = await mate.client.reconnect(token, cap.room.state.constructor as never);
    open.push({ room: back });
    await waitFor(() => cap.room.state.members.get(back.sessionId)?.connected, "mate back");
    mate.room = back as never;

    await queueUp();
    await back.leave();
    await cancelled("member-left");
  });

  it("a match that falls through (the other team is gone) puts the team back in the queue, keeping its place", async () => {
    const stores = server.server.stores;
    await stores.matchmaking.enqueue(
      { id: "q_ghost", mode: "2v2", teamRoomId: "ghostroom", teamId: "t_ghost", name: "Ghosts", players: 2, rating: 1500, enqueuedAt: Date.now() - 1000 },
      60_000,
    );
    const real = await team(["Real 1", "Real 2"]);
    real.queue();
    await waitFor(() => status(real).reason === "match-aborted", "the aborted match", 10_000);
    assert.equal(status(real).status, "queued");
    const [ticket, ...others] = await stores.matchmaking.waiting("2v2", 10);
    assert.equal(others.length, 0, "the ghost's ticket was used up");
    assert.equal(ticket!.teamRoomId, real[0]!.room.roomId);
    assert.ok(ticket!.enqueuedAt < status(real).since, "re-queued with its first enqueue time");
    assert.equal(real[0]!.matches.length, 0);
  });

  it("the lobby lists a matchmade game while it is live (private to joinOrCreate, listed for watchers)", async () => {
    const lobbyClient = new Client(server.wsUrl);
    const lobby: Room = await lobbyClient.joinOrCreate("lobby");
    open.push({ room: lobby });
    const listed = new Map<string, { name: string; private?: boolean; metadata: GameListingMetadata }>();
    lobby.onMessage("rooms", (rooms: { roomId: string; name: string; metadata: GameListingMetadata }[]) => rooms.forEach((r) => listed.set(r.roomId, r)));
    lobby.onMessage("+", ([roomId, room]: [string, { name: string; metadata: GameListingMetadata }]) => listed.set(roomId, room));
    lobby.onMessage("-", (roomId: string) => listed.delete(roomId));

    const north = await team(["North 1"], "1v1");
    const south = await team(["South 1"], "1v1");
    north.queue();
    south.queue();
    const [seatN, seatS] = await Promise.all([north[0]!.nextMatch(), south[0]!.nextMatch()]);
    const games = await Promise.all([joinMatch(north[0]!, seatN), joinMatch(south[0]!, seatS)]);
    open.push(...games.map((room) => ({ room })));
    const live = await waitFor(() => {
      const entry = listed.get(seatN.roomId);
      return entry && entry.metadata.phase !== "waiting" ? entry : undefined;
    }, "the live game in the lobby");
    assert.equal(live.name, "game");
    assert.equal(live.private, true, "nobody can take a seat through joinOrCreate");
    assert.equal(live.metadata.matchId, seatN.matchId);
    assert.equal(live.metadata.listed, true);
    await waitFor(() => !listed.has(seatN.roomId), "gone from the lobby once the room closes", 15_000);
  });

  it("groups solo players into teams", async () => {
    const solos: TeamPlayer[] = [];
    for (const name of ["Solo A", "Solo B", "Solo C", "Solo D"]) {
      const solo = await createTeam(server, name, { size: 1, name, private: true });
      open.push(solo);
      await readyAll([solo]);
      solos.push(solo);
    }
    for (const solo of solos) solo.send("queue", { mode: "2v2" });
    const found = await Promise.all(solos.map((s) => s.nextMatch()));
    assert.equal(new Set(found.map((m) => m.roomId)).size, 1, "one game");
    const sides = found.map((m) => m.side).sort();
    assert.deepEqual(sides, ["away", "away", "home", "home"]);
    const home = found[0]!.teams.home;
    assert.match(home.name, /^Solo [A-D] \+ Solo [A-D]$/, "a grouped side is named after its parties");
    assert.equal(home.teamId, undefined, "a grouped side is no single team");
    const games = await Promise.all(solos.map((s, i) => joinMatch(s, found[i]!)));
    open.push(...games.map((room) => ({ room })));
    await waitFor(() => games[0]!.state.players.size === 4, "all four in the game");
  });
});
