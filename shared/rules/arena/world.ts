import type { GamePhase, GameSide, MatchEndReason, PlayerMatchStats } from "../../index.ts";
import type { ArenaConfig } from "./config.ts";
import { vec, type Vec2 } from "./vec.ts";

/**
 * The simulation's own state: plain objects in metres and seconds, full
 * precision. The room projects it onto the quantised schema state before each
 * patch; rules and tests never touch the schema.
 */
export interface SimPlayer {
  /** Colyseus session id (stable across reconnects). */
  readonly id: string;
  readonly playerId: string;
  readonly name: string;
  readonly side: GameSide;
  readonly slot: number;
  pos: Vec2;
  vel: Vec2;
  /** The intent being applied (length ≤ 1). */
  dir: Vec2;
  /** Seconds a kick request stays armed. */
  kickBuffer: number;
  /** Seconds until the next kick may connect. */
  kickCooldown: number;
  /** Highest accepted input seq (inputs at or below it are stale). */
  lastSeq: number;
  /** Highest seq the simulation has applied (echoed to clients). */
  ackSeq: number;
  /** Accepted but not yet applied (applied at the start of the next step). */
  pending: { dir: Vec2; kick: boolean } | null;
  /** Holds a seat (false once the player left a started match; kept for the result). */
  seated: boolean;
  connected: boolean;
  ready: boolean;
  /** In contact with the ball at the end of the last step (a new contact is a touch). */
  touchingBall: boolean;
  stats: PlayerMatchStats;
}

export interface Ball {
  pos: Vec2;
  vel: Vec2;
}

export type PhaseReason =
  | "teams-full"
  | "host-start"
  | "team-short"
  | "countdown-done"
  | "time-up"
  | "forfeit";

export interface World {
  readonly config: ArenaConfig;
  phase: GamePhase;
  /** Countdown seconds left (countdown phase). */
  countdownLeft: number;
  /** Match clock seconds left (playing). */
  clockLeft: number;
  /** Seconds of post-goal freeze left. */
  freezeLeft: number;
  tick: number;
  score: Record<GameSide, number>;
  kickoffSide: GameSide;
  /** Every player of the match, by session id. Players who leave before kickoff are removed; after it they stay, unseated. */
  players: Map<string, SimPlayer>;
  ball: Ball;
  /** Last toucher, and the teammate before them while the side kept the ball (the assist candidate). */
  touch: { lastId?: string; assistId?: string };
  /** An on-target kick in flight (cleared by any touch, a bounce, a goal). */
  shot: { byId: string; side: GameSide } | null;
  /** Seconds each side has had no connected player (playing only). */
  emptyFor: Record<GameSide, number>;
  /** Player id of the host (friendlies: may `start`). */
  hostId?: string;
  /** The host asked to start (friendly); cleared when the countdown falls back. */
  startRequested: boolean;
  /** The countdown began from a host start: it needs one player a side instead of full sides. */
  hostStarted: boolean;
  startedAtMs?: number;
  endedAtMs?: number;
  end?: { reason: MatchEndReason; forfeitedBy?: GameSide };
}

export type ArenaEvent =
  | { type: "phase"; from: GamePhase; to: GamePhase; reason: PhaseReason }
  | { type: "goal"; side: GameSide; scorerId?: string; assistId?: string; ownGoal: boolean; score: Record<GameSide, number> };

export const SIDES: readonly GameSide[] = ["home", "away"];
export const otherSide = (side: GameSide): GameSide => (side === "home" ? "away" : "home");

export function createWorld(config: ArenaConfig): World {
  const world: World = {
    config,
    phase: "waiting",
    countdownLeft: 0,
    clockLeft: config.matchSeconds,
    freezeLeft: 0,
    tick: 0,
    score: { home: 0, away: 0 },
    kickoffSide: "home",
    players: new Map(),
    ball: { pos: vec(config.field.width / 2, config.field.height / 2), vel: vec() },
    touch: {},
    shot: null,
    emptyFor: { home: 0, away: 0 },
    startRequested: false,
    hostStarted: false,
  };
  return world;
}

export const emptyStats = (): PlayerMatchStats => ({ goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 });

export function seatedPlayers(world: World, side?: GameSide): SimPlayer[] {
  const out: SimPlayer[] = [];
  for (const player of world.players.values()) if (player.seated && (side === undefined || player.side === side)) out.push(player);
  return out;
}

export function connectedCount(world: World, side: GameSide): number {
  let n = 0;
  for (const player of world.players.values()) if (player.seated && player.connected && player.side === side) n++;
  return n;
}

export type SeatRefusal = { ok: false; code: "CONFLICT"; message: string };

/**
 * Seats a player (before kickoff only). The side is the requested one, else
 * the one with fewer players (home on a tie).
 */
export function seatPlayer(
  world: World,
  request: { id: string; playerId: string; name: string; side?: GameSide },
): { ok: true; player: SimPlayer } | SeatRefusal {
  if (world.phase !== "waiting" && world.phase !== "countdown") {
    return { ok: false, code: "CONFLICT", message: "The match has already started; join as a spectator" };
  }
  for (const player of world.players.values()) {
    if (player.playerId === request.playerId) return { ok: false, code: "CONFLICT", message: "This player already has a seat in this match" };
  }
  const size = world.config.teamSize;
  const home = seatedPlayers(world, "home");
  const away = seatedPlayers(world, "away");
  let side: GameSide;
  if (request.side) {
    side = request.side;
    if ((side === "home" ? home : away).length >= size) return { ok: false, code: "CONFLICT", message: `The ${side} side is full` };
  } else {
    if (home.length >= size && away.length >= size) return { ok: false, code: "CONFLICT", message: "All player seats are taken; join as a spectator" };
    side = away.length < home.length || home.length >= size ? "away" : "home";
  }
  const taken = new Set((side === "home" ? home : away).map((p) => p.slot));
  let slot = 0;
  while (taken.has(slot)) slot++;
  const player: SimPlayer = {
    id: request.id,
    playerId: request.playerId,
    name: request.name,
    side,
    slot,
    pos: vec(),
    vel: vec(),
    dir: vec(),
    kickBuffer: 0,
    kickCooldown: 0,
    lastSeq: 0,
    ackSeq: 0,
    pending: null,
    seated: true,
    connected: true,
    ready: false,
    touchingBall: false,
    stats: emptyStats(),
  };
  world.players.set(player.id, player);
  if (!world.hostId || !hostSeated(world)) world.hostId = player.playerId;
  placeAtKickoff(world);
  return { ok: true, player };
}

/** A player left for good. Before kickoff the seat disappears; after it the player stays in the result. */
export function unseatPlayer(world: World, id: string): void {
  const player = world.players.get(id);
  if (!player) return;
  if (world.phase === "waiting" || world.phase === "countdown") {
    world.players.delete(id);
    placeAtKickoff(world);
  } else {
    player.seated = false;
    idle(player);
  }
  if (!hostSeated(world)) world.hostId = seatedPlayers(world)[0]?.playerId;
}

/** A dropped connection (the seat is held) or its return. The avatar idles while away. */
export function setConnected(world: World, id: string, connected: boolean): void {
  const player = world.players.get(id);
  if (!player) return;
  player.connected = connected;
  if (!connected) idle(player);
}

export function setReady(world: World, id: string, ready: boolean): void {
  const player = world.players.get(id);
  if (player) player.ready = ready;
}

function idle(player: SimPlayer): void {
  player.dir = vec();
  player.pending = null;
  player.kickBuffer = 0;
}

function hostSeated(world: World): boolean {
  for (const player of world.players.values()) if (player.seated && player.playerId === world.hostId) return true;
  return false;
}

/**
 * Kickoff positions: each side in a column in its own half, spread evenly
 * across the height by slot; ball on the centre spot; everything at rest.
 */
export function placeAtKickoff(world: World): void {
  const { width, height } = world.config.field;
  for (const side of SIDES) {
    const players = seatedPlayers(world, side).sort((a, b) => a.slot - b.slot);
    players.forEach((player, i) => {
      player.pos = vec(side === "home" ? width * 0.25 : width * 0.75, (height * (i + 1)) / (players.length + 1));
      player.vel = vec();
      player.touchingBall = false;
    });
  }
  world.ball.pos = vec(width / 2, height / 2);
  world.ball.vel = vec();
  world.touch = {};
  world.shot = null;
}
