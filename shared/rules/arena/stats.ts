import type { GameSide } from "../../index.ts";
import type { ArenaEvent, Ball, SimPlayer, World } from "./world.ts";

/**
 * Stats rules (per player; team stats are the sums):
 * - touch: a new contact with the ball, or a kick that was not already a contact;
 * - shot: a kick whose path reaches the opponent's goal mouth before friction stops it;
 * - save: an opponent's touch that leaves a shot no longer on target;
 * - goal: to the last toucher if they are on the scoring side (else an own goal, credited to nobody);
 * - assist: to the scorer's teammate who touched the ball just before, with no opponent touch in between.
 */

/** x of the goal line `side` attacks (home attacks the right goal). */
export const attackedGoalX = (world: World, side: GameSide): number => (side === "home" ? world.config.field.width : 0);

/** Whether the ball, rolling freely, would cross the goal line that `attackingSide` attacks inside the mouth. */
export function isOnTarget(world: World, ball: Ball, attackingSide: GameSide): boolean {
  const { field, physics } = world.config;
  const goalX = attackedGoalX(world, attackingSide);
  const towardGoal = attackingSide === "home" ? ball.vel.x > 0 : ball.vel.x < 0;
  if (!towardGoal) return false;
  const t = (goalX - ball.pos.x) / ball.vel.x;
  if (t < 0) return false;
  const speed = Math.hypot(ball.vel.x, ball.vel.y);
  // Under linear friction f the ball rolls for speed / f seconds; it covers the
  // distance to the line (speed · t) if t ≤ speed / (2f).
  if (physics.ballFriction > 0 && t > speed / (2 * physics.ballFriction)) return false;
  const yAtLine = ball.pos.y + ball.vel.y * t;
  return Math.abs(yAtLine - field.height / 2) < field.goalWidth / 2;
}

export function registerTouch(world: World, player: SimPlayer): void {
  player.stats.touches++;
  if (world.shot && world.shot.side !== player.side && !isOnTarget(world, world.ball, world.shot.side)) {
    player.stats.saves++;
  }
  world.shot = null;
  const last = world.touch.lastId ? world.players.get(world.touch.lastId) : undefined;
  if (last && last.id !== player.id) {
    world.touch.assistId = last.side === player.side ? last.id : undefined;
  } else if (!last) {
    world.touch.assistId = undefined;
  }
  world.touch.lastId = player.id;
}

/** After a kick: counts a shot when it is on target. */
export function registerKick(world: World, player: SimPlayer, wasTouching: boolean): void {
  if (!wasTouching) registerTouch(world, player);
  else world.shot = null;
  if (isOnTarget(world, world.ball, player.side)) {
    player.stats.shots++;
    world.shot = { byId: player.id, side: player.side };
  }
}

/** Credits a goal for `side` and returns the event (the caller resets the kickoff). */
export function creditGoal(world: World, side: GameSide): Extract<ArenaEvent, { type: "goal" }> {
  world.score[side]++;
  const last = world.touch.lastId ? world.players.get(world.touch.lastId) : undefined;
  const event: Extract<ArenaEvent, { type: "goal" }> = { type: "goal", side, ownGoal: false, score: { ...world.score } };
  if (last && last.side === side) {
    last.stats.goals++;
    event.scorerId = last.playerId;
    const assist = world.touch.assistId ? world.players.get(world.touch.assistId) : undefined;
    if (assist && assist.side === side && assist.id !== last.id) {
      assist.stats.assists++;
      event.assistId = assist.playerId;
    }
  } else if (last) {
    event.ownGoal = true;
  }
  return event;
}
