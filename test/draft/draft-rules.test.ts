import assert from "node:assert/strict";
import {
  chooseAutopick,
  createDraft,
  draftSlots,
  makePick,
  markBack,
  onTheClock,
  pauseDraft,
  remainingMs,
  restoreDraft,
  resumeDraft,
  setAutopick,
  setOrder,
  setQueue,
  shuffleOrder,
  slotOf,
  startDraft,
  tick,
  undoPicks,
  type DraftModel,
  type OrderRules,
  type PoolPlayer,
} from "../../shared/rules/draft/index.ts";
import { AppError, type League } from "../../shared/index.ts";
import { leagueFixture } from "../helpers/league-fixture.ts";

const teamsOf = (n: number) => Array.from({ length: n }, (_, i) => `t${i + 1}`);
const letters = (order: string[], rules: OrderRules) => draftSlots(order, rules).map((s) => s.teamId);
const snake = (rounds: number, thirdRoundReversal = false): OrderRules => ({ draftType: "snake", thirdRoundReversal, rounds });

const league = leagueFixture;

/** Rated r1..rN (rank order) plus unrated u1..uM. */
function pool(rated: number, unrated = 0): PoolPlayer[] {
  return [
    ...Array.from({ length: rated }, (_, i) => ({ playerId: `r${i + 1}`, name: `Rated ${i + 1}`, rating: 2000 - i, rank: i + 1 })),
    ...Array.from({ length: unrated }, (_, i) => ({ playerId: `u${i + 1}`, name: `Unrated ${i + 1}`, rating: 0, rank: 0 })),
  ];
}

const COMM = { playerId: "p_comm" };
const manager = (n: number) => ({ playerId: `p_m${n}` });

function started(teams = 2, overrides: Partial<League> = {}, players = pool(10, 2)): DraftModel {
  const model = createDraft(league(teams, overrides), players);
  startDraft(model, COMM, league(teams, overrides), 0);
  return model;
}

function refusedWith(fn: () => unknown, reason: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal((error.details as { reason: string }).reason, reason, error.message);
    assert.ok(error.message.startsWith(`${reason}: `), error.message);
    return true;
  });
}

describe("draft rules (pure)", () => {
  describe("order", () => {
    it("snake reverses every other round, for several team counts", () => {
      assert.deepEqual(letters(["a", "b"], snake(3)), ["a", "b", "b", "a", "a", "b"]);
      assert.deepEqual(letters(["a", "b", "c"], snake(3)), ["a", "b", "c", "c", "b", "a", "a", "b", "c"]);
      for (const n of [2, 3, 4, 5, 8, 12]) {
        const order = teamsOf(n);
        const slots = draftSlots(order, snake(4));
        for (let round = 0; round < 4; round++) {
          const got = slots.slice(round * n, round * n + n).map((s) => s.teamId);
          assert.deepEqual(got, round % 2 === 0 ? order : [...order].reverse(), `${n} teams, round ${round + 1}`);
          assert.ok(slots.slice(round * n, round * n + n).every((s) => s.round === round + 1));
        }
      }
    });

    it("linear repeats round 1's order", () => {
      for (const n of [2, 3, 6]) {
        const order = teamsOf(n);
        assert.deepEqual(letters(order, { draftType: "linear", thirdRoundReversal: false, rounds: 3 }), [...order, ...order, ...order]);
      }
    });

    it("third-round reversal: round 3 repeats round 2's direction, then the snake goes on", () => {
      const order = ["a", "b", "c", "d"];
      const rounds = draftSlots(order, snake(6, true)).map((s) => s.teamId).join("").match(/.{4}/g);
      assert.deepEqual(rounds, ["abcd", "dcba", "dcba", "abcd", "dcba", "abcd"]);
      assert.deepEqual(letters(["a", "b"], snake(3, true)), ["a", "b", "b", "a", "b", "a"]);
    });

    it("every team picks exactly `rounds` times; slots past the end are undefined", () => {
      for (const n of [2, 3, 7]) for (const rules of [snake(5), snake(5, true), { ...snake(5), draftType: "linear" as const }]) {
        const counts = new Map<string, number>();
        for (const slot of draftSlots(teamsOf(n), rules)) counts.set(slot.teamId, (counts.get(slot.teamId) ?? 0) + 1);
        assert.deepEqual([...counts.values()], Array(n).fill(5));
      }
      assert.equal(slotOf(["a", "b"], 5, snake(2)), undefined);
      assert.equal(slotOf(["a", "b"], 0, snake(2)), undefined);
    });

    it("a random order is a permutation drawn from the injected randomness", () => {
      let seed = 7;
      const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const order = shuffleOrder(teamsOf(8), random);
      assert.deepEqual([...order].sort(), [...teamsOf(8)].sort());
      assert.notDeepEqual(order, teamsOf(8));
      assert.deepEqual(shuffleOrder(teamsOf(3), () => 0.999), ["t1", "t2", "t3"]);
    });

    it("the commissioner sets a manual order before the start; random leagues refuse", () => {
      const model = createDraft(league(3), pool(6));
      refusedWith(() => setOrder(model, manager(1), ["t3", "t1", "t2"]), "COMMISSIONER_ONLY");
      refusedWith(() => setOrder(model, COMM, ["t3", "t1"]), "BAD_ORDER");
      refusedWith(() => setOrder(model, COMM, ["t3", "t1", "t1"]), "BAD_ORDER");
      setOrder(model, COMM, ["t3", "t1", "t2"]);
      startDraft(model, COMM, league(3), 0);
      assert.deepEqual(model.order, ["t3", "t1", "t2"]);
      refusedWith(() => setOrder(model, COMM, ["t1", "t2", "t3"]), "ALREADY_STARTED");
      refusedWith(() => setOrder(createDraft(league(3, { draftOrder: "random" }), pool(6)), COMM, ["t1", "t2", "t3"]), "ORDER_IS_RANDOM");
    });
  });

  describe("start", () => {
    it("only the commissioner starts, with two teams and a pool big enough", () => {
      refusedWith(() => startDraft(createDraft(league(2), pool(4)), manager(1), league(2), 0), "COMMISSIONER_ONLY");
      refusedWith(() => startDraft(createDraft(league(1), pool(4)), COMM, league(1), 0), "NOT_ENOUGH_TEAMS");
      refusedWith(() => startDraft(createDraft(league(3), pool(5)), COMM, league(3), 0), "NOT_ENOUGH_PLAYERS");
      const model = started(2);
      assert.equal(model.status, "running");
      assert.equal(model.clock.deadline, 30_000);
      refusedWith(() => startDraft(model, COMM, league(2), 0), "ALREADY_STARTED");
    });
  });

  describe("picks", () => {
    it("validates turn, pool, availability and roster size; the draft completes", () => {
      const model = started(2, { draftType: "linear", rosterSize: 1 });
      refusedWith(() => makePick(model, manager(2), { playerId: "r1" }, 1), "NOT_YOUR_TURN");
      refusedWith(() => makePick(model, manager(1), { playerId: "nobody" }, 1), "NOT_IN_POOL");
      refusedWith(() => makePick(model, { playerId: "p_stranger" }, { playerId: "r1" }, 1), "NOT_A_MANAGER");
      refusedWith(() => makePick(model, manager(2), { playerId: "r1", teamId: "t1" }, 1), "COMMISSIONER_ONLY");
      assert.equal(makePick(model, manager(1), { playerId: "r1" }, 1000).pick.by, "manager");
      assert.equal(model.clock.deadline, 31_000, "the next clock starts at the pick");
      refusedWith(() => makePick(model, manager(1), { playerId: "r2" }, 2), "ROSTER_FULL");
      refusedWith(() => makePick(model, manager(2), { playerId: "r1" }, 2), "PLAYER_TAKEN");
      makePick(model, manager(2), { playerId: "r2" }, 2);
      assert.equal(model.status, "complete");
      assert.equal(onTheClock(model), undefined);
      refusedWith(() => makePick(model, manager(2), { playerId: "r3" }, 3), "COMPLETE");
    });

    it("a retried pick id answers the first outcome and picks nothing more; a reused id for another player is refused", () => {
      const model = started(2);
      const first = makePick(model, manager(1), { playerId: "r3", pickId: "a1" }, 5);
      const retry = makePick(model, manager(1), { playerId: "r3", pickId: "a1" }, 6);
      assert.deepEqual([retry.replayed, retry.undone, retry.pick], [true, false, first.pick]);
      assert.equal(model.picks.length, 1);
      refusedWith(() => makePick(model, manager(1), { playerId: "r4", pickId: "a1" }, 7), "PICK_ID_REUSED");
      // Another manager's ids are their own.
      assert.equal(makePick(model, manager(2), { playerId: "r4", pickId: "a1" }, 8).replayed, false);
      undoPicks(model, COMM, 1, 9);
      const afterUndo = makePick(model, manager(1), { playerId: "r3", pickId: "a1" }, 10);
      assert.deepEqual([afterUndo.replayed, afterUndo.undone, model.picks.length], [true, true, 0], "a retry never re-picks an undone pick");
    });

    it("the commissioner picks on behalf of the team on the clock", () => {
      const model = started(2);
      const { pick } = makePick(model, COMM, { playerId: "r1" }, 1);
      assert.deepEqual([pick.teamId, pick.by], ["t1", "commissioner"]);
      refusedWith(() => makePick(model, COMM, { playerId: "r2", teamId: "t1" }, 2), "NOT_YOUR_TURN");
      refusedWith(() => makePick(model, COMM, { playerId: "r2", teamId: "t9" }, 2), "UNKNOWN_TEAM");
      assert.equal(makePick(model, COMM, { playerId: "r2", teamId: "t2" }, 2).pick.teamId, "t2");
    });
  });

  describe("autopick", () => {
    it("chooses from the queue, then the rankings, then the best available", () => {
      const base = { rankings: ["r1", "r2"], pool: ["r1", "r2", "u1", "u2"] };
      assert.deepEqual(chooseAutopick({ ...base, queue: ["x", "u2", "r1"], taken: new Set() }), { playerId: "u2", source: "queue" });
      assert.deepEqual(chooseAutopick({ ...base, queue: ["u2"], taken: new Set(["u2"]) }), { playerId: "r1", source: "rankings" });
      assert.deepEqual(chooseAutopick({ ...base, queue: [], taken: new Set(["r1", "r2"]) }), { playerId: "u1", source: "best-available" });
      assert.equal(chooseAutopick({ ...base, queue: [], taken: new Set(base.pool) }), undefined);
    });

    it("the clock expiring autopicks; autopick mode picks at once; queues lose drafted players", () => {
      const model = started(2, { rosterSize: 3 }, pool(2, 4));
      setQueue(model, manager(1), ["u3", "r2"]);
      setQueue(model, manager(2), ["u3", "u4"]);
      assert.deepEqual(tick(model, 29_999), [], "nothing before the deadline");
      const [p1] = tick(model, 30_000);
      assert.deepEqual([p1.teamId, p1.playerId, p1.by, p1.source], ["t1", "u3", "autopick", "queue"]);
      assert.deepEqual(model.teams[1].queue, ["u4"], "drafted players leave every queue");
      assert.equal(model.teams[0].absent, "missed-clock", "the default policy: a missed clock puts the team on autopick");
      assert.equal(markBack(model, "t1"), true, "its manager came back");
      setAutopick(model, manager(2), true);
      setQueue(model, manager(2), []);
      const made = tick(model, 30_001);
      assert.deepEqual(made.map((p) => `${p.teamId}:${p.playerId}:${p.source}`), ["t2:r1:rankings", "t2:r2:rankings"], "autopick mode picks both snake picks at once");
      assert.equal(onTheClock(model)?.teamId, "t1");
      refusedWith(() => setAutopick(model, manager(1), true, "t2"), "COMMISSIONER_ONLY");
      assert.equal(setAutopick(model, COMM, false, "t2").autopick, false);
      const [p4, p5] = tick(model, 60_001);
      assert.deepEqual([p4.playerId, p4.source], ["u1", "best-available"]);
      assert.deepEqual([model.teams[0].absent, p5.teamId, p5.number], ["missed-clock", "t1", 5], "missed again: absent, so its next pick is made at once");
    });

    it("refuses queue entries outside the pool and drops drafted ones", () => {
      const model = started(2);
      refusedWith(() => setQueue(model, manager(1), ["r1", "ghost"]), "NOT_IN_POOL");
      refusedWith(() => setQueue(model, COMM, ["r1"]), "NOT_A_MANAGER");
      makePick(model, manager(1), { playerId: "r1" }, 1);
      assert.deepEqual(setQueue(model, manager(2), ["r1", "r5"]), ["r5"]);
    });
  });

  describe("commissioner tools", () => {
    it("pause freezes the clock; resume gives the team on the clock a full clock; picks wait", () => {
      const model = started(2);
      refusedWith(() => pauseDraft(model, manager(1), 1), "COMMISSIONER_ONLY");
      pauseDraft(model, COMM, 10_000);
      assert.deepEqual([model.status, remainingMs(model, 99_000)], ["paused", 20_000]);
      assert.deepEqual(tick(model, 99_000), [], "no autopick while paused");
      refusedWith(() => makePick(model, manager(1), { playerId: "r1" }, 1), "PAUSED");
      assert.equal(makePick(model, COMM, { playerId: "r1" }, 50_000).pick.teamId, "t1", "the commissioner may pick while paused");
      assert.deepEqual([model.status, remainingMs(model, 99_000)], ["paused", 30_000], "the next team's clock waits, full");
      refusedWith(() => pauseDraft(model, COMM, 1), "PAUSED");
      resumeDraft(model, COMM, 100_000);
      assert.deepEqual([model.status, model.clock.deadline], ["running", 130_000]);
      refusedWith(() => resumeDraft(model, COMM, 1), "NOT_PAUSED");
    });

    it("undoing pick k undoes every later pick; the clock restarts for the team on the clock", () => {
      const model = started(3, { rosterSize: 2 }, pool(8));
      for (const [n, player] of [[1, "r1"], [2, "r2"], [3, "r3"], [3, "r4"]] as const) makePick(model, manager(n), { playerId: player }, 1);
      refusedWith(() => undoPicks(model, manager(1), undefined, 2), "COMMISSIONER_ONLY");
      refusedWith(() => undoPicks(model, COMM, 9, 2), "NOTHING_TO_UNDO");
      assert.deepEqual(undoPicks(model, COMM, undefined, 2).map((p) => p.playerId), ["r4"], "default: the last pick");
      const undone = undoPicks(model, COMM, 2, 5_000);
      assert.deepEqual(undone.map((p) => p.playerId), ["r2", "r3"]);
      assert.deepEqual(model.picks.map((p) => p.playerId), ["r1"]);
      assert.deepEqual([onTheClock(model)?.teamId, model.clock.deadline], ["t2", 35_000]);
      makePick(model, manager(2), { playerId: "r3" }, 6_000);
      assert.deepEqual(model.picks.map((p) => p.playerId), ["r1", "r3"], "redone differently");
    });

    it("a restored running draft restarts the clock of the team on the clock; a paused one stays frozen", () => {
      const model = JSON.parse(JSON.stringify(started(2))) as DraftModel;
      restoreDraft(model, 500_000);
      assert.equal(model.clock.deadline, 530_000);
      pauseDraft(model, COMM, 510_000);
      restoreDraft(model, 900_000);
      assert.equal(remainingMs(model, 900_000), 20_000);
    });
  });
});
