import type { GamePhase, GameSide } from "../../index.ts";
import { connectedCount, placeAtKickoff, seatedPlayers, SIDES, type ArenaEvent, type PhaseReason, type World } from "./world.ts";

/** Timers count down in float steps of 1/tickRate: a residue below this is zero. */
export const TIME_EPSILON = 1e-9;

/** `left - dt`, snapped to 0 at the end (30 × 1/30 is not exactly 1 in floating point). */
export function countDown(left: number, dt: number): number {
  const next = left - dt;
  return next <= TIME_EPSILON ? 0 : next;
}

/** The only legal moves of the match state machine. */
const TRANSITIONS: Record<GamePhase, readonly GamePhase[]> = {
  waiting: ["countdown"],
  countdown: ["waiting", "playing"],
  playing: ["finished"],
  finished: [],
};

export class IllegalTransitionError extends Error {
  override readonly name = "IllegalTransitionError";
  constructor(
    readonly from: GamePhase,
    readonly to: GamePhase,
  ) {
    super(`illegal match transition ${from} → ${to}`);
  }
}

/** The one place the phase changes. Throws on an illegal move (a bug, never a client's doing). */
export function transition(world: World, to: GamePhase, reason: PhaseReason): Extract<ArenaEvent, { type: "phase" }> {
  const from = world.phase;
  if (!TRANSITIONS[from].includes(to)) throw new IllegalTransitionError(from, to);
  world.phase = to;
  return { type: "phase", from, to, reason };
}

/** Why the countdown may start now, or undefined. */
export function startReason(world: World): PhaseReason | undefined {
  const { teamSize, requireReady, friendly } = world.config;
  const home = seatedPlayers(world, "home");
  const away = seatedPlayers(world, "away");
  const everyoneReady = !requireReady || [...home, ...away].every((p) => p.ready);
  if (home.length >= teamSize && away.length >= teamSize && everyoneReady) return "teams-full";
  if (friendly && world.startRequested && home.length >= 1 && away.length >= 1) return "host-start";
  return undefined;
}

/** A host's `start` (friendlies only). Returns why it was refused, or undefined when the countdown will start. */
export function requestStart(world: World, playerId: string): { code: "FORBIDDEN" | "CONFLICT"; message: string } | undefined {
  if (!world.config.friendly) return { code: "FORBIDDEN", message: "Only friendly matches can be started by hand" };
  if (world.hostId !== playerId) return { code: "FORBIDDEN", message: "Only the host can start the match" };
  if (world.phase !== "waiting") return { code: "CONFLICT", message: `The match is ${world.phase}` };
  if (seatedPlayers(world, "home").length === 0 || seatedPlayers(world, "away").length === 0) {
    return { code: "CONFLICT", message: "Each side needs at least one player" };
  }
  world.startRequested = true;
  return undefined;
}

/**
 * Lifecycle part of a step. `playing` is handled in step.ts (clock, forfeit);
 * this moves waiting → countdown → playing, and back to waiting when a
 * countdown loses its players.
 */
export function stepLifecycle(world: World, dt: number, nowMs: number, events: ArenaEvent[]): void {
  if (world.phase === "waiting") {
    const reason = startReason(world);
    if (!reason) return;
    world.hostStarted = reason === "host-start";
    world.countdownLeft = world.config.countdownSeconds;
    events.push(transition(world, "countdown", reason));
    return;
  }
  if (world.phase === "countdown") {
    const needed = world.hostStarted ? 1 : world.config.teamSize;
    if (SIDES.some((side) => seatedPlayers(world, side).length < needed)) {
      world.startRequested = false;
      world.hostStarted = false;
      events.push(transition(world, "waiting", "team-short"));
      return;
    }
    world.countdownLeft = countDown(world.countdownLeft, dt);
    if (world.countdownLeft > 0) return;
    world.clockLeft = world.config.matchSeconds;
    world.startedAtMs = nowMs;
    world.kickoffSide = "home";
    world.freezeLeft = 0;
    placeAtKickoff(world);
    events.push(transition(world, "playing", "countdown-done"));
  }
}

/**
 * Forfeit rule: a side with no connected player for `forfeitSeconds` loses.
 * (A dropped player holds the seat for the same window, so this is "the side
 * stayed empty past its reconnection window".) When both sides are empty long
 * enough, the side that emptied first forfeits; a dead heat forfeits nobody and
 * the score stands.
 */
export function forfeitingSide(world: World, dt: number): { side?: GameSide } | undefined {
  for (const side of SIDES) world.emptyFor[side] = connectedCount(world, side) === 0 ? world.emptyFor[side] + dt : 0;
  const limit = world.config.forfeitSeconds;
  const over = SIDES.filter((side) => world.emptyFor[side] > 0 && world.emptyFor[side] >= limit - TIME_EPSILON);
  if (over.length === 0) return undefined;
  if (over.length === 1) return { side: over[0] };
  const [home, away] = [world.emptyFor.home, world.emptyFor.away];
  if (home === away) return {};
  return { side: home > away ? "home" : "away" };
}

export function finish(world: World, reason: "time-up" | "forfeit", nowMs: number, forfeitedBy?: GameSide): Extract<ArenaEvent, { type: "phase" }> {
  const event = transition(world, "finished", reason);
  world.endedAtMs = nowMs;
  world.end = forfeitedBy ? { reason: "forfeit", forfeitedBy } : { reason: reason === "forfeit" ? "forfeit" : "time" };
  for (const player of world.players.values()) {
    player.vel = { x: 0, y: 0 };
    player.dir = { x: 0, y: 0 };
  }
  world.ball.vel = { x: 0, y: 0 };
  return event;
}
