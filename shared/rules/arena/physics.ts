import { registerKick, registerTouch } from "./stats.ts";
import { clampLength, distance, dot, vec, type Vec2 } from "./vec.ts";
import { seatedPlayers, type SimPlayer, type World } from "./world.ts";

/**
 * One fixed step of play (dt seconds): steering, player–player, player–wall,
 * kicks, ball flight, ball–player, ball–post, ball–wall. Circles everywhere.
 * Goals are checked by the caller after this.
 */
export function stepPhysics(world: World, dt: number): void {
  const players = seatedPlayers(world);
  for (const player of players) steer(world, player, dt);
  collidePlayers(world, players);
  for (const player of players) keepPlayerInField(world, player);
  for (const player of players) tryKick(world, player);
  moveBall(world, dt);
  for (const player of players) collideBallWithPlayer(world, player);
  collideBallWithPosts(world);
  keepBallInField(world);
  for (const player of players) {
    player.kickCooldown = Math.max(0, player.kickCooldown - dt);
    player.kickBuffer = Math.max(0, player.kickBuffer - dt);
  }
}

/**
 * Velocity moves toward `dir · maxSpeed` by at most `acceleration · dt`, so
 * speed never exceeds the maximum whatever the client sends or how often.
 */
export function steer(world: World, player: SimPlayer, dt: number): void {
  const { playerMaxSpeed, playerAcceleration } = world.config.physics;
  // Every player, every step: plain numbers, no temporary vectors.
  let changeX = player.dir.x * playerMaxSpeed - player.vel.x;
  let changeY = player.dir.y * playerMaxSpeed - player.vel.y;
  const change = Math.sqrt(changeX * changeX + changeY * changeY);
  const maxChange = playerAcceleration * dt;
  if (change > maxChange && change > 0) {
    changeX *= maxChange / change;
    changeY *= maxChange / change;
  }
  player.vel.x += changeX;
  player.vel.y += changeY;
  clampLength(player.vel, playerMaxSpeed);
  player.pos.x += player.vel.x * dt;
  player.pos.y += player.vel.y * dt;
}

/** Equal-mass circles: separate overlaps half each, cancel the approaching part of their relative velocity. */
export function collidePlayers(world: World, players: SimPlayer[]): void {
  const minDistance = world.config.physics.playerRadius * 2;
  for (let i = 0; i < players.length; i++) {
    for (let j = i + 1; j < players.length; j++) {
      // Every pair, every step: plain numbers, no temporary vectors.
      const a = players[i]!;
      const b = players[j]!;
      const d = distance(a.pos, b.pos);
      if (d >= minDistance) continue;
      const nx = d > 1e-9 ? (b.pos.x - a.pos.x) / d : a.side === "home" ? 1 : -1;
      const ny = d > 1e-9 ? (b.pos.y - a.pos.y) / d : 0;
      const push = (minDistance - d) / 2;
      a.pos.x -= nx * push;
      a.pos.y -= ny * push;
      b.pos.x += nx * push;
      b.pos.y += ny * push;
      const approaching = (b.vel.x - a.vel.x) * nx + (b.vel.y - a.vel.y) * ny;
      if (approaching < 0) {
        a.vel.x += (nx * approaching) / 2;
        a.vel.y += (ny * approaching) / 2;
        b.vel.x -= (nx * approaching) / 2;
        b.vel.y -= (ny * approaching) / 2;
      }
    }
  }
}

/** Players stay entirely inside the pitch (they cannot enter the goals). */
export function keepPlayerInField(world: World, player: SimPlayer): void {
  const r = world.config.physics.playerRadius;
  const { width, height } = world.config.field;
  if (player.pos.x < r) [player.pos.x, player.vel.x] = [r, Math.max(0, player.vel.x)];
  if (player.pos.x > width - r) [player.pos.x, player.vel.x] = [width - r, Math.min(0, player.vel.x)];
  if (player.pos.y < r) [player.pos.y, player.vel.y] = [r, Math.max(0, player.vel.y)];
  if (player.pos.y > height - r) [player.pos.y, player.vel.y] = [height - r, Math.min(0, player.vel.y)];
}

export function ballInReach(world: World, player: SimPlayer): boolean {
  const { playerRadius, ballRadius, kickReach } = world.config.physics;
  return distance(player.pos, world.ball.pos) <= playerRadius + ballRadius + kickReach;
}

/** An armed kick connects when the cooldown is over and the ball is in reach: the ball flies away from the player's centre. */
export function tryKick(world: World, player: SimPlayer): boolean {
  if (player.kickBuffer <= 0 || player.kickCooldown > 0 || !ballInReach(world, player)) return false;
  const { kickSpeed, kickCooldownSeconds } = world.config.physics;
  const d = distance(player.pos, world.ball.pos);
  const n = d > 1e-9 ? vec((world.ball.pos.x - player.pos.x) / d, (world.ball.pos.y - player.pos.y) / d) : vec(player.side === "home" ? 1 : -1, 0);
  world.ball.vel = vec(n.x * kickSpeed, n.y * kickSpeed);
  player.kickCooldown = kickCooldownSeconds;
  player.kickBuffer = 0;
  const wasTouching = player.touchingBall;
  player.touchingBall = true;
  registerKick(world, player, wasTouching);
  return true;
}

export function moveBall(world: World, dt: number): void {
  const { ballMaxSpeed, ballFriction } = world.config.physics;
  const ball = world.ball;
  clampLength(ball.vel, ballMaxSpeed);
  const speed = Math.hypot(ball.vel.x, ball.vel.y);
  if (speed > 0) {
    const slowed = Math.max(0, speed - ballFriction * dt);
    ball.vel.x *= slowed / speed;
    ball.vel.y *= slowed / speed;
  }
  ball.pos.x += ball.vel.x * dt;
  ball.pos.y += ball.vel.y * dt;
}

/** The player is far heavier than the ball: only the ball moves; a new contact is a touch. */
export function collideBallWithPlayer(world: World, player: SimPlayer): void {
  const { playerRadius, ballRadius, playerBallRestitution } = world.config.physics;
  const ball = world.ball;
  const minDistance = playerRadius + ballRadius;
  const d = distance(player.pos, ball.pos);
  if (d >= minDistance + 0.01) {
    player.touchingBall = false;
    return;
  }
  if (d < minDistance) {
    const n = d > 1e-9 ? vec((ball.pos.x - player.pos.x) / d, (ball.pos.y - player.pos.y) / d) : vec(player.side === "home" ? 1 : -1, 0);
    ball.pos.x = player.pos.x + n.x * minDistance;
    ball.pos.y = player.pos.y + n.y * minDistance;
    const approaching = dot(vec(ball.vel.x - player.vel.x, ball.vel.y - player.vel.y), n);
    if (approaching < 0) {
      ball.vel.x -= (1 + playerBallRestitution) * approaching * n.x;
      ball.vel.y -= (1 + playerBallRestitution) * approaching * n.y;
    }
  }
  if (!player.touchingBall) {
    player.touchingBall = true;
    registerTouch(world, player);
  }
}

export function goalPosts(world: World): Vec2[] {
  const { width, height, goalWidth } = world.config.field;
  const top = height / 2 - goalWidth / 2;
  const bottom = height / 2 + goalWidth / 2;
  return [vec(0, top), vec(0, bottom), vec(width, top), vec(width, bottom)];
}

export function collideBallWithPosts(world: World): void {
  const { ballRadius, postRadius, wallRestitution } = world.config.physics;
  const ball = world.ball;
  for (const post of goalPosts(world)) {
    const d = distance(post, ball.pos);
    const minDistance = ballRadius + postRadius;
    if (d >= minDistance) continue;
    const n = d > 1e-9 ? vec((ball.pos.x - post.x) / d, (ball.pos.y - post.y) / d) : vec(post.x === 0 ? 1 : -1, 0);
    ball.pos.x = post.x + n.x * minDistance;
    ball.pos.y = post.y + n.y * minDistance;
    const vn = dot(ball.vel, n);
    if (vn < 0) {
      ball.vel.x -= (1 + wallRestitution) * vn * n.x;
      ball.vel.y -= (1 + wallRestitution) * vn * n.y;
    }
    world.shot = null;
  }
}

/** Walls bounce the ball, except the goal mouths (between the posts) on the two short sides. */
export function keepBallInField(world: World): void {
  const { ballRadius: r, wallRestitution: e } = world.config.physics;
  const { width, height, goalWidth } = world.config.field;
  const ball = world.ball;
  const inMouth = Math.abs(ball.pos.y - height / 2) < goalWidth / 2;
  let bounced = false;
  if (ball.pos.y < r) [ball.pos.y, ball.vel.y, bounced] = [r, Math.abs(ball.vel.y) * e, true];
  if (ball.pos.y > height - r) [ball.pos.y, ball.vel.y, bounced] = [height - r, -Math.abs(ball.vel.y) * e, true];
  if (!inMouth) {
    if (ball.pos.x < r) [ball.pos.x, ball.vel.x, bounced] = [r, Math.abs(ball.vel.x) * e, true];
    if (ball.pos.x > width - r) [ball.pos.x, ball.vel.x, bounced] = [width - r, -Math.abs(ball.vel.x) * e, true];
  }
  if (bounced) world.shot = null;
}

/** The side that scores when the ball's centre has crossed a goal line inside the mouth, else undefined. */
export function goalScoredBy(world: World): "home" | "away" | undefined {
  const { width, height, goalWidth } = world.config.field;
  const { pos } = world.ball;
  if (Math.abs(pos.y - height / 2) >= goalWidth / 2) return undefined;
  if (pos.x < 0) return "away";
  if (pos.x > width) return "home";
  return undefined;
}
