import assert from "node:assert/strict";
import fc from "fast-check";
import {
  acceptInput,
  buildMatchResult,
  clampDirection,
  creditGoal,
  IllegalTransitionError,
  isOnTarget,
  registerTouch,
  requestStart,
  seatPlayer,
  setConnected,
  setReady,
  transition,
  unseatPlayer,
} from "../../shared/rules/arena/index.ts";
import { MatchResultSchema } from "../../shared/index.ts";
import { DT, newWorld, player, playingWorld, press, run, seat } from "../helpers/arena-helpers.ts";

const speed = (v: { x: number; y: number }) => Math.hypot(v.x, v.y);

describe("arena rules (pure)", () => {
  describe("input", () => {
    it("clamps the stick to length 1 and zeroes the dead zone", () => {
      assert.deepEqual(clampDirection({ x: 0.5, y: 0 }, 0.02), { x: 0.5, y: 0 });
      const diagonal = clampDirection({ x: 1, y: 1 }, 0.02);
      assert.ok(Math.abs(Math.hypot(diagonal.x, diagonal.y) - 1) < 1e-12, "a diagonal is no faster than a straight line");
      assert.deepEqual(clampDirection({ x: 0.01, y: -0.01 }, 0.02), { x: 0, y: 0 });
      assert.deepEqual(clampDirection({ x: Number.NaN, y: 1 }, 0.02), { x: 0, y: 0 }, "defence in depth behind the validator");
      assert.deepEqual(clampDirection({ x: Number.POSITIVE_INFINITY, y: 0 }, 0.02), { x: 0, y: 0 });
    });

    it("accepts increasing sequence numbers only and acknowledges them when the next step applies them", () => {
      const world = playingWorld();
      assert.equal(acceptInput(world, "h0", { seq: 5, dir: { x: 1, y: 0 } }), "accepted");
      assert.equal(player(world, "h0").ackSeq, 0, "not applied before the step");
      assert.equal(acceptInput(world, "h0", { seq: 5, dir: { x: -1, y: 0 } }), "stale", "a replay");
      assert.equal(acceptInput(world, "h0", { seq: 3, dir: { x: -1, y: 0 } }), "stale", "out of order");
      run(world, 1);
      assert.equal(player(world, "h0").ackSeq, 5);
      assert.deepEqual(player(world, "h0").dir, { x: 1, y: 0 }, "the stale inputs changed nothing");
      assert.equal(acceptInput(world, "h0", { seq: 6, dir: { x: 0, y: 1 } }), "accepted");
      assert.equal(acceptInput(world, "h0", { seq: 7, dir: { x: 0, y: -1 }, kick: true }), "accepted");
      assert.equal(acceptInput(world, "h0", { seq: 8, dir: { x: 1, y: 0 } }), "accepted");
      run(world, 1);
      assert.equal(player(world, "h0").ackSeq, 8);
      assert.deepEqual(player(world, "h0").dir, { x: 1, y: 0 }, "the newest direction wins");
      assert.ok(player(world, "h0").kickBuffer > 0, "a kick between steps is not lost");
    });

    it("ignores inputs from unknown sessions and after the final whistle", () => {
      const world = playingWorld({ matchSeconds: 1 });
      assert.equal(acceptInput(world, "spectator", { seq: 1, dir: { x: 1, y: 0 } }), "ignored");
      run(world, 31);
      assert.equal(world.phase, "finished");
      assert.equal(acceptInput(world, "h0", { seq: 99, dir: { x: 1, y: 0 } }), "ignored");
    });
  });

  describe("movement", () => {
    it("never exceeds the maximum speed or acceleration, whatever the input", () => {
      const world = playingWorld();
      const p = player(world, "h0");
      const { playerMaxSpeed, playerAcceleration } = world.config.physics;
      press(world, "h0", 1, 1);
      run(world, 1);
      assert.ok(speed(p.vel) <= playerAcceleration * DT + 1e-9, "one step of acceleration at most");
      for (let i = 0; i < 60; i++) {
        run(world, 1);
        assert.ok(speed(p.vel) <= playerMaxSpeed + 1e-9);
      }
      assert.ok(speed(p.vel) > playerMaxSpeed - 1e-6, "reaches top speed");
    });

    it("a hundred inputs between two steps move a player no further than one", () => {
      const spam = playingWorld();
      const calm = playingWorld();
      for (let step = 0; step < 20; step++) {
        for (let i = 0; i < 100; i++) press(spam, "h0", 1, 0);
        if (step === 0) press(calm, "h0", 1, 0);
        run(spam, 1);
        run(calm, 1);
      }
      assert.deepEqual(player(spam, "h0").pos, player(calm, "h0").pos);
    });

    it("property: no sequence of inputs moves a lone player faster than the maximum speed", () => {
      const axis = fc.double({ min: -1, max: 1, noNaN: true });
      const stepInputs = fc.array(fc.record({ x: axis, y: axis, kick: fc.boolean() }), { maxLength: 8 });
      fc.assert(
        fc.property(fc.array(stepInputs, { minLength: 1, maxLength: 90 }), (steps) => {
          const world = playingWorld({ forfeitSeconds: 3600 });
          unseatPlayer(world, "a0");
          const p = player(world, "h0");
          const max = world.config.physics.playerMaxSpeed;
          for (const inputs of steps) {
            for (const input of inputs) press(world, "h0", input.x, input.y, input.kick);
            const before = { ...p.pos };
            run(world, 1);
            if (speed(p.vel) > max + 1e-9) return false;
            if (Math.hypot(p.pos.x - before.x, p.pos.y - before.y) > max * DT + 1e-9) return false;
          }
          return true;
        }),
        { numRuns: 200 },
      );
    });

    it("a disconnected player's avatar idles", () => {
      const world = playingWorld({ forfeitSeconds: 60 });
      press(world, "h0", 1, 0);
      run(world, 20);
      setConnected(world, "h0", false);
      run(world, 30);
      assert.equal(speed(player(world, "h0").vel), 0);
    });
  });

  describe("collisions", () => {
    it("players never overlap (circle vs circle)", () => {
      const world = playingWorld();
      const [h, a] = [player(world, "h0"), player(world, "a0")];
      h.pos = { x: 12, y: 9 };
      a.pos = { x: 14, y: 9.1 };
      world.ball.pos = { x: 15, y: 2 };
      press(world, "h0", 1, 0);
      press(world, "a0", -1, 0);
      const min = world.config.physics.playerRadius * 2;
      for (let i = 0; i < 45; i++) {
        run(world, 1);
        assert.ok(Math.hypot(h.pos.x - a.pos.x, h.pos.y - a.pos.y) >= min - 1e-9, `overlap at step ${i}`);
      }
    });

    it("players stay inside the walls", () => {
      const world = playingWorld();
      press(world, "h0", -1, -1);
      run(world, 120);
      const r = world.config.physics.playerRadius;
      assert.deepEqual(player(world, "h0").pos, { x: r, y: r });
    });

    it("the ball bounces off a side wall with restitution, and off a post, without a goal", () => {
      const world = playingWorld();
      const { ballRadius, wallRestitution } = world.config.physics;
      world.ball.pos = { x: 15, y: 1 };
      world.ball.vel = { x: 0, y: -10 };
      run(world, 5);
      assert.ok(world.ball.pos.y >= ballRadius);
      assert.ok(world.ball.vel.y > 0 && world.ball.vel.y < 10 * wallRestitution, "reflected and slowed");

      const post = playingWorld();
      const top = post.config.field.height / 2 - post.config.field.goalWidth / 2;
      post.ball.pos = { x: 1.5, y: top - 0.2 };
      post.ball.vel = { x: -10, y: 0 };
      const events = run(post, 10);
      assert.ok(post.ball.vel.x > 0, "bounced back off the post");
      assert.equal(events.filter((e) => e.type === "goal").length, 0);
    });

    it("the end wall outside the goal mouth is a wall", () => {
      const world = playingWorld();
      world.ball.pos = { x: 1, y: 2 };
      world.ball.vel = { x: -12, y: 0 };
      const events = run(world, 10);
      assert.ok(world.ball.pos.x >= world.config.physics.ballRadius && world.ball.vel.x > 0);
      assert.equal(events.filter((e) => e.type === "goal").length, 0);
    });
  });

  describe("kicks, goals and kickoff", () => {
    it("a kick into the goal scores, counts a shot, and resets to a kickoff for the other side", () => {
      const world = playingWorld({ kickoffPauseSeconds: 1 });
      const h = player(world, "h0");
      h.pos = { x: 27, y: 9 };
      world.ball.pos = { x: 27.9, y: 9 };
      press(world, "h0", 0, 0, true);
      const events = run(world, 15);
      const goals = events.filter((e) => e.type === "goal");
      assert.deepEqual(goals, [{ type: "goal", side: "home", ownGoal: false, scorerId: "p_h0", score: { home: 1, away: 0 } }]);
      assert.deepEqual(world.score, { home: 1, away: 0 });
      assert.deepEqual(h.stats, { goals: 1, assists: 0, shots: 1, saves: 0, touches: 1 });
      assert.equal(world.kickoffSide, "away");
      assert.deepEqual(world.ball.pos, { x: 15, y: 9 });
      assert.deepEqual(h.pos, { x: 7.5, y: 9 }, "back on the kickoff spot");

      // The kickoff freeze holds everyone and the clock.
      const clock = world.clockLeft;
      press(world, "h0", 1, 0);
      run(world, 20);
      assert.deepEqual(h.pos, { x: 7.5, y: 9 });
      assert.equal(world.clockLeft, clock);
      run(world, 20);
      assert.ok(h.pos.x > 7.5, "play resumed after the pause");
      assert.ok(world.clockLeft < clock);
    });

    it("a kick waits out its cooldown; a buffered kick connects when the ball arrives", () => {
      const world = playingWorld();
      const h = player(world, "h0");
      h.pos = { x: 10, y: 9 };
      world.ball.pos = { x: 10.9, y: 9 };
      press(world, "h0", 0, 0, true);
      run(world, 1);
      assert.equal(world.ball.vel.x > 14, true, "kicked");
      assert.ok(h.kickCooldown > 0);

      world.ball.pos = { x: 10.9, y: 9 };
      world.ball.vel = { x: 0, y: 0 };
      press(world, "h0", 0, 0, true);
      run(world, 5);
      assert.deepEqual(world.ball.vel, { x: 0, y: 0 }, "no kick during the cooldown; the request expired");

      run(world, 15);
      assert.equal(h.kickCooldown, 0);
      world.ball.pos = { x: 11.5, y: 9 };
      world.ball.vel = { x: -6, y: 0 };
      press(world, "h0", 0, 0, true);
      run(world, 4);
      assert.ok(world.ball.vel.x > 10, "the buffered kick met the incoming ball");
    });

    it("a shot stopped by an opponent is a save; touches are counted once per contact", () => {
      const world = playingWorld();
      const [h, a] = [player(world, "h0"), player(world, "a0")];
      h.pos = { x: 19, y: 9 };
      a.pos = { x: 24, y: 9 };
      world.ball.pos = { x: 19.9, y: 9 };
      press(world, "h0", 0, 0, true);
      run(world, 20);
      assert.equal(h.stats.shots, 1);
      assert.equal(a.stats.touches, 1);
      assert.equal(a.stats.saves, 1);
      assert.ok(world.ball.vel.x < 0, "the ball bounced back off the keeper");
      assert.equal(world.shot, null);
    });

    it("credits scorer and assist along one side's touches; an opponent's touch breaks the chain; own goals credit nobody", () => {
      const world = playingWorld({}, 2);
      const [h0, h1, a0] = [player(world, "h0"), player(world, "h1"), player(world, "a0")];
      registerTouch(world, h0);
      registerTouch(world, h1);
      registerTouch(world, h1);
      assert.deepEqual(creditGoal(world, "home"), { type: "goal", side: "home", ownGoal: false, scorerId: "p_h1", assistId: "p_h0", score: { home: 1, away: 0 } });
      assert.equal(h1.stats.goals, 1);
      assert.equal(h0.stats.assists, 1);

      world.touch = {};
      registerTouch(world, h0);
      registerTouch(world, a0);
      registerTouch(world, h1);
      assert.equal(creditGoal(world, "home").assistId, undefined);

      world.touch = {};
      registerTouch(world, a0);
      assert.deepEqual(creditGoal(world, "home"), { type: "goal", side: "home", ownGoal: true, score: { home: 3, away: 0 } });
      assert.equal(a0.stats.goals, 0);
    });

    it("judges shots on target by the path and by friction", () => {
      const world = playingWorld();
      assert.equal(isOnTarget(world, { pos: { x: 20, y: 9 }, vel: { x: 15, y: 0 } }, "home"), true);
      assert.equal(isOnTarget(world, { pos: { x: 20, y: 9 }, vel: { x: 15, y: 15 } }, "home"), false, "wide");
      assert.equal(isOnTarget(world, { pos: { x: 5, y: 9 }, vel: { x: 3, y: 0 } }, "home"), false, "stops short");
      assert.equal(isOnTarget(world, { pos: { x: 20, y: 9 }, vel: { x: 15, y: 0 } }, "away"), false, "wrong way");
    });
  });

  describe("clock and lifecycle", () => {
    it("waits for full sides, counts down, plays the clock out and finishes once", () => {
      const world = newWorld({ teamSize: 2, countdownSeconds: 1, matchSeconds: 2 });
      seat(world, "h0");
      seat(world, "a0");
      seat(world, "h1");
      assert.equal(player(world, "a0").side, "away", "sides are balanced");
      assert.deepEqual(run(world, 10), []);
      assert.equal(world.phase, "waiting");
      seat(world, "a1");
      assert.deepEqual(run(world, 1), [{ type: "phase", from: "waiting", to: "countdown", reason: "teams-full" }]);
      const toPlaying = run(world, 30, 5_000);
      assert.deepEqual(toPlaying.at(-1), { type: "phase", from: "countdown", to: "playing", reason: "countdown-done" });
      assert.ok(world.startedAtMs !== undefined);
      assert.deepEqual(run(world, 59), []);
      const end = run(world, 2, 9_000);
      assert.deepEqual(end, [{ type: "phase", from: "playing", to: "finished", reason: "time-up" }]);
      assert.deepEqual(world.end, { reason: "time" });
      assert.deepEqual(run(world, 30), [], "nothing happens after the final whistle");
    });

    it("a countdown that loses a player falls back to waiting", () => {
      const world = newWorld({ teamSize: 1, countdownSeconds: 2 });
      seat(world, "h0");
      seat(world, "a0");
      run(world, 5);
      assert.equal(world.phase, "countdown");
      unseatPlayer(world, "a0");
      assert.deepEqual(run(world, 1), [{ type: "phase", from: "countdown", to: "waiting", reason: "team-short" }]);
      assert.equal(world.players.has("a0"), false, "left before kickoff: not part of the match");
    });

    it("a friendly starts early on the host's word; other rooms and players cannot start it", () => {
      const competitive = newWorld({ teamSize: 2 });
      seat(competitive, "h0");
      seat(competitive, "a0");
      assert.equal(requestStart(competitive, "p_h0")?.code, "FORBIDDEN");

      const world = newWorld({ teamSize: 3, friendly: true });
      seat(world, "h0");
      assert.equal(world.hostId, "p_h0");
      assert.equal(requestStart(world, "p_h0")?.code, "CONFLICT", "needs a player on each side");
      seat(world, "a0");
      assert.equal(requestStart(world, "p_a0")?.code, "FORBIDDEN", "not the host");
      assert.equal(requestStart(world, "p_h0"), undefined);
      assert.deepEqual(run(world, 1), [{ type: "phase", from: "waiting", to: "countdown", reason: "host-start" }]);
      run(world, 2);
      assert.equal(world.phase, "playing");

      unseatPlayer(world, "h0");
      assert.equal(world.hostId, "p_a0", "the host role passes on");
    });

    it("with requireReady, full sides also wait for every ready", () => {
      const world = newWorld({ teamSize: 1, requireReady: true });
      seat(world, "h0");
      seat(world, "a0");
      setReady(world, "h0", true);
      run(world, 5);
      assert.equal(world.phase, "waiting");
      setReady(world, "a0", true);
      run(world, 1);
      assert.equal(world.phase, "countdown");
    });

    it("rejects illegal transitions", () => {
      const world = newWorld();
      assert.throws(() => transition(world, "finished", "time-up"), IllegalTransitionError);
      assert.throws(() => transition(world, "playing", "countdown-done"), IllegalTransitionError);
    });

    it("seats: sides fill up, one seat per player, none after kickoff", () => {
      const world = newWorld({ teamSize: 1 });
      seat(world, "h0", "home");
      const full = seatPlayer(world, { id: "x", playerId: "p_x", name: "X", side: "home" });
      assert.deepEqual(full.ok ? null : full.code, "CONFLICT");
      const twice = seatPlayer(world, { id: "other-session", playerId: "p_h0", name: "H0" });
      assert.equal(twice.ok, false);
      seat(world, "a0");
      run(world, 3);
      assert.equal(world.phase, "playing");
      unseatPlayer(world, "a0");
      const late = seatPlayer(world, { id: "late", playerId: "p_late", name: "Late" });
      assert.equal(late.ok, false, "no joining a started match as a player");
    });
  });

  describe("forfeit", () => {
    it("a side with nobody connected past the window forfeits; returning in time resets the timer", () => {
      const world = playingWorld({ forfeitSeconds: 1 });
      setConnected(world, "a0", false);
      run(world, 20);
      setConnected(world, "a0", true);
      run(world, 20);
      assert.equal(world.phase, "playing", "came back inside the window");
      setConnected(world, "a0", false);
      assert.deepEqual(run(world, 29), []);
      assert.deepEqual(run(world, 2, 7_000), [{ type: "phase", from: "playing", to: "finished", reason: "forfeit" }]);
      assert.deepEqual(world.end, { reason: "forfeit", forfeitedBy: "away" });
    });

    it("when both sides empty, the side that emptied first forfeits; a dead heat forfeits nobody", () => {
      const first = playingWorld({ forfeitSeconds: 1 });
      unseatPlayer(first, "h0");
      run(first, 5);
      unseatPlayer(first, "a0");
      run(first, 40);
      assert.equal(first.end?.forfeitedBy, "home");

      const tie = playingWorld({ forfeitSeconds: 1 });
      setConnected(tie, "h0", false);
      setConnected(tie, "a0", false);
      run(tie, 40);
      assert.deepEqual(tie.end, { reason: "forfeit" });
    });
  });

  describe("match result", () => {
    it("is one immutable record with every player (leavers too) and team sums", () => {
      const world = playingWorld({ matchSeconds: 2 }, 2);
      const h1 = player(world, "h1");
      h1.pos = { x: 27, y: 9 };
      world.ball.pos = { x: 27.9, y: 9 };
      press(world, "h1", 0, 0, true);
      run(world, 15);
      unseatPlayer(world, "a1");
      run(world, 60, Date.UTC(2030, 0, 1));
      assert.equal(world.phase, "finished");
      const result = buildMatchResult(world, { matchId: "m_test_result", teams: { home: { name: "Reds", teamId: "t_red" }, away: { name: "Blues" } } });
      MatchResultSchema.parse(result);
      assert.equal(result.mode, "2v2");
      assert.equal(result.winner, "home");
      assert.equal(result.forfeitedBy, undefined);
      assert.deepEqual(result.teams.home, { teamId: "t_red", name: "Reds", score: 1, stats: { goals: 1, assists: 0, shots: 1, saves: 0, touches: 1 } });
      assert.deepEqual(result.teams.away.stats, { goals: 0, assists: 0, shots: 0, saves: 0, touches: 0 });
      assert.deepEqual(result.players.map((p) => p.playerId), ["p_h0", "p_h1", "p_a0", "p_a1"], "the leaver stays in the result");
      assert.ok(Object.isFrozen(result) && Object.isFrozen(result.players[0]!.stats) && Object.isFrozen(result.teams.home));
      assert.throws(() => {
        (result as { winner: string }).winner = "away";
      }, TypeError);
    });

    it("a forfeit decides the winner whatever the score", () => {
      const world = playingWorld({ forfeitSeconds: 0.5 });
      world.score.away = 2;
      setConnected(world, "a0", false);
      run(world, 20);
      const result = buildMatchResult(world, { matchId: "m_test_forfeit", teams: { home: { name: "H" }, away: { name: "A" } } });
      assert.equal(result.winner, "home");
      assert.equal(result.forfeitedBy, "away");
      MatchResultSchema.parse(result);
    });
  });
});
