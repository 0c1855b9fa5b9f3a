import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { DEFAULT_PHYSICS } from "../../shared/rules/arena/index.ts";
import type { GameRoomControls } from "../../rooms/game-room.ts";
import { GameState, MatchResultSchema, type MatchResult } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { dropConnection, joinGame, leaveAll, metres, serverRoom, wrap, type GameSeat } from "../helpers/game-helpers.ts";

/** Short, quick matches: tests wait on events, never on the clock. */
const QUICK = { teamSize: 1, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, postMatchSeconds: 0.5 } as const;

describe("game room (real server, stock SDK)", () => {
  const server = useTestServer();

  async function oneVsOne(options: Record<string, unknown> = {}): Promise<[GameSeat, GameSeat]> {
    const home = await joinGame(server, "Home", { create: { ...QUICK, matchSeconds: 60, ...options } });
    const away = await joinGame(server, "Away", { roomId: home.room.roomId });
    return [home, away];
  }

  it("joinOrCreate keeps team sizes apart and skips rooms whose player seats are full", async () => {
    const seats: Awaited<ReturnType<typeof joinGame>>[] = [];
    const joinOrCreate = async (name: string, options: Record<string, unknown>) => {
      const client = new Client(server.wsUrl);
      const { token, playerId } = await server.guestToken(name);
      client.auth.token = token;
      const seat = wrap(client, await client.joinOrCreate("game", options, GameState), playerId);
      seats.push(seat);
      return seat;
    };
    try {
      const a = await joinOrCreate("A", { ...QUICK, requireReady: true });
      const b = await joinOrCreate("B", { teamSize: 5 });
      assert.notEqual(b.room.roomId, a.room.roomId, "another team size, another room");
      const c = await joinOrCreate("C", { teamSize: 1 });
      assert.equal(c.room.roomId, a.room.roomId, "same team size: the open room");
      const d = await joinOrCreate("D", { teamSize: 1, requireReady: true });
      assert.notEqual(d.room.roomId, a.room.roomId, "a room with full player seats is not offered");
    } finally {
      await leaveAll(...seats);
    }
  });

  it("seats two players, counts down, plays; an input moves the player and its seq is echoed", async () => {
    const [home, away] = await oneVsOne();
    try {
      await waitFor(() => home.room.state.phase === "playing", "playing");
      const me = () => home.room.state.players.get(home.room.sessionId)!;
      assert.equal(me().side, "home");
      assert.equal(away.room.state.players.get(away.room.sessionId)!.side, "away");
      assert.equal(home.room.state.field.width, 3000, "field in centimetres");
      const start = { x: me().x, y: me().y };
      const seq = home.input({ x: 0, y: -1 });
      await waitFor(() => me().lastProcessedInputSeq === seq && start.y - me().y > 100, "moved up a metre, seq echoed");
      assert.equal(me().x, start.x, "only along the intent");

      const [listing] = await matchMaker.query({ roomId: home.room.roomId });
      assert.equal(listing?.metadata?.phase, "playing");
      assert.equal(listing?.metadata?.players, 2);
      assert.equal(listing?.private, true, "a started match is not offered to joinOrCreate");
    } finally {
      await leaveAll(home, away);
    }
  });

  it("scores a goal from scripted inputs: broadcast, score and stats", async () => {
    // Small pitch: home spawns at (3, 4), the ball at (6, 4), away at (9, 4).
    const [home, away] = await oneVsOne({ field: { width: 12, height: 8, goalWidth: 4 } });
    try {
      await waitFor(() => home.room.state.phase === "playing", "playing");
      away.input({ x: 0, y: -1 }); // out of the way
      const kicker = setInterval(() => home.input({ x: 1, y: 0 }, true), 60);
      try {
        await waitFor(() => home.goals.length === 1, "goal message", 8000);
      } finally {
        clearInterval(kicker);
      }
      assert.deepEqual(home.goals[0], { side: "home", scorerId: home.playerId, ownGoal: false, score: { home: 1, away: 0 } });
      await waitFor(() => away.goals.length === 1 && home.room.state.home.score === 1, "everyone sees it");
      const scorer = home.room.state.players.get(home.room.sessionId)!;
      assert.equal(scorer.stats.goals, 1);
      assert.equal(home.room.state.home.stats.goals, 1);
      assert.equal(home.room.state.kickoffSide, "away");
    } finally {
      await leaveAll(home, away);
    }
  });

  it("a dropped player keeps the seat inside the window, idles, and gets the full state back on reconnect", async () => {
    const [home, away] = await oneVsOne({ reconnectSeconds: 20 });
    try {
      await waitFor(() => home.room.state.phase === "playing", "playing");
      const seq = home.input({ x: 1, y: 0 });
      await waitFor(() => home.room.state.players.get(home.room.sessionId)?.lastProcessedInputSeq === seq, "input applied");
      const { sessionId, roomId, reconnectionToken } = home.room;
      dropConnection(roomId, sessionId);
      assert.equal(await home.left, 1006);
      await waitFor(() => away.room.state.players.get(sessionId)?.connected === false, "the seat shows the drop");
      const idle = away.room.state.players.get(sessionId)!;
      await waitFor(() => idle.vx === 0 && idle.vy === 0, "the avatar idles");

      const back = await home.client.reconnect(reconnectionToken, GameState);
      const seat = wrap(home.client, back, home.playerId);
      try {
        assert.equal(back.sessionId, sessionId, "same seat");
        await waitFor(() => back.state.players.get(sessionId)?.connected === true, "connected again");
        assert.equal(back.state.phase, "playing");
        assert.equal(back.state.players.size, 2, "full state after reconnect");
        assert.equal(back.state.players.get(sessionId)!.lastProcessedInputSeq, seq, "the client learns where to continue");
        back.send("input", { seq: seq + 1, dir: { x: 0, y: 1 }, kick: false });
        await waitFor(() => back.state.players.get(sessionId)?.lastProcessedInputSeq === seq + 1, "inputs flow again");
      } finally {
        await leaveAll(seat);
      }
    } finally {
      await leaveAll(home, away);
    }
  });

  it("sends each patch right after a step, every TICK_RATE_HZ / PATCH_RATE_HZ steps, not on a timer of its own", async () => {
    const [home, away] = await oneVsOne();
    try {
      await waitFor(() => home.room.state.phase === "playing", "playing");
      const room = serverRoom(home.room.roomId) as unknown as GameRoomControls & { broadcastPatch(): boolean; patchRate: number | null };
      const perPatch = server.config.tickRateHz / server.config.patchRateHz;
      assert.ok(Number.isInteger(perPatch) && perPatch >= 1);
      assert.equal(room.patchRate, null, "no patch interval");
      const ticksAtPatch: number[] = [];
      const original = room.broadcastPatch;
      room.broadcastPatch = function (this: typeof room) {
        ticksAtPatch.push(room.simulationTick);
        return original.call(this);
      };
      try {
        await waitFor(() => ticksAtPatch.length >= 20, "20 patches");
      } finally {
        room.broadcastPatch = original;
      }
      const gaps = ticksAtPatch.slice(1).map((tick, i) => tick - ticksAtPatch[i]!);
      assert.deepEqual(new Set(gaps), new Set([perPatch]), `a patch every ${perPatch} steps: ${ticksAtPatch.join(",")}`);
    } finally {
      await leaveAll(home, away);
    }
  });

  it("a side empty past its reconnection window forfeits, and the result is recorded", async () => {
    const [home, away] = await oneVsOne({ reconnectSeconds: 1 });
    try {
      await waitFor(() => home.room.state.phase === "playing", "playing");
      const { roomId, sessionId, reconnectionToken } = away.room;
      dropConnection(roomId, sessionId);
      await waitFor(() => home.finished.length === 1, "match.finished", 8000);
      const { reason, result } = home.finished[0]!;
      assert.equal(reason, "forfeit");
      assert.equal(result.forfeitedBy, "away");
      assert.equal(result.winner, "home");
      assert.equal(home.room.state.phase, "finished");
      await waitFor(() => server.server.stores.results.get(result.matchId), "result in the store");
      // The forfeit (1 s of simulated time) and the seat's reconnection window
      // (1 s of real time) end together; the seat is gone once the room let it go.
      await waitFor(() => home.room.state.players.size === 1, "the away seat released");
      await assert.rejects(away.client.reconnect(reconnectionToken, GameState), "the seat is gone");
      assert.equal(await home.left, 4107, "the finished room closes with ROOM_CLOSED");
    } finally {
      await leaveAll(home, away);
    }
  });

  it("spectators watch without a seat, cannot act, and are bounded separately", async () => {
    const spectator = await joinGame(server, "Watcher", { create: { ...QUICK, requireReady: true, maxSpectators: 2, spectate: true } });
    const roomId = spectator.room.roomId;
    let home: GameSeat | undefined;
    let away: GameSeat | undefined;
    let second: GameSeat | undefined;
    try {
      await waitFor(() => spectator.room.state.spectators === 1, "counted as a spectator");
      assert.equal(spectator.room.state.players.size, 0);
      spectator.input({ x: 1, y: 0 });
      spectator.room.send("ready", { ready: true });
      spectator.room.send("start", {});
      await waitFor(() => spectator.errors.length === 3, "three refusals");
      assert.deepEqual(spectator.errors.map((e) => [e.code, e.type]), [["FORBIDDEN", "input"], ["FORBIDDEN", "ready"], ["FORBIDDEN", "start"]]);

      home = await joinGame(server, "H", { roomId });
      away = await joinGame(server, "A", { roomId });
      await waitFor(() => spectator.room.state.players.size === 2, "the spectator sees the players");
      const third = new Client(server.wsUrl);
      third.auth.token = (await server.guestToken("Third")).token;
      await assert.rejects(third.joinById(roomId, {}, GameState), /CONFLICT: All player seats are taken/);
      const [listing] = await matchMaker.query({ roomId });
      assert.equal(listing?.private, true, "full player seats hide the room from joinOrCreate");
      assert.equal(listing?.locked, false, "but spectators may still join by id");

      second = await joinGame(server, "Watcher2", { roomId, options: { spectate: true } });
      await waitFor(() => spectator.room.state.spectators === 2, "two spectators");
      const tooMany = new Client(server.wsUrl);
      tooMany.auth.token = (await server.guestToken("Watcher3")).token;
      // Players + maxSpectators is the room's maxClients: Colyseus locks it when reached.
      await assert.rejects(tooMany.joinById(roomId, { spectate: true }, GameState), /is locked/);

      home.room.send("ready", { ready: true });
      away.room.send("ready", { ready: true });
      await waitFor(() => spectator.room.state.phase === "playing", "the spectator watches the match start");
    } finally {
      await leaveAll(spectator, home, away, second);
    }
  });

  it("hostile inputs (wrong types, NaN, Infinity, huge arrays, positions, stale seqs) get errors and change nothing", async () => {
    const [home, away] = await oneVsOne();
    try {
      await waitFor(() => home.room.state.phase === "playing", "playing");
      const me = () => home.room.state.players.get(home.room.sessionId)!;
      home.room.send("input", { seq: 10, dir: { x: 0, y: 0 } });
      await waitFor(() => me().lastProcessedInputSeq === 10, "baseline applied");
      const at = { x: me().x, y: me().y };
      const hostile: unknown[] = [
        { seq: "11", dir: { x: 1, y: 0 } },
        { seq: 11, dir: { x: Number.NaN, y: 0 } },
        { seq: 11, dir: { x: Number.POSITIVE_INFINITY, y: 0 } },
        { seq: 11, dir: { x: 40, y: 0 } },
        { seq: 11.5, dir: { x: 1, y: 0 } },
        { seq: -1, dir: { x: 1, y: 0 } },
        { seq: 2 ** 40, dir: { x: 1, y: 0 } },
        { seq: 11, dir: [1, 0] },
        { seq: 11, dir: { x: 1, y: 0 }, junk: new Array(2000).fill(7) },
        { seq: 11, dir: { x: 1, y: 0 }, x: 2900, y: 400 },
        new Array(3000).fill({ seq: 11 }),
        { seq: 11, dir: { x: 1, y: 0, z: { deep: { deeper: [1, 2, 3] } } } },
        "input",
        null,
      ];
      for (const payload of hostile) home.room.send("input", payload as never);
      home.room.send("teleport", { x: 0, y: 0 });
      await waitFor(() => home.errors.length === hostile.length + 1, "one error each");
      assert.ok(home.errors.slice(0, hostile.length).every((e) => e.code === "VALIDATION_FAILED" && e.type === "input"));
      assert.equal(home.errors.at(-1)?.code, "UNKNOWN_MESSAGE");

      // Out of order: below the last accepted seq, ignored without an error.
      home.room.send("input", { seq: 5, dir: { x: 1, y: 0 } });
      home.room.send("ready", { ready: true }); // a later message, to know the stale input was processed
      await waitFor(() => me().ready, "later message applied");
      await new Promise((resolve) => home.room.onStateChange.once(resolve));
      assert.equal(me().lastProcessedInputSeq, 10);
      assert.deepEqual({ x: me().x, y: me().y }, at, "nothing moved");
      assert.equal(home.errors.length, hostile.length + 1);

      // The room and the client are fine.
      home.room.send("input", { seq: 11, dir: { x: 1, y: 0 } });
      await waitFor(() => me().lastProcessedInputSeq === 11 && me().x > at.x, "a valid input still works");
      assert.equal(home.room.connection.isOpen, true);
      assert.equal(away.room.connection.isOpen, true);
    } finally {
      await leaveAll(home, away);
    }
  });

  it("a frame over WS_MAX_PAYLOAD_BYTES closes only that client (1009)", async () => {
    const [home, away] = await oneVsOne();
    try {
      home.room.send("input", { seq: 1, dir: { x: 1, y: 0 }, junk: "x".repeat(server.config.ws.maxPayloadBytes + 1) } as never);
      const homeSession = home.room.sessionId;
      assert.equal(await home.left, 1009);
      // The server's socket sees no close frame after the protocol error (1006), so
      // the seat is held like any drop; the client itself knows 1009 is final.
      await waitFor(() => !away.room.state.players.get(homeSession)?.connected, "the room carries on without it");
      const seq = away.input({ x: 0, y: 1 });
      await waitFor(() => away.room.state.players.get(away.room.sessionId)?.lastProcessedInputSeq === seq, "others still play");
    } finally {
      await leaveAll(home, away);
    }
  });

  it("a flood is closed with 4103 RATE_LIMITED and the room carries on", async () => {
    const [home, away] = await oneVsOne();
    try {
      for (let i = 1; i <= 400; i++) home.room.send("input", { seq: i, dir: { x: 1, y: 0 } });
      assert.equal(await home.left, 4103);
      const seq = away.input({ x: 0, y: 1 });
      await waitFor(() => away.room.state.players.get(away.room.sessionId)?.lastProcessedInputSeq === seq, "others still play");
    } finally {
      await leaveAll(home, away);
    }
  });

  it("a speed hack (max-rate inputs, diagonal sticks, jumping seqs) moves no faster than the rules allow", async () => {
    const [home, away] = await oneVsOne({ reconnectSeconds: 60 });
    try {
      await waitFor(() => home.room.state.phase === "playing", "playing");
      const me = () => home.room.state.players.get(home.room.sessionId)!;
      const samples: { x: number; y: number; t: number }[] = [];
      home.room.onStateChange(() => samples.push({ x: me().x, y: me().y, t: home.room.state.timeLeftMs }));
      let seq = 100;
      // 50 inputs/s stays under the rate limit; each claims a full diagonal and skips seqs.
      const hacker = setInterval(() => home.room.send("input", { seq: (seq += 1000), dir: { x: 1, y: 1 }, kick: true }), 20);
      try {
        await waitFor(() => samples.length > 30 && me().y > 1500, "ran into the corner", 8000);
      } finally {
        clearInterval(hacker);
      }
      const maxSpeed = DEFAULT_PHYSICS.playerMaxSpeed;
      for (let i = 1; i < samples.length; i++) {
        const [a, b] = [samples[i - 1]!, samples[i]!];
        const seconds = (a.t - b.t) / 1000;
        const moved = Math.hypot(metres(b.x - a.x), metres(b.y - a.y));
        assert.ok(moved <= maxSpeed * seconds + 0.02, `moved ${moved.toFixed(3)} m in ${seconds.toFixed(3)} s`);
      }
    } finally {
      await leaveAll(home, away);
    }
  });

  it("a failing results store is retried; the result lands once", async () => {
    const results = server.server.stores.results;
    const original = results.record.bind(results);
    let calls = 0;
    results.record = async (result: MatchResult, options) => {
      calls++;
      if (calls <= 2) throw new Error("store down (test)");
      return original(result, options);
    };
    const [home, away] = await oneVsOne({ matchSeconds: 1, postMatchSeconds: 30 });
    try {
      await waitFor(() => home.finished.length === 1, "finished", 8000);
      const { matchId } = home.finished[0]!.result;
      await waitFor(() => results.get(matchId), "recorded after retries", 8000);
      assert.equal(calls, 3);
      (serverRoom(home.room.roomId) as unknown as GameRoomControls).finishMatch();
      assert.equal(calls, 3, "finishing again records nothing");
    } finally {
      results.record = original;
      await leaveAll(home, away);
    }
  });

  it("rejects bad room options with VALIDATION_FAILED", async () => {
    const client = new Client(server.wsUrl);
    client.auth.token = (await server.guestToken("Bad")).token;
    await assert.rejects(client.create("game", { teamSize: 9 }, GameState), /VALIDATION_FAILED: Invalid game room options: teamSize/);
    await assert.rejects(client.create("game", { matchSeconds: "long" }, GameState), /VALIDATION_FAILED/);
    await assert.rejects(client.create("game", { typo: true }, GameState), /VALIDATION_FAILED/);
    await assert.rejects(client.create("game", { matchId: "not-an-id" }, GameState), /VALIDATION_FAILED/);
  });

  it("a friendly starts when its host says so", async () => {
    const host = await joinGame(server, "Host", { create: { ...QUICK, teamSize: 3, friendly: true, matchSeconds: 60 } });
    const guest = await joinGame(server, "Guest", { roomId: host.room.roomId });
    try {
      await waitFor(() => host.room.state.players.size === 2, "both seated");
      assert.equal(host.room.state.hostId, host.playerId);
      guest.room.send("start", {});
      await waitFor(() => guest.errors.length === 1, "a guest may not start");
      assert.equal(guest.errors[0]!.code, "FORBIDDEN");
      host.room.send("start", {});
      await waitFor(() => guest.room.state.phase === "playing", "started short-handed");
    } finally {
      await leaveAll(host, guest);
    }
  });

  it("records a valid result once per match id", async () => {
    const [home, away] = await oneVsOne({ matchSeconds: 1 });
    try {
      await waitFor(() => home.finished.length === 1 && away.finished.length === 1, "both told");
      const { result } = home.finished[0]!;
      MatchResultSchema.parse(result);
      assert.deepEqual(away.finished[0]!.result, result);
      assert.equal(result.mode, "1v1");
      assert.deepEqual(result.players.map((p) => p.playerId).sort(), [home.playerId, away.playerId].sort());
      const stored = await waitFor(() => server.server.stores.results.get(result.matchId), "stored");
      assert.equal(stored.matchId, result.matchId);
    } finally {
      await leaveAll(home, away);
    }
  });
});
