import { applyPendingInputs } from "./input.ts";
import { countDown, finish, forfeitingSide, stepLifecycle } from "./lifecycle.ts";
import { goalScoredBy, stepPhysics } from "./physics.ts";
import { creditGoal } from "./stats.ts";
import { otherSide, placeAtKickoff, type ArenaEvent, type World } from "./world.ts";

/**
 * One fixed step of the match: `(world, dt, now) → events`. Deterministic and
 * free of I/O: the room calls it from its fixed-timestep loop, tests call it
 * directly. `nowMs` only stamps start and end times.
 *
 * The match clock and the forfeit timer count simulated time, so a match
 * lasts `matchSeconds` of steps whatever the patch rate.
 */
export function stepWorld(world: World, dt: number, nowMs: number): ArenaEvent[] {
  const events: ArenaEvent[] = [];
  world.tick++;
  applyPendingInputs(world);
  if (world.phase === "waiting" || world.phase === "countdown") {
    stepLifecycle(world, dt, nowMs, events);
    return events;
  }
  if (world.phase !== "playing") return events;

  const forfeit = forfeitingSide(world, dt);
  if (forfeit) {
    events.push(finish(world, "forfeit", nowMs, forfeit.side));
    return events;
  }
  if (world.freezeLeft > 0) {
    // Goal celebration: everyone holds the kickoff positions; the clock waits.
    world.freezeLeft = countDown(world.freezeLeft, dt);
    return events;
  }
  stepPhysics(world, dt);
  const scorer = goalScoredBy(world);
  if (scorer) {
    events.push(creditGoal(world, scorer));
    world.kickoffSide = otherSide(scorer);
    placeAtKickoff(world);
    world.freezeLeft = world.config.kickoffPauseSeconds;
  }
  world.clockLeft = countDown(world.clockLeft, dt);
  if (world.clockLeft <= 0) events.push(finish(world, "time-up", nowMs));
  return events;
}
