import {
  acceptInput,
  createArenaConfig,
  createWorld,
  seatPlayer,
  stepWorld,
  type ArenaConfig,
  type ArenaEvent,
  type SimPlayer,
  type World,
} from "../../shared/rules/arena/index.ts";
import type { GameSide } from "../../shared/index.ts";

export const DT = 1 / 30;

type ConfigOverrides = Parameters<typeof createArenaConfig>[0];

export function newWorld(overrides: ConfigOverrides = {}): World {
  return createWorld(createArenaConfig({ countdownSeconds: 0, kickoffPauseSeconds: 0, ...overrides }));
}

export function seat(world: World, id: string, side?: GameSide): SimPlayer {
  const seated = seatPlayer(world, { id, playerId: `p_${id}`, name: id.toUpperCase(), side });
  if (!seated.ok) throw new Error(seated.message);
  return seated.player;
}

/** A 1v1 (or NvN) world already in `playing`. */
export function playingWorld(overrides: ConfigOverrides = {}, perSide = 1): World {
  const world = newWorld({ teamSize: perSide, ...overrides });
  for (let i = 0; i < perSide; i++) {
    seat(world, `h${i}`, "home");
    seat(world, `a${i}`, "away");
  }
  run(world, 3);
  if (world.phase !== "playing") throw new Error(`expected playing, got ${world.phase}`);
  return world;
}

/** Runs `steps` steps (1 s = 30), returning every event. */
export function run(world: World, steps: number, nowMs = 1_000_000): ArenaEvent[] {
  const events: ArenaEvent[] = [];
  for (let i = 0; i < steps; i++) events.push(...stepWorld(world, DT, nowMs + i * 33));
  return events;
}

let seq = 1000;
export function press(world: World, id: string, x: number, y: number, kick = false) {
  return acceptInput(world, id, { seq: ++seq, dir: { x, y }, kick });
}

export function player(world: World, id: string): SimPlayer {
  const found = world.players.get(id);
  if (!found) throw new Error(`no player ${id}`);
  return found;
}

export type { ArenaConfig };
