import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import {
  acceptInput,
  createArenaConfig,
  createWorld,
  seatPlayer,
  seatedPlayers,
  stepWorld,
  unseatPlayer,
  type World,
} from "../../shared/rules/arena/index.ts";
import { ARENA_UNITS_PER_METER, type GameSide, type PlayerMatchStats } from "../../shared/index.ts";
import { useServerV8Settings } from "./same-v8-settings.ts";

useServerV8Settings();

/**
 * The naive `ws` baseline (docs/performance.md) for the arena scenario, run in its own
 * process: `node --import tsx loadtest/baseline/naive-ws-server.ts`.
 *
 * The same game as the `game` room (the pure rules of shared/rules/arena/, a 40 Hz
 * fixed step with the same catch-up accumulator as Colyseus's
 * setFixedTimestep, 20 Hz state updates, positions quantised to cm as in
 * game-state-sync.ts), but the way a first version would be written: no auth,
 * no schema, no validation beyond JSON.parse, and every update is the FULL
 * state as JSON (stringified once per room per update, then the same buffer is
 * sent to every client of the room, so the baseline is not made artificially
 * slow; the difference measured is binary deltas vs full JSON).
 *
 * Protocol:
 * - connect to `/?room=<id>[&name=..&teamSize=N&matchSeconds=S&countdownSeconds=S]`, or
 *   connect without `room` and send `{"type":"join","room":"<id>", name?, teamSize?, …}` first.
 *   The first client of a room creates it with its options (teamSize 1–5, default 2).
 * - the server answers `{"type":"welcome","sessionId":"…","roomId":"…"}`, then sends
 *   the state object (the shape of `GameState.toJSON()`) every patch;
 *   a refused seat gets `{"type":"error","code":"CONFLICT",…}` and close 4409.
 * - inputs: `{"seq":N,"dir":{"x":..,"y":..},"kick":bool}` (each player's
 *   `lastProcessedInputSeq` in the state echoes the highest applied seq).
 * `GET /stats` gives `{clients, rooms}`. Prints `{"port":N}` when listening.
 */
const TICK_RATE_HZ = Number(process.env.TICK_RATE_HZ ?? 40); // the server's defaults (server/config.ts)
const PATCH_RATE_HZ = Number(process.env.PATCH_RATE_HZ ?? 20);
const MAX_CATCHUP_STEPS = 5; // as Colyseus's setFixedTimestep

interface JoinOptions {
  room: string;
  name?: string;
  teamSize?: number;
  matchSeconds?: number;
  countdownSeconds?: number;
}

interface NaiveRoom {
  id: string;
  matchId: string;
  world: World;
  clients: Map<string, WebSocket>;
  tickTimer: NodeJS.Timeout;
  patchTimer: NodeJS.Timeout;
}

const rooms = new Map<string, NaiveRoom>();
let clientCount = 0;

const ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";
/** Same lengths as ours: Colyseus session/room ids are 9 chars, player ids 26 base32 chars. */
const randomId = (length: number, alphabet: string): string => [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");

const INT16 = 32767;
const q16 = (metres: number): number => Math.max(-INT16, Math.min(INT16, Math.round(metres * ARENA_UNITS_PER_METER)));
const ms = (seconds: number, max = 0xffff_ffff): number => Math.min(max, Math.max(0, Math.round(seconds * 1000)));
const stats = (s: PlayerMatchStats) => ({ goals: s.goals, assists: s.assists, shots: s.shots, saves: s.saves, touches: s.touches });

/** The full state, the content game-state-sync.ts puts in the schema (and in the same key order as GameState.toJSON()). */
function snapshot(room: NaiveRoom): unknown {
  const world = room.world;
  const { field, physics, teamSize, friendly, matchSeconds } = world.config;
  const players: Record<string, unknown> = {};
  for (const p of seatedPlayers(world)) {
    players[p.id] = {
      playerId: p.playerId,
      name: p.name,
      side: p.side,
      slot: p.slot,
      x: q16(p.pos.x),
      y: q16(p.pos.y),
      vx: q16(p.vel.x),
      vy: q16(p.vel.y),
      connected: p.connected,
      ready: p.ready,
      lastProcessedInputSeq: p.ackSeq,
      stats: stats(p.stats),
    };
  }
  const team = (side: GameSide) => {
    const sum: PlayerMatchStats = { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 };
    for (const p of world.players.values()) {
      if (p.side !== side) continue;
      for (const key of Object.keys(sum) as (keyof PlayerMatchStats)[]) sum[key] += p.stats[key];
    }
    return { name: side === "home" ? "Home" : "Away", teamId: "", score: world.score[side], stats: sum };
  };
  const forfeitedBy = world.phase === "finished" ? (world.end?.forfeitedBy ?? "") : "";
  const winner =
    world.phase !== "finished"
      ? ""
      : forfeitedBy
        ? forfeitedBy === "home" ? "away" : "home"
        : world.score.home === world.score.away ? "draw" : world.score.home > world.score.away ? "home" : "away";
  return {
    phase: world.phase,
    matchId: room.matchId,
    teamSize,
    friendly,
    hostId: world.hostId ?? "",
    timeLeftMs:
      world.phase === "countdown" ? ms(world.countdownLeft) : world.phase === "playing" ? ms(world.clockLeft) : world.phase === "waiting" ? ms(matchSeconds) : 0,
    kickoffInMs: ms(world.freezeLeft, 0xffff),
    kickoffSide: world.kickoffSide,
    home: team("home"),
    away: team("away"),
    players,
    ball: { x: q16(world.ball.pos.x), y: q16(world.ball.pos.y), vx: q16(world.ball.vel.x), vy: q16(world.ball.vel.y) },
    field: {
      width: q16(field.width),
      height: q16(field.height),
      goalWidth: q16(field.goalWidth),
      playerRadius: q16(physics.playerRadius),
      ballRadius: q16(physics.ballRadius),
    },
    spectators: 0,
    winner,
    forfeitedBy,
  };
}

function createRoom(options: JoinOptions): NaiveRoom {
  const num = (value: unknown, fallback: number) => (Number.isFinite(Number(value)) && value !== undefined && value !== "" ? Number(value) : fallback);
  const world = createWorld(
    createArenaConfig({
      teamSize: Math.min(5, Math.max(1, Math.round(num(options.teamSize, 2)))),
      matchSeconds: num(options.matchSeconds, 180),
      countdownSeconds: num(options.countdownSeconds, 3),
    }),
  );
  const stepMs = 1000 / TICK_RATE_HZ;
  let last = performance.now();
  let acc = 0;
  const room: NaiveRoom = {
    id: options.room,
    matchId: `m_${Date.now().toString(36)}_${randomId(9, ID_ALPHABET)}`,
    world,
    clients: new Map(),
    // Fixed step with an accumulator, like the game room's setFixedTimestep.
    tickTimer: setInterval(() => {
      const now = performance.now();
      acc += now - last;
      last = now;
      let ran = 0;
      while (acc >= stepMs && ran < MAX_CATCHUP_STEPS) {
        acc -= stepMs;
        stepWorld(world, 1 / TICK_RATE_HZ, Date.now());
        ran++;
      }
      if (ran === MAX_CATCHUP_STEPS) acc = 0;
    }, stepMs),
    patchTimer: setInterval(() => {
      // Once per room per update; the same bytes go to every client.
      const frame = Buffer.from(JSON.stringify(snapshot(room)));
      for (const ws of room.clients.values()) ws.send(frame, { binary: false });
    }, 1000 / PATCH_RATE_HZ),
  };
  rooms.set(room.id, room);
  return room;
}

function join(ws: WebSocket, options: JoinOptions): void {
  const room = rooms.get(options.room) ?? createRoom(options);
  const sessionId = randomId(9, ID_ALPHABET);
  const seated = seatPlayer(room.world, { id: sessionId, playerId: randomId(26, BASE32), name: String(options.name ?? "player") });
  if (!seated.ok) {
    ws.send(JSON.stringify({ type: "error", code: seated.code, message: seated.message }));
    ws.close(4409, seated.code);
    if (room.clients.size === 0) disposeRoom(room);
    return;
  }
  room.clients.set(sessionId, ws);
  ws.send(JSON.stringify({ type: "welcome", sessionId, roomId: room.id }));
  ws.on("message", (data) => {
    try {
      const input = JSON.parse(String(data));
      acceptInput(room.world, sessionId, input);
    } catch {
      // naive: ignore what does not parse (or makes the rules throw)
    }
  });
  ws.on("close", () => {
    room.clients.delete(sessionId);
    unseatPlayer(room.world, sessionId);
    if (room.clients.size === 0) disposeRoom(room);
  });
}

function disposeRoom(room: NaiveRoom): void {
  clearInterval(room.tickTimer);
  clearInterval(room.patchTimer);
  if (rooms.get(room.id) === room) rooms.delete(room.id);
}

const server = createServer((req, res) => {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method === "GET" && path === "/stats") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ clients: clientCount, rooms: rooms.size }));
  } else {
    res.writeHead(404).end();
  }
});

const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on("connection", (ws, req) => {
  clientCount++;
  ws.on("close", () => clientCount--);
  ws.on("error", () => undefined);
  const query = new URL(req.url ?? "/", "http://localhost").searchParams;
  const room = query.get("room");
  if (room) {
    join(ws, {
      room,
      name: query.get("name") ?? undefined,
      teamSize: query.has("teamSize") ? Number(query.get("teamSize")) : undefined,
      matchSeconds: query.has("matchSeconds") ? Number(query.get("matchSeconds")) : undefined,
      countdownSeconds: query.has("countdownSeconds") ? Number(query.get("countdownSeconds")) : undefined,
    });
    return;
  }
  // No ?room: the first message must be {"type":"join","room":"…"}.
  ws.once("message", (data) => {
    try {
      const message = JSON.parse(String(data)) as Partial<JoinOptions> & { type?: string };
      if (message.type === "join" && typeof message.room === "string") return join(ws, message as JoinOptions);
    } catch {
      // fall through
    }
    ws.close(4400, "join first");
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
});
process.on("SIGTERM", () => {
  for (const room of rooms.values()) disposeRoom(room);
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
