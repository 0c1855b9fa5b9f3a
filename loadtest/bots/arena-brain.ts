import { ARENA_UNITS_PER_METER, type GameSide } from "../../shared/index.ts";

/**
 * The arena bot's decision logic: a pure function of the synchronised state
 * (the same shape as `GameState`, in its wire units), so tests can call it
 * without a server and the connection part stays a thin loop.
 */
export interface BotStateView {
  phase: string;
  field: { width: number; height: number; playerRadius: number; ballRadius: number };
  /** vx, vy (optional): the bot leads a moving ball. */
  ball: { x: number; y: number; vx?: number; vy?: number };
  players: { get(sessionId: string): BotPlayerView | undefined; forEach(fn: (player: BotPlayerView, sessionId: string) => void): void };
}

export interface BotPlayerView {
  side: string;
  slot: number;
  x: number;
  y: number;
}

export interface BotDecision {
  dir: { x: number; y: number };
  kick: boolean;
}

const LEAD_SECONDS = 0.2;
const IDLE: BotDecision = { dir: { x: 0, y: 0 }, kick: false };
const m = (units: number) => units / ARENA_UNITS_PER_METER;

/**
 * The player of a side nearest the ball chases it: it runs to a point behind
 * the ball on the line from the opponent's goal, goes round the ball when it is
 * on the wrong side, and kicks when the ball is in reach and roughly lined up
 * with the goal. Teammates hold a support spot between the ball and their own goal.
 */
export function decideArenaInput(state: BotStateView, sessionId: string): BotDecision {
  const me = state.players.get(sessionId);
  if (!me || state.phase !== "playing") return IDLE;
  const side = me.side as GameSide;
  const width = m(state.field.width);
  const height = m(state.field.height);
  const reach = m(state.field.playerRadius) + m(state.field.ballRadius);
  // Aim where the ball will be a moment from now.
  const ball = { x: m(state.ball.x + (state.ball.vx ?? 0) * LEAD_SECONDS), y: m(state.ball.y + (state.ball.vy ?? 0) * LEAD_SECONDS) };
  const pos = { x: m(me.x), y: m(me.y) };
  const goal = { x: side === "home" ? width : 0, y: height / 2 };
  const ownGoal = { x: side === "home" ? 0 : width, y: height / 2 };

  let chaser = true;
  const myDistance = Math.hypot(ball.x - pos.x, ball.y - pos.y);
  state.players.forEach((other, id) => {
    if (id === sessionId || other.side !== me.side) return;
    const d = Math.hypot(ball.x - m(other.x), ball.y - m(other.y));
    if (d < myDistance - 1e-6 || (Math.abs(d - myDistance) <= 1e-6 && other.slot < me.slot)) chaser = false;
  });

  if (!chaser) {
    const spot = { x: ownGoal.x + (ball.x - ownGoal.x) * 0.45, y: height / 2 + ((me.slot % 2 === 0 ? 1 : -1) * height) / 6 };
    return { dir: steerTo(pos, spot), kick: false };
  }

  // Unit vector from the ball toward the goal it should go into, and its left normal.
  const toGoal = unit({ x: goal.x - ball.x, y: goal.y - ball.y });
  const normal = { x: -toGoal.y, y: toGoal.x };
  const fromBall = { x: pos.x - ball.x, y: pos.y - ball.y };
  const ahead = fromBall.x * toGoal.x + fromBall.y * toGoal.y; // > 0: I am between the ball and that goal
  const lateral = fromBall.x * normal.x + fromBall.y * normal.y;
  const toBall = unit({ x: ball.x - pos.x, y: ball.y - pos.y });
  const aligned = toBall.x * toGoal.x + toBall.y * toGoal.y > 0.8;

  if (myDistance <= reach + 0.35 && aligned) return { dir: toBall, kick: true };
  if (ahead > -0.3) {
    // Wrong side of the ball: step out sideways first (never through the ball,
    // that would push it toward my own goal), then drop in behind it.
    const flank = lateral >= 0 ? 1 : -1;
    const clear = reach + 1.2;
    const target =
      Math.abs(lateral) < clear - 0.2
        ? { x: ball.x + toGoal.x * Math.max(ahead, 0) + normal.x * flank * clear, y: ball.y + toGoal.y * Math.max(ahead, 0) + normal.y * flank * clear }
        : { x: ball.x - toGoal.x * (reach + 0.6) + normal.x * flank * clear * 0.6, y: ball.y - toGoal.y * (reach + 0.6) + normal.y * flank * clear * 0.6 };
    return { dir: steerTo(pos, target), kick: false };
  }
  // Behind the ball: line up on the ball–goal line, then run through it.
  const behind = { x: ball.x - toGoal.x * (reach + 0.3), y: ball.y - toGoal.y * (reach + 0.3) };
  return { dir: Math.abs(lateral) > 0.35 ? steerTo(pos, behind) : toBall, kick: false };
}

function unit(v: { x: number; y: number }): { x: number; y: number } {
  const len = Math.hypot(v.x, v.y);
  return len > 1e-9 ? { x: v.x / len, y: v.y / len } : { x: 0, y: 0 };
}

/** Full stick toward a target, easing off in the last 30 cm. */
function steerTo(from: { x: number; y: number }, to: { x: number; y: number }): { x: number; y: number } {
  const d = Math.hypot(to.x - from.x, to.y - from.y);
  const u = unit({ x: to.x - from.x, y: to.y - from.y });
  const scale = Math.min(1, d / 0.3);
  return { x: u.x * scale, y: u.y * scale };
}
