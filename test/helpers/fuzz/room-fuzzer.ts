import { decode, type Iterator } from "@colyseus/schema";
import { Client, type Room } from "@colyseus/sdk";
import fc from "fast-check";
import { pack, unpack } from "msgpackr";
import WebSocket from "ws";
import { DEFAULT_PHYSICS } from "../../../shared/rules/arena/config.ts";
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
} from "../../../shared/index.ts";
import { waitFor } from "../wait.ts";
import { openSeat, type RawSeat } from "../raw-join.ts";
import { keysOf, messageArb, rawFrameArb, SYNC } from "./arbitraries.ts";
import type { Findings } from "./findings.ts";

/**
 * Hostile input against the real game, team and draft rooms (stock SDK) and
 * raw frames of every kind over a raw `ws` socket. Every case must be
 * answered with an `error` message (never INTERNAL) or a documented close
 * code; a second, well-behaved client keeps getting patches; the room keeps
 * its invariants. Talks to the server over the network only, so it runs
 * against an in-process server (tests) or a child process (scripts/fuzz.ts).
 */
export interface FuzzServer {
  httpUrl: string;
  wsUrl: string;
  adminKey: string;
}

export type RoomFuzzer = "game" | "team" | "draft";

async function api(server: FuzzServer, method: string, path: string, body: unknown, auth: { token?: string; admin?: boolean }): Promise<any> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.admin) headers["x-admin-key"] = server.adminKey;
  const response = await fetch(`${server.httpUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await response.json();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function player(server: FuzzServer, name: string): Promise<{ token: string; playerId: string; client: Client }> {
  const body = await api(server, "POST", "/v1/auth/guest", { name }, {});
  const client = new Client(server.wsUrl);
  client.auth.token = body.token;
  return { token: body.token, playerId: body.player.playerId, client };
}

/** What the hostile client sees, with a barrier: `sync()` resolves once every earlier message was handled. */
function watchErrors(room: Room<any, any>) {
  const errors: RoomErrorMessage[] = [];
  let closed: number | undefined;
  let synced: (() => void) | undefined;
  room.onMessage(ServerMessage.ERROR, (error: RoomErrorMessage) => {
    if (error.type === SYNC) synced?.();
    else errors.push(error);
  });
  room.onMessage("*", () => undefined);
  room.onLeave((code) => {
    closed = code;
    synced?.();
  });
  return {
    errors,
    get closed() {
      return closed;
    },
    /** Messages are handled in order: the answer to a message sent now comes after every earlier one's. */
    async sync() {
      if (closed !== undefined) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve, reject) => {
        synced = resolve;
        timer = setTimeout(() => reject(new Error("no answer to the sync barrier within 15 s")), 15_000);
        room.send(SYNC, {});
      }).finally(() => clearTimeout(timer));
    },
  };
}

interface FuzzTarget {
  hostile: Room<any, any>;
  keys: Record<string, string[]>;
  /** Resolves once the well-behaved client saw a fresh patch it caused. */
  liveness(): Promise<void>;
  /** Returns what is wrong (checked on the well-behaved client's state), or undefined. */
  invariants(): string | undefined;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 16384 - 400;

async function fuzzMessages(name: RoomFuzzer, target: FuzzTarget, runs: number, findings: Findings): Promise<void> {
  const seen = watchErrors(target.hostile);
  let run = 0;
  const live = async () => {
    try {
      await target.liveness();
    } catch (error) {
      findings.found("invariant", name, `the well-behaved client stopped getting patches: ${(error as Error).message}`);
    }
  };
  await fc.assert(
    fc.asyncProperty(messageArb(target.keys), async ([type, payload]) => {
      fc.pre(pack(payload).length < MAX_MESSAGE_BYTES);
      // A well-formed auth.refresh with a forged token is answered by closing with 4102 AUTH_REVOKED,
      // by design (test/rooms/base-room.test.ts); one hostile client serves every case, so it is left out.
      fc.pre(!(type === "auth.refresh" && CommonClientMessages["auth.refresh"].safeParse(payload).success));
      if (seen.closed !== undefined) return; // already reported; the rest of this room's cases are moot
      findings.tried(name);
      const before = seen.errors.length;
      target.hostile.send(type as string, payload);
      await seen.sync();
      findings.check(seen.closed === undefined, "invariant", name, () => `hostile client closed with ${seen.closed} (${closeCodeName(seen.closed!)}) after ${String(type).slice(0, 80)}`);
      for (const error of seen.errors.slice(before)) {
        findings.check(Object.hasOwn(ErrorCodes, error.code), "invariant", name, () => `undocumented error code ${error.code}`);
        findings.check(error.code !== "INTERNAL", "internal", name, () => `INTERNAL for ${String(type).slice(0, 80)} ${JSON.stringify(payload)?.slice(0, 200)}`);
      }
      const broken = target.invariants();
      if (broken) findings.found("invariant", name, broken);
      if (++run % 25 === 0) await live();
    }),
    { numRuns: runs, endOnFailure: true },
  );
  await live();
  const broken = target.invariants();
  if (broken) findings.found("invariant", name, broken);
}

async function gameTarget(server: FuzzServer): Promise<FuzzTarget> {
  const hostile = await player(server, "hostile");
  const hostileRoom = await hostile.client.create("game", { teamSize: 1, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, matchSeconds: 3600 }, GameState);
  const watcher = await player(server, "watcher");
  const watchRoom: Room<any, GameState> = await watcher.client.joinById(hostileRoom.roomId, {}, GameState);
  hostileRoom.reconnection.enabled = false;
  watchRoom.reconnection.enabled = false;
  let goals = 0;
  watchRoom.onMessage(GameServerMessage.GOAL, () => goals++);
  watchRoom.onMessage("*", () => undefined);
  await waitFor(() => watchRoom.state.phase === "playing", "the match to start");
  let seq = 0;
  return {
    hostile: hostileRoom,
    keys: keysOf(GameClientMessages, { input: ["seq", "dir", "kick"], ready: ["ready"] }),
    async liveness() {
      const mine = ++seq;
      watchRoom.send("input", { seq: mine, dir: { x: seq % 2 ? 1 : -1, y: 0 } });
      await waitFor(() => (watchRoom.state.players.get(watchRoom.sessionId)?.lastProcessedInputSeq ?? 0) >= mine || watchRoom.state.phase !== "playing", "the watcher's input in a patch", 15_000);
    },
    invariants() {
      const state = watchRoom.state;
      for (const p of state.players.values()) {
        const speed = Math.hypot(p.vx, p.vy) / ARENA_UNITS_PER_METER;
        if (speed > DEFAULT_PHYSICS.playerMaxSpeed + 0.02) return `player ${p.playerId} at ${speed} m/s`;
        if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return `player ${p.playerId} off the map`;
      }
      if (state.timeLeftMs > 3_600_000) return `clock ${state.timeLeftMs}`;
      // The goal message follows the patch that shows it.
      if (state.home.score + state.away.score > goals + 1) return "the score moved without a goal";
      return undefined;
    },
    close: () => Promise.all([hostileRoom.leave(), watchRoom.leave()]).then(() => undefined),
  };
}

async function teamTarget(server: FuzzServer): Promise<FuzzTarget> {
  const hostile = await player(server, "captain");
  const hostileRoom = await hostile.client.create("team", { size: 4 }, TeamRoomState);
  await waitFor(() => hostileRoom.state.code, "the team code");
  const watcher = await player(server, "member");
  const watchRoom: Room<any, TeamRoomState> = await watcher.client.join("team", { code: hostileRoom.state.code }, TeamRoomState);
  hostileRoom.reconnection.enabled = false;
  watchRoom.reconnection.enabled = false;
  watchRoom.onMessage("*", () => undefined);
  return {
    hostile: hostileRoom,
    keys: keysOf(TeamClientMessages, { ready: ["ready"], chat: ["text"], kick: ["sessionId"], transferCaptain: ["sessionId"], setName: ["name"], setSize: ["size"], queue: ["mode"] }),
    async liveness() {
      if (!watchRoom.connection.isOpen) throw new Error("the well-behaved member was closed");
      // Toggling ready (chat has its own per-member rate limit).
      const want = !watchRoom.state.members.get(watchRoom.sessionId)?.ready;
      watchRoom.send("ready", { ready: want });
      await waitFor(() => watchRoom.state.members.get(watchRoom.sessionId)?.ready === want, "the member's ready flag in a patch", 15_000);
    },
    invariants: () => (watchRoom.state.members.size <= 5 ? undefined : `${watchRoom.state.members.size} members`),
    close: () => Promise.all([hostileRoom.leave(), watchRoom.leave()]).then(() => undefined),
  };
}

async function draftTarget(server: FuzzServer): Promise<FuzzTarget> {
  const commissioner = await player(server, "commish");
  const manager = await player(server, "manager");
  const tag = Math.random().toString(36).slice(2, 8);
  const records = Array.from({ length: 20 }, (_, i) => ({ ownerId: `pool-${tag}-${i}`, name: `Pool ${i}`, score: 1000 + i }));
  await api(server, "POST", "/v1/admin/leaderboards/rating/records", { records }, { admin: true });
  const league = await api(server, "POST", "/v1/leagues", { name: "Fuzz league", teamCount: 2, teamName: "Commish FC" }, { token: commissioner.token });
  await api(server, "POST", "/v1/leagues/join", { inviteCode: league.inviteCode, teamName: "Manager FC" }, { token: manager.token });
  const hostileRoom = await commissioner.client.joinOrCreate("draft", { leagueId: league.id }, DraftState);
  const watchRoom: Room<any, DraftState> = await manager.client.joinOrCreate("draft", { leagueId: league.id }, DraftState);
  hostileRoom.reconnection.enabled = false;
  watchRoom.reconnection.enabled = false;
  watchRoom.onMessage("*", () => undefined);
  const myTeam = () => [...watchRoom.state.teams.values()].find((team) => team.managerId === manager.playerId);
  return {
    hostile: hostileRoom,
    keys: keysOf(DraftClientMessages, { "order.set": ["teamIds"], pick: ["pickId", "playerId", "teamId"], "queue.set": ["playerIds"], "autopick.set": ["enabled", "teamId"], undo: ["pickNumber"] }),
    async liveness() {
      if (!watchRoom.connection.isOpen) throw new Error("the well-behaved manager was closed");
      const want = !myTeam()?.autopick;
      watchRoom.send("autopick.set", { enabled: want });
      await waitFor(() => myTeam()?.autopick === want || watchRoom.state.status === "complete", "the manager's autopick flag in a patch", 15_000);
    },
    invariants() {
      const s = watchRoom.state;
      return s.picks.length <= s.totalPicks || s.totalPicks === 0 ? undefined : `${s.picks.length} picks of ${s.totalPicks}`;
    },
    close: () => Promise.all([hostileRoom.leave(), watchRoom.leave()]).then(() => undefined),
  };
}

/** Fuzzes one room type's messages for `runs` cases. */
export async function fuzzRoom(room: RoomFuzzer, server: FuzzServer, runs: number, findings: Findings): Promise<void> {
  const target = await (room === "game" ? gameTarget(server) : room === "team" ? teamTarget(server) : draftTarget(server));
  try {
    await fuzzMessages(room, target, runs, findings);
  } finally {
    await target.close().catch(() => undefined);
  }
}

/** The `error` messages (and their codes) in a server → client frame, if it is one. */
function roomErrorCode(frame: Buffer): string | undefined {
  if (frame[0] !== 13) return undefined;
  try {
    const it: Iterator = { offset: 1 };
    if (!decode.stringCheck(frame, it) || decode.string(frame, it) !== ServerMessage.ERROR) return undefined;
    return (unpack(frame.subarray(it.offset)) as RoomErrorMessage).code;
  } catch {
    return undefined;
  }
}

/**
 * Raw frames of every kind (arbitraries.ts rawFrameArb) from a player seated
 * in a live game through the matchmake route: each is answered (a pong after
 * it), or closes the socket with a documented code, never INTERNAL; the seat
 * is then released; a well-behaved player in the same room keeps getting
 * patches. A closed socket is replaced by a new player.
 */
export async function fuzzRawFrames(server: FuzzServer, runs: number, findings: Findings, maxPayload: number): Promise<void> {
  const name = "raw frames";
  const watcher = await player(server, "raw-watcher");
  const watchRoom: Room<any, GameState> = await watcher.client.create("game", { teamSize: 5, matchSeconds: 3600 }, GameState);
  watchRoom.reconnection.enabled = false;
  watchRoom.onMessage("*", () => undefined);
  const documented = new Set(Object.values(CloseCodes).map((c) => c.code as number));
  const outcomes = new Map<string, number>();
  let raw: RawSeat | undefined;
  let internal: string | undefined;
  const seat = async () => {
    const { token } = await player(server, "raw");
    const reservation = await api(server, "POST", `/matchmake/joinById/${watchRoom.roomId}`, {}, { token });
    const opened = await openSeat(server, token, reservation);
    opened.ws.on("message", (data: Buffer) => {
      const code = roomErrorCode(data);
      if (code === "INTERNAL") internal = "INTERNAL";
    });
    return opened;
  };
  const live = async () => {
    const want = !watchRoom.state.players.get(watchRoom.sessionId)?.ready;
    watchRoom.send("ready", { ready: want });
    try {
      await waitFor(() => watchRoom.state.players.get(watchRoom.sessionId)?.ready === want, "a patch after the raw frames", 15_000);
    } catch (error) {
      findings.found("invariant", name, `the well-behaved client stopped getting patches: ${(error as Error).message}`);
    }
  };
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(rawFrameArb(maxPayload, { leaves: true }), async (frame) => {
        findings.tried(name);
        raw ??= await seat();
        internal = undefined;
        const ws = raw.ws;
        if (frame.control === "ping") ws.ping();
        else if (frame.control === "pong") ws.pong();
        else ws.send(frame.data!);
        // A ping after the frame: its pong (or the close) means the server handled the frame.
        const mark = Buffer.from(`sync-${run}`);
        // A frame whose protocol code is LEAVE_ROOM (12; random bytes and text can be one) is answered by
        // the close itself, sent after the room's onLeave, so possibly after the next pong.
        const first = frame.data === undefined ? undefined : Buffer.from(frame.data.slice(0, 4))[0];
        const leaves = first !== undefined && (first & 0x1f) === 12 && !(frame.data!.length > maxPayload);
        const outcome = leaves ? await raw.closed : await new Promise<number | "open">((resolve) => {
          const onPong = (data: Buffer) => {
            if (!data.equals(mark)) return;
            ws.off("pong", onPong);
            resolve("open");
          };
          ws.on("pong", onPong);
          void raw!.closed.then((code) => (ws.off("pong", onPong), resolve(code)));
          if (ws.readyState === WebSocket.OPEN) ws.ping(mark);
        });
        outcomes.set(`${frame.kind} → ${outcome}`, (outcomes.get(`${frame.kind} → ${outcome}`) ?? 0) + 1);
        findings.check(internal === undefined, "internal", name, () => `INTERNAL after ${frame.kind}`);
        if (frame.kind === "oversized") findings.check(outcome === CloseCodes.MESSAGE_TOO_BIG.code, "invariant", name, () => `oversized frame → ${outcome}`);
        if (outcome !== "open") {
          findings.check(documented.has(outcome), "invariant", name, () => `undocumented close ${outcome} after ${frame.kind}`);
          raw = undefined;
          try {
            await waitFor(() => watchRoom.state.players.size === 1, `the raw seat released after ${frame.kind} → ${outcome}`);
          } catch (error) {
            findings.found("invariant", name, (error as Error).message);
          }
        }
        findings.check(watchRoom.connection.isOpen, "invariant", name, () => "the well-behaved client was closed");
        if (++run % 25 === 0) await live();
      }),
      { numRuns: runs, endOnFailure: true },
    );
    await live();
  } finally {
    if (raw?.ws.readyState === WebSocket.OPEN) {
      raw.ws.close(1000);
      await raw.closed;
    }
    await watchRoom.leave().catch(() => undefined);
  }
  rawOutcomes.push(...outcomes);
}

/** Frame kind → outcome counts of every raw fuzz run in this process (for the reports). */
export const rawOutcomes: [string, number][] = [];
