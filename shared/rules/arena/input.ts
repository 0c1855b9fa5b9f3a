import type { World } from "./world.ts";
import { length, vec, type Vec2 } from "./vec.ts";

/** What the room passes in: an already schema-validated `input` message. */
export interface InputIntent {
  seq: number;
  dir: Vec2;
  kick?: boolean;
}

/**
 * - `accepted`: applied from the next step on;
 * - `stale`: its seq is not above the last accepted one (reordered or replayed): ignored;
 * - `ignored`: no seat, or the match is over.
 */
export type InputOutcome = "accepted" | "stale" | "ignored";

/**
 * The stick as the rules use it: finite, length clamped to 1, tiny vectors
 * zeroed. The validator already rejects non-finite and out-of-range axes;
 * this is the rule that makes a diagonal (1, 1) no faster than (1, 0).
 */
export function clampDirection(dir: Vec2, deadZone: number): Vec2 {
  if (!Number.isFinite(dir.x) || !Number.isFinite(dir.y)) return vec();
  const len = length(dir);
  if (len < deadZone) return vec();
  return len > 1 ? vec(dir.x / len, dir.y / len) : vec(dir.x, dir.y);
}

/** Records an intent (never a position). Several inputs between two steps: the newest direction wins, kicks accumulate. */
export function acceptInput(world: World, id: string, input: InputIntent): InputOutcome {
  const player = world.players.get(id);
  if (!player || !player.seated || world.phase === "finished") return "ignored";
  if (!Number.isInteger(input.seq) || input.seq <= player.lastSeq) return "stale";
  player.lastSeq = input.seq;
  player.pending = {
    dir: clampDirection(input.dir, world.config.physics.deadZone),
    kick: (player.pending?.kick ?? false) || input.kick === true,
  };
  return "accepted";
}

/** Start of a step: pending intents become current, and their seq is acknowledged. */
export function applyPendingInputs(world: World): void {
  for (const player of world.players.values()) {
    if (!player.pending) continue;
    player.dir = player.pending.dir;
    if (player.pending.kick) player.kickBuffer = world.config.physics.kickBufferSeconds;
    player.ackSeq = player.lastSeq;
    player.pending = null;
  }
}
