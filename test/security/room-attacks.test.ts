import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import { encode, type Iterator } from "@colyseus/schema";
import type { Room } from "@colyseus/sdk";
import { pack } from "msgpackr";
import WebSocket from "ws";
import { CloseCodes, GameState, TeamRoomState, type TokenClaims } from "../../shared/index.ts";
import { TokenService } from "../../server/token-service.ts";
import { dropConnection } from "../helpers/game-helpers.ts";
import { joinDraft, leagueWith, player, seedRatings } from "../helpers/draft-helpers.ts";
import { TEST_TOKEN_SECRET, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { rawJoin } from "../helpers/raw-join.ts";
import { flood, Frame, guest, matchmake, openRawSeat, reserve, stockClient } from "../helpers/attack-harness.ts";

/**
 * Attacks on the rooms, one row each (attack → the refusal it must get),
 * against a real in-process server through the stock @colyseus/sdk and raw
 * `ws` sockets. Each row failed before its fix (docs/protocol.md documents
 * every refusal and close code used here).
 */

const CONTROL_BURST = 10;

describe("security: room attacks → refusals (real server, stock SDK, raw ws)", function () {
  this.timeout(60_000);

  const server = useTestServer({
    env: { WS_CONTROL_FRAMES_PER_SECOND: "5", WS_CONTROL_FRAME_BURST: String(CONTROL_BURST), DRAFT_IDLE_CLOSE_SECONDS: "1", RECONNECT_WINDOW_SECONDS: "30" },
  });

  /** A stock-SDK player in a new game room (teamSize 5, so it waits for players and never starts here). */
  async function gameHost(name: string) {
    const who = await guest(server, name);
    const room: Room<any, GameState> = await stockClient(server, who.token).create("game", { teamSize: 5, matchSeconds: 600 }, GameState);
    room.reconnection.enabled = false;
    room.onMessage("*", () => undefined);
    return { ...who, room };
  }

  /** Resolves once `room`'s own change (a ready toggle) came back in a patch: its patches flow. */
  async function patchesFlow(room: Room<any, GameState>): Promise<void> {
    const want = !room.state.players.get(room.sessionId)?.ready;
    room.send("ready", { ready: want });
    await waitFor(() => room.state.players.get(room.sessionId)?.ready === want, "the watcher's own change in a patch", 10_000);
  }

  describe("1. match ids belong to the server", () => {
    const hijack = "m_hijackedid0001";
    const refused = (error: { code?: number; message?: string }) =>
      error.code === 526 && /^VALIDATION_FAILED: the option "matchId" is chosen by the server/.test(error.message ?? "");
    let live: Awaited<ReturnType<typeof gameHost>>;
    before(async () => {
      live = await gameHost("Live host");
    });
    after(() => live.room.leave());

    const rows: { attack: string; refusal: string; run: (token: string) => Promise<unknown> }[] = [
      { attack: "create a game under a chosen matchId", refusal: "526 VALIDATION_FAILED", run: (token) => stockClient(server, token).create("game", { matchId: hijack }, GameState) },
      { attack: "joinOrCreate a game with a chosen matchId", refusal: "526 VALIDATION_FAILED", run: (token) => stockClient(server, token).joinOrCreate("game", { matchId: hijack }, GameState) },
      { attack: "join a game with a chosen matchId", refusal: "526 VALIDATION_FAILED", run: (token) => stockClient(server, token).join("game", { matchId: hijack }, GameState) },
      { attack: "joinById a live game with a matchId", refusal: "526 VALIDATION_FAILED", run: (token) => stockClient(server, token).joinById(live.room.roomId, { matchId: hijack }, GameState) },
      {
        attack: "read a live game's matchId from the lobby, create a game under it",
        refusal: "526 VALIDATION_FAILED",
        run: async (token) => {
          const lobby = await stockClient(server).joinOrCreate("lobby");
          const listed = await new Promise<{ roomId: string; metadata: { matchId: string } }[]>((resolve) => lobby.onMessage("rooms", resolve));
          await lobby.leave();
          const matchId = listed.find((room) => room.roomId === live.room.roomId)?.metadata.matchId;
          assert.equal(matchId, live.room.state.matchId, "the lobby lists the match id (spectators need it)");
          return stockClient(server, token).create("game", { matchId }, GameState);
        },
      },
    ];
    for (const row of rows) {
      it(`${row.attack} → ${row.refusal}`, async () => {
        const { token } = await guest(server, "Hijacker");
        await assert.rejects(row.run(token), refused);
      });
    }

    it("the same over raw HTTP → 526 {code, error: \"VALIDATION_FAILED: …\"}, for every matchmake method", async () => {
      const { token } = await guest(server, "Curl");
      for (const [method, room] of [["create", "game"], ["joinOrCreate", "game"], ["join", "game"], ["joinById", live.room.roomId]] as const) {
        const answer = await matchmake(server, token, method, room, { matchId: live.room.state.matchId });
        assert.equal(answer.status, 526, method);
        assert.match(answer.body.error, /^VALIDATION_FAILED: the option "matchId" is chosen by the server/, method);
      }
    });

    it("server code creating a second room for a live room's match id → refused (CONFLICT): two live rooms never share an id", async () => {
      await assert.rejects(matchMaker.createRoom("game", { matchId: live.room.state.matchId }), /CONFLICT: Match m_\S+ is being played in another room/);
    });
  });

  describe("2. every inbound frame costs budget (close 4103; another client's patches keep flowing)", () => {
    let watcher: Awaited<ReturnType<typeof gameHost>>;
    before(async () => {
      watcher = await gameHost("Watcher");
    });
    after(() => watcher.room.leave());

    const requestFrame = (id: number) => {
      const buffer = Buffer.alloc(64);
      const it: Iterator = { offset: 1 };
      buffer[0] = Frame.ROOM_REQUEST;
      encode.number(buffer, id, it);
      encode.string(buffer, "nobody.handles.this", it);
      return Buffer.concat([buffer.subarray(0, it.offset), pack({})]);
    };
    const dataFrame = (code: number) => {
      const buffer = Buffer.alloc(32);
      const it: Iterator = { offset: 1 };
      buffer[0] = code;
      encode.string(buffer, "ready", it);
      return Buffer.concat([buffer.subarray(0, it.offset), code === Frame.ROOM_DATA ? pack({ ready: true }) : Buffer.from([1, 2, 3])]);
    };
    const rows: { attack: string; send: (ws: WebSocket, i: number) => void }[] = [
      { attack: "Colyseus PING frames [18]", send: (ws) => ws.send(Buffer.from([Frame.PING])) },
      { attack: "ROOM_REQUEST frames [21, id, type, payload] nobody handles", send: (ws, i) => ws.send(requestFrame(i)) },
      { attack: "frames with an unknown first byte [31]", send: (ws) => ws.send(Buffer.from([31, 1, 2])) },
      { attack: "frames with an unknown first byte [200] (modifier bits)", send: (ws) => ws.send(Buffer.from([200])) },
      { attack: "empty binary frames", send: (ws) => ws.send(Buffer.alloc(0)) },
      { attack: "text frames", send: (ws) => ws.send("hello") },
      { attack: "JOIN_ROOM acks [10] again and again", send: (ws) => ws.send(Buffer.from([Frame.JOIN_ROOM])) },
      { attack: "WebSocket ping control frames", send: (ws) => ws.ping() },
      { attack: "unsolicited WebSocket pong control frames", send: (ws) => ws.pong() },
      { attack: "ROOM_DATA messages [13] (a valid `ready`)", send: (ws) => ws.send(dataFrame(Frame.ROOM_DATA)) },
      { attack: "ROOM_DATA_BYTES messages [17]", send: (ws) => ws.send(dataFrame(Frame.ROOM_DATA_BYTES)) },
    ];
    for (const row of rows) {
      it(`${row.attack} → close 4103 RATE_LIMITED, no seat held, the watcher's patches flow meanwhile`, async () => {
        const { token } = await guest(server, "Flooder");
        const raw = await rawJoin(server, token, { roomId: watcher.room.roomId });
        await waitFor(() => watcher.room.state.players.size === 2, "the flooder seated");
        const [outcome] = await Promise.all([flood(raw.ws, row.send), patchesFlow(watcher.room)]);
        assert.equal(outcome, CloseCodes.RATE_LIMITED.code);
        await waitFor(() => watcher.room.state.players.size === 1, "the flooder's seat released (not held for a reconnection)");
        await patchesFlow(watcher.room);
      });
    }

    it("a socket that names no seat and floods PING frames → close 4103", async () => {
      const ws = new WebSocket(`${server.wsUrl}/`);
      ws.on("error", () => undefined);
      await new Promise((resolve) => ws.once("open", resolve));
      assert.equal(await flood(ws, (socket) => socket.send(Buffer.from([Frame.PING]))), CloseCodes.RATE_LIMITED.code);
    });

    it("a client within the budget is never closed (control frames under the sustained rate)", async () => {
      const { token } = await guest(server, "Polite");
      const raw = await rawJoin(server, token, { roomId: watcher.room.roomId });
      for (let i = 0; i < CONTROL_BURST - 2; i++) raw.ws.send(Buffer.from([Frame.PING]));
      await patchesFlow(watcher.room);
      assert.equal(raw.ws.readyState, WebSocket.OPEN);
      assert.equal(await raw.leave(), CloseCodes.CONSENTED.code);
    });
  });

  describe("3. a seat reservation belongs to its player", () => {
    let host: Awaited<ReturnType<typeof gameHost>>;
    before(async () => {
      host = await gameHost("Seat host");
    });
    after(() => host.room.leave());

    const expired = async (claims: Pick<TokenClaims, "playerId" | "name">) =>
      (await new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60, now: () => Math.floor(Date.now() / 1000) - 3600 }).issue(claims)).token;
    const rows: { attack: string; refusal: RegExp; carry: (victim: { token: string; playerId: string; name: string }, thief: { token: string }) => Promise<{ query?: string; protocol?: string }> }[] = [
      { attack: "take another player's seat with one's own token (query)", refusal: /^FORBIDDEN: This seat is reserved for another player/, carry: async (_v, thief) => ({ query: thief.token }) },
      { attack: "take another player's seat with one's own token (subprotocol)", refusal: /^FORBIDDEN: This seat is reserved for another player/, carry: async (_v, thief) => ({ protocol: thief.token }) },
      { attack: "take a seat with no token at all (the session id alone)", refusal: /^UNAUTHORIZED: /, carry: async () => ({}) },
      { attack: "take a seat with a forged token", refusal: /^TOKEN_INVALID: /, carry: async () => ({ query: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.Zm9yZ2Vk" }) },
      { attack: "take a seat with the victim's expired token", refusal: /^TOKEN_EXPIRED: /, carry: async (victim) => ({ query: await expired(victim) }) },
    ];
    for (const row of rows) {
      it(`${row.attack} → error 525 ${row.refusal.source.slice(1, row.refusal.source.indexOf(":"))}, close 4002; the seat stays the victim's`, async () => {
        const victim = await guest(server, "Victim");
        const thief = await guest(server, "Thief");
        const seat = await reserve(server, victim.token, "joinById", host.room.roomId);
        const attempt = await openRawSeat(server, seat, await row.carry(victim, thief));
        assert.equal(attempt.joined, false);
        assert.equal(attempt.error?.code, 525);
        assert.match(attempt.error?.message ?? "", row.refusal);
        assert.equal(await attempt.closed, CloseCodes.WITH_ERROR.code);
        // The reservation was not consumed by the attempt: its player takes it.
        const own = await openRawSeat(server, seat, { query: victim.token });
        assert.equal(own.joined, true, `the victim's own join: ${own.error?.message}`);
        await waitFor(() => [...host.room.state.players.values()].some((p) => p.playerId === victim.playerId), "the victim seated");
        own.ws.send(Buffer.from([Frame.LEAVE_ROOM]));
        assert.equal(await own.closed, CloseCodes.CONSENTED.code);
      });
    }

    it("the stock SDK consuming another player's reservation with its own client.auth.token → error 525 FORBIDDEN", async () => {
      const victim = await guest(server, "Victim");
      const thief = await guest(server, "Thief");
      const seat = await reserve(server, victim.token, "joinById", host.room.roomId);
      await assert.rejects(stockClient(server, thief.token).consumeSeatReservation(seat as never, GameState), (error: { code?: number; message?: string }) => error.code === 525 && /^FORBIDDEN: /.test(error.message ?? ""));
      const mine = await stockClient(server, victim.token).consumeSeatReservation(seat as never, GameState);
      assert.equal(mine.sessionId, seat.sessionId);
      await mine.leave();
    });
  });

  describe("4. one team room per player (CONFLICT with details naming the current team)", () => {
    async function teamMember(name: string) {
      const who = await guest(server, name);
      const client = stockClient(server, who.token);
      const room: Room<any, TeamRoomState> = await client.create("team", { size: 3 }, TeamRoomState);
      room.reconnection.enabled = false;
      room.onMessage("*", () => undefined);
      await waitFor(() => room.state.code, "the team's code");
      return { ...who, client, room };
    }
    const conflict = (home: { room: Room<any, TeamRoomState> }) => (error: { code?: number; message?: string }) =>
      error.code === 526 && error.message === `CONFLICT: You are already in team "${home.room.state.name}" (code ${home.room.state.code}): reconnect to it, or leave it before joining another team`;

    const rows: { attack: string; run: (member: Awaited<ReturnType<typeof teamMember>>, other: Awaited<ReturnType<typeof teamMember>>) => Promise<unknown> }[] = [
      { attack: "join a second team by its code", run: (m, other) => m.client.join("team", { code: other.room.state.code }, TeamRoomState) },
      { attack: "create a second team", run: (m) => m.client.create("team", {}, TeamRoomState) },
      { attack: "quick-join an open team (joinOrCreate)", run: (m) => m.client.joinOrCreate("team", {}, TeamRoomState) },
      { attack: "joinById a second team from the lobby", run: (m, other) => m.client.joinById(other.room.roomId, {}, TeamRoomState) },
      {
        attack: "drop the socket (seat held for reconnection), then join a second team",
        run: async (m, other) => {
          dropConnection(m.room.roomId, m.room.sessionId);
          await waitFor(() => m.room.state.members.get(m.room.sessionId)?.away === true || !m.room.connection.isOpen, "dropped");
          return stockClient(server, m.token).join("team", { code: other.room.state.code }, TeamRoomState);
        },
      },
    ];
    for (const row of rows) {
      it(`${row.attack} → 526 CONFLICT naming the current team`, async () => {
        const member = await teamMember("Member");
        const other = await teamMember("Other captain");
        try {
          await assert.rejects(row.run(member, other), conflict(member));
          assert.equal(other.room.state.members.size, 1, "nobody joined the second team");
        } finally {
          await Promise.all([member.room, other.room].map((room) => (room.connection.isOpen ? room.leave() : undefined)));
        }
      });
    }

    it("the matchmake answer carries details {reason, roomId, teamId, code, name} so a client can leave that team first; leaving frees the player", async () => {
      const member = await teamMember("Detailed");
      const other = await teamMember("Second");
      const answer = await matchmake(server, member.token, "join", "team", { code: other.room.state.code });
      assert.equal(answer.status, 526);
      assert.match(answer.body.error, /^CONFLICT: You are already in team/);
      assert.deepEqual(answer.body.details, { reason: "ALREADY_IN_TEAM", roomId: member.room.roomId, teamId: member.room.state.teamId, code: member.room.state.code, name: member.room.state.name });
      await member.room.leave();
      const joined = await member.client.join("team", { code: other.room.state.code }, TeamRoomState);
      assert.equal(joined.roomId, other.room.roomId);
      await Promise.all([joined.leave(), other.room.leave()]);
    });

    it("two joins to two teams at once → exactly one lands (the store claim is atomic)", async () => {
      const a = await teamMember("Team A");
      const b = await teamMember("Team B");
      const racer = await guest(server, "Racer");
      const outcomes = await Promise.allSettled([a, b].map((team) => stockClient(server, racer.token).join("team", { code: team.room.state.code }, TeamRoomState)));
      assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1, JSON.stringify(outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "joined"))));
      assert.match(String((outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult).reason), /CONFLICT: You are already in team/);
      await Promise.all(outcomes.map((o) => (o.status === "fulfilled" ? o.value.leave() : undefined)));
      await Promise.all([a.room.leave(), b.room.leave()]);
    });
  });

  describe("6. abandoned state is reclaimed", () => {
    it("pause a draft and leave it (one leaves, one drops) → after DRAFT_IDLE_CLOSE_SECONDS it is snapshotted and closed; the next join restores it paused", async () => {
      await seedRatings(server, Array.from({ length: 6 }, (_, i) => ({ ownerId: `idle-${i}`, name: `Idle ${i}`, score: 1800 - i })));
      const [comm, ann] = [await player(server, "Idle comm"), await player(server, "Idle ann")];
      const league = await leagueWith(server, comm, [ann], { teamName: "Comm FC", rosterSize: 2, draftOrder: "manual", pickSeconds: 600 });
      const [c, a] = [await joinDraft(server, comm, league.id), await joinDraft(server, ann, league.id)];
      c.send("order.set", { teamIds: ["t1", "t2"] });
      c.send("start", {});
      await waitFor(() => a.room.state.status === "running", "running");
      c.send("pick", { pickId: "p1", playerId: "idle-0" });
      await waitFor(() => a.room.state.picks.length === 1, "one pick");
      c.send("pause", {});
      await waitFor(() => a.room.state.status === "paused", "paused");
      const roomId = a.room.roomId;
      a.room.reconnection.enabled = false;
      dropConnection(roomId, a.room.sessionId); // a seat held for the whole draft
      await c.room.leave();
      await waitFor(() => matchMaker.getLocalRoomById(roomId) === undefined, "the idle draft's room closed", 10_000);

      const back = await joinDraft(server, comm, league.id);
      try {
        assert.notEqual(back.room.roomId, roomId, "a new room");
        await waitFor(() => back.room.state.leagueId === league.id, "the restored room's state");
        assert.deepEqual([back.room.state.status, back.room.state.picks.length, back.room.state.picks[0]?.playerId], ["paused", 1, "idle-0"]);
      } finally {
        await back.room.leave();
      }
    });
  });
});
