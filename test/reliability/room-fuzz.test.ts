import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import fc from "fast-check";
import { pack } from "msgpackr";
import WebSocket from "ws";
import { DEFAULT_PHYSICS } from "../../rooms/arena/config.ts";
import {
  ARENA_UNITS_PER_METER,
  CloseCodes,
  CommonClientMessages,
  DraftClientMessages,
  DraftState,
  ErrorCodes,
  GameClientMessages,
  GameServerMessage,
  GameState,
  ServerMessage,
  TeamClientMessages,
  TeamRoomState,
  closeCodeName,
  type RoomErrorMessage,
} from "../../shared/index.ts";
import { leagueWith, player, seedRatings } from "../draft/draft-helpers.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { rawJoin } from "./raw-join.ts";
import { note } from "../helpers/quiet-console.ts";

/**
 * Hostile input against the real game, team and draft rooms through the stock
 * SDK, then raw frames over a raw `ws` socket. Every case must be answered
 * with an `error` message (never INTERNAL) or a documented close code; a
 * second, well-behaved client keeps getting patches; the room keeps its
 * invariants; the process survives.
 */
const SYNC = "__sync__";
const MAX_PAYLOAD = 16384;
const RUNS_PER_ROOM = Number(process.env.FUZZ_RUNS ?? 150);
const RAW_RUNS = Number(process.env.FUZZ_RAW_RUNS ?? 60);
let casesTried = 0;

/** Values that break naive handlers: wrong types, NaN/±Infinity/-0, huge numbers, strings and arrays. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 31), 2 ** 32, null, undefined, true, false, "", [], {}),
  fc.integer({ min: 1000, max: 7000 }).map((n) => "é".repeat(n)),
  fc.integer({ min: 100, max: 2500 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("__proto__", "constructor", "toString", "1v1", "home", "away"),
);

/** A payload shaped like `keys` (each key maybe present, with a hostile value), or any value at all. */
function payloadFor(keys: string[]): fc.Arbitrary<unknown> {
  const shaped = keys.length
    ? fc.dictionary(fc.constantFrom(...keys, "extra", "__proto__"), fc.oneof(weird, fc.dictionary(fc.constantFrom("x", "y", "z"), weird)), { maxKeys: keys.length + 1 })
    : fc.constant({});
  return fc.oneof(shaped, weird);
}

function messageArb(messageKeys: Record<string, string[]>): fc.Arbitrary<[string | number, unknown]> {
  const known = Object.keys(messageKeys);
  const type = fc.oneof(
    fc.constantFrom(...known, "auth.refresh", "*"),
    fc.string({ maxLength: 300 }).filter((t) => t !== SYNC),
    fc.integer({ min: -1000, max: 100_000 }),
  );
  return type.chain((t) => fc.tuple(fc.constant(t), typeof t === "string" && messageKeys[t] ? payloadFor(messageKeys[t]) : payloadFor(["token", "text", "seq"])));
}

/** What the hostile client sees, with a barrier: `sync()` resolves once every earlier message was handled. */
function watchErrors(room: Room<any, any>) {
  const errors: RoomErrorMessage[] = [];
  let syncs = 0;
  let closed: number | undefined;
  room.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => {
    if (error.type === SYNC) syncs++;
    else errors.push(error);
  });
  room.onMessage("*", () => undefined);
  room.onLeave((code) => (closed = code));
  return {
    errors,
    get closed() {
      return closed;
    },
    async sync() {
      const want = syncs + 1;
      room.send(SYNC, {});
      await waitFor(() => syncs >= want || closed !== undefined, "the sync barrier", 15_000);
    },
  };
}

interface FuzzTarget {
  hostile: Room<any, any>;
  keys: Record<string, string[]>;
  /** Resolves once the well-behaved client saw a fresh patch it caused. */
  liveness(): Promise<void>;
  /** Throws when a room invariant is broken (checked on the well-behaved client's state). */
  invariants(): void;
}

async function fuzz(target: FuzzTarget): Promise<void> {
  const seen = watchErrors(target.hostile);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(messageArb(target.keys), async ([type, payload]) => {
      fc.pre(pack(payload).length < MAX_PAYLOAD - 400);
      // A well-formed auth.refresh carrying a forged token is answered by
      // closing with 4102 AUTH_REVOKED, by design (test/rooms/base-room.test.ts,
      // reliability/auth-transports.test.ts). One hostile client serves every
      // case here, so that one case is left to those tests (it came up in about
      // one run in eight and failed this one).
      fc.pre(!(type === "auth.refresh" && CommonClientMessages["auth.refresh"].safeParse(payload).success));
      casesTried++;
      const before = seen.errors.length;
      target.hostile.send(type as string, payload);
      await seen.sync();
      assert.equal(seen.closed, undefined, `hostile client closed with ${seen.closed} (${closeCodeName(seen.closed!)}) after ${String(type)}`);
      for (const error of seen.errors.slice(before)) {
        assert.ok(Object.hasOwn(ErrorCodes, error.code), `undocumented error code ${error.code}`);
        assert.notEqual(error.code, "INTERNAL", `INTERNAL for ${String(type)} ${JSON.stringify(payload)?.slice(0, 200)}`);
        assert.equal(typeof error.message, "string");
      }
      target.invariants();
      if (++run % 25 === 0) await target.liveness();
    }),
    { numRuns: RUNS_PER_ROOM, endOnFailure: true },
  );
  await target.liveness();
  target.invariants();
}

const keysOf = (schemas: Record<string, unknown>, extra: Record<string, string[]>) =>
  Object.fromEntries(Object.keys(schemas).map((type) => [type, extra[type] ?? []]));

async function sdkClient(server: TestServer, name: string) {
  const { token, playerId } = await server.guestToken(name);
  const client = new Client(server.wsUrl);
  client.auth.token = token;
  return { client, token, playerId };
}

describe("reliability: hostile room input (fast-check)", function () {
  this.timeout(120_000);
  let server: TestServer;
  const open: Room[] = [];

  before(async () => {
    // Rate limits high: this suite is about validation, not floods (base-room.test covers 4103).
    server = await startTestServer({ env: { WS_MESSAGES_PER_SECOND: "10000", WS_MESSAGE_BURST: "10000", WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD) } });
  });
  after(async () => {
    await Promise.all(open.map((room) => (room.connection?.isOpen ? room.leave().catch(() => undefined) : undefined)));
    await server.close();
    note(`room fuzz: ${casesTried} hostile cases tried`);
  });

  it("game: every message type and unknown types; speed, clock and score invariants hold", async () => {
    const hostile = await sdkClient(server, "hostile");
    const hostileRoom = await hostile.client.create("game", { teamSize: 1, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, matchSeconds: 600 }, GameState);
    const watcher = await sdkClient(server, "watcher");
    const watchRoom: Room<any, GameState> = await watcher.client.joinById(hostileRoom.roomId, {}, GameState);
    open.push(hostileRoom, watchRoom);
    hostileRoom.reconnection.enabled = false;
    watchRoom.reconnection.enabled = false;
    let goals = 0;
    watchRoom.onMessage(GameServerMessage.GOAL, () => goals++);
    watchRoom.onMessage("*", () => undefined);
    await waitFor(() => watchRoom.state.phase === "playing", "the match to start");
    let seq = 0;
    let maxSpeed = 0;
    const invariants = () => {
      const state = watchRoom.state;
      state.players.forEach((p) => {
        const speed = Math.hypot(p.vx, p.vy) / ARENA_UNITS_PER_METER;
        maxSpeed = Math.max(maxSpeed, speed);
        assert.ok(speed <= DEFAULT_PHYSICS.playerMaxSpeed + 0.02, `player ${p.playerId} at ${speed} m/s`);
        assert.ok(Number.isFinite(p.x) && Number.isFinite(p.y));
      });
      assert.ok(state.timeLeftMs <= 600_000, `clock ${state.timeLeftMs}`);
      assert.ok(state.home.score + state.away.score <= goals + 1, "score moved without a goal"); // the goal message follows its patch
    };
    watchRoom.onStateChange(invariants);
    await fuzz({
      hostile: hostileRoom,
      keys: keysOf(GameClientMessages, { input: ["seq", "dir", "kick"], ready: ["ready"] }),
      async liveness() {
        const mine = ++seq;
        watchRoom.send("input", { seq: mine, dir: { x: seq % 2 ? 1 : -1, y: 0 } });
        await waitFor(() => (watchRoom.state.players.get(watchRoom.sessionId)?.lastProcessedInputSeq ?? 0) >= mine || watchRoom.state.phase !== "playing", "the watcher's input in a patch", 15_000);
      },
      invariants,
    });
    await waitFor(() => watchRoom.state.home.score + watchRoom.state.away.score === goals, "score to equal goal messages");
    assert.ok(watchRoom.connection.isOpen);
    note(`game fuzz: fastest player seen ${maxSpeed.toFixed(2)} m/s (max ${DEFAULT_PHYSICS.playerMaxSpeed}), goals ${goals}`);
  });

  it("team: every message type and unknown types; a member keeps getting patches", async () => {
    const hostile = await sdkClient(server, "captain");
    const hostileRoom = await hostile.client.create("team", { size: 4 }, TeamRoomState);
    const watcher = await sdkClient(server, "member");
    const watchRoom: Room<any, TeamRoomState> = await watcher.client.join("team", { code: hostileRoom.state.code }, TeamRoomState);
    open.push(hostileRoom, watchRoom);
    hostileRoom.reconnection.enabled = false;
    watchRoom.reconnection.enabled = false;
    watchRoom.onMessage("*", () => undefined);
    await fuzz({
      hostile: hostileRoom,
      keys: keysOf(TeamClientMessages, { ready: ["ready"], chat: ["text"], kick: ["sessionId"], transferCaptain: ["sessionId"], setName: ["name"], setSize: ["size"], queue: ["mode"] }),
      async liveness() {
        if (!watchRoom.connection.isOpen) throw new Error("the well-behaved member was closed");
        // Toggling ready (chat has its own per-member rate limit).
        const want = !watchRoom.state.members.get(watchRoom.sessionId)?.ready;
        watchRoom.send("ready", { ready: want });
        await waitFor(() => watchRoom.state.members.get(watchRoom.sessionId)?.ready === want, "the member's ready flag in a patch", 15_000);
      },
      invariants() {
        assert.ok(watchRoom.state.members.size <= 5);
      },
    });
  });

  it("draft: every message type and unknown types; a manager keeps getting patches", async () => {
    const commissioner = await player(server, "commish");
    const manager = await player(server, "manager");
    await seedRatings(server, Array.from({ length: 20 }, (_, i) => ({ ownerId: `pool-${i}`, name: `Pool ${i}`, score: 1000 + i })));
    const league = await leagueWith(server, commissioner, [manager], { teamName: "Commish FC" });
    const hostileClient = new Client(server.wsUrl);
    hostileClient.auth.token = commissioner.token;
    const hostileRoom = await hostileClient.joinOrCreate("draft", { leagueId: league.id }, DraftState);
    const watchClient = new Client(server.wsUrl);
    watchClient.auth.token = manager.token;
    const watchRoom: Room<any, DraftState> = await watchClient.joinOrCreate("draft", { leagueId: league.id }, DraftState);
    open.push(hostileRoom, watchRoom);
    hostileRoom.reconnection.enabled = false;
    watchRoom.reconnection.enabled = false;
    watchRoom.onMessage("*", () => undefined);
    const myTeam = () => {
      let found: { autopick: boolean } | undefined;
      watchRoom.state.teams.forEach((team) => {
        if (team.managerId === manager.playerId) found = team;
      });
      return found;
    };
    await fuzz({
      hostile: hostileRoom,
      keys: keysOf(DraftClientMessages, { "order.set": ["teamIds"], pick: ["pickId", "playerId", "teamId"], "queue.set": ["playerIds"], "autopick.set": ["enabled", "teamId"], undo: ["pickNumber"] }),
      async liveness() {
        if (!watchRoom.connection.isOpen) throw new Error("the well-behaved manager was closed");
        const want = !myTeam()?.autopick;
        watchRoom.send("autopick.set", { enabled: want });
        await waitFor(() => myTeam()?.autopick === want, "the manager's autopick flag in a patch", 15_000);
      },
      invariants() {
        const s = watchRoom.state;
        assert.ok(s.picks.length <= s.totalPicks || s.totalPicks === 0);
      },
    });
  });

  it("raw frames after a real join: non-msgpack bytes → error or 4002, oversized → 1009; the room lives on", async () => {
    const watcher = await sdkClient(server, "raw-watcher");
    const watchRoom: Room<any, GameState> = await watcher.client.create("game", { teamSize: 5, matchSeconds: 600 }, GameState);
    open.push(watchRoom);
    watchRoom.reconnection.enabled = false;
    watchRoom.onMessage("*", () => undefined);
    const documented = new Set(Object.values(CloseCodes).map((c) => c.code as number));
    const codes = new Map<number | string, number>();
    const frame = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((b) => ({ kind: "random", data: Buffer.from(b) })),
      fc.uint8Array({ maxLength: 500 }).map((b) => ({ kind: "room-data+garbage", data: Buffer.concat([Buffer.from([13]), Buffer.from(b)]) })),
      fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: "join-ack+garbage", data: Buffer.concat([Buffer.from([10]), Buffer.from(b)]) })),
      fc.string({ maxLength: 500 }).map((s) => ({ kind: "text", data: s })),
      fc.integer({ min: MAX_PAYLOAD + 1, max: MAX_PAYLOAD * 4 }).map((n) => ({ kind: "oversized", data: Buffer.alloc(n, 13) })),
    );
    await fc.assert(
      fc.asyncProperty(frame, async ({ kind, data }) => {
        casesTried++;
        // A fresh player each case: the previous one's seat may still be leaving.
        const { token } = await server.guestToken("raw");
        const raw = await rawJoin(server, token, { roomId: watchRoom.roomId });
        raw.ws.send(data);
        // A ping after the frame: its pong (or the close) means the server handled the frame.
        const outcome = await new Promise<number | "open">((resolve) => {
          raw.ws.once("pong", () => resolve("open"));
          void raw.closed.then(resolve);
          raw.ws.ping();
        });
        codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
        if (kind === "oversized") assert.equal(outcome, CloseCodes.MESSAGE_TOO_BIG.code, "oversized frame");
        if (outcome !== "open") assert.ok(documented.has(outcome), `undocumented close ${outcome} after ${kind}`);
        if (raw.ws.readyState === WebSocket.OPEN) {
          raw.ws.close(1000); // a bare close() sends no code (1005), which holds the seat for reconnection
          await raw.closed;
        }
        await waitFor(() => watchRoom.state.players.size === 1, `the raw seat released after ${kind} → ${outcome}`);
        assert.ok(watchRoom.connection.isOpen, "the well-behaved client was affected");
      }),
      { numRuns: RAW_RUNS, endOnFailure: true },
    );
    // The room still serves its well-behaved client.
    await waitFor(() => watchRoom.state.players.size === 1, "raw seats released");
    watchRoom.send("ready", { ready: true });
    await waitFor(() => watchRoom.state.players.get(watchRoom.sessionId)?.ready === true, "a patch after the raw frames");
    note(`raw frames: outcomes ${JSON.stringify(Object.fromEntries(codes))}`);
  });
});
