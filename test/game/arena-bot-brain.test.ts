import assert from "node:assert/strict";
import { acceptInput, stepWorld, type World } from "../../shared/rules/arena/index.ts";
import { ARENA_UNITS_PER_METER } from "../../shared/index.ts";
import { decideArenaInput, type BotPlayerView, type BotStateView } from "../../loadtest/bots/arena-brain.ts";
import { DT, playingWorld } from "../helpers/arena-helpers.ts";

const u = (metres: number) => Math.round(metres * ARENA_UNITS_PER_METER);

/** The bot's view of a pure world, in wire units, as a client would decode it. */
function view(world: World): BotStateView {
  const players = new Map<string, BotPlayerView>();
  for (const p of world.players.values()) if (p.seated) players.set(p.id, { side: p.side, slot: p.slot, x: u(p.pos.x), y: u(p.pos.y) });
  return {
    phase: world.phase,
    field: { width: u(world.config.field.width), height: u(world.config.field.height), playerRadius: u(world.config.physics.playerRadius), ballRadius: u(world.config.physics.ballRadius) },
    ball: { x: u(world.ball.pos.x), y: u(world.ball.pos.y), vx: u(world.ball.vel.x), vy: u(world.ball.vel.y) },
    players,
  };
}

/** Bots decide at 15 Hz against a 30 Hz simulation, like over the network. */
function botMatch(world: World, seconds: number): void {
  let seq = 0;
  for (let step = 0; step < seconds * 30 && world.phase === "playing"; step++) {
    if (step % 2 === 0) {
      const state = view(world);
      seq++;
      for (const id of world.players.keys()) acceptInput(world, id, { seq, ...decideArenaInput(state, id) });
    }
    stepWorld(world, DT, step * 33);
  }
}

describe("arena bot brain (pure)", () => {
  it("idles outside play and when it has no seat", () => {
    const world = playingWorld();
    assert.deepEqual(decideArenaInput({ ...view(world), phase: "countdown" }, "h0"), { dir: { x: 0, y: 0 }, kick: false });
    assert.deepEqual(decideArenaInput(view(world), "spectator"), { dir: { x: 0, y: 0 }, kick: false });
  });

  it("a lone bot scores into the opponent's goal", () => {
    for (const side of ["home", "away"] as const) {
      const world = playingWorld({ matchSeconds: 60, forfeitSeconds: 3600 });
      world.players.get(side === "home" ? "a0" : "h0")!.seated = false;
      botMatch(world, 20);
      assert.ok(world.score[side] >= 1, `${side} bot scored ${world.score[side]}`);
      assert.equal(world.score[side === "home" ? "away" : "home"], 0, "no own goals");
    }
  });

  it("two teams of bots play a match with touches, shots and goals", () => {
    const world = playingWorld({ matchSeconds: 60, kickoffPauseSeconds: 0.5 }, 2);
    botMatch(world, 90);
    assert.equal(world.phase, "finished");
    const players = [...world.players.values()];
    assert.ok(players.every((p) => p.stats.touches > 0), "every bot plays the ball");
    assert.ok(players.some((p) => p.stats.shots > 0), "bots shoot");
    assert.ok(world.score.home + world.score.away > 0, "and score");
  });
});
