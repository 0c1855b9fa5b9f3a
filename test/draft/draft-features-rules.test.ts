import assert from "node:assert/strict";
import {
  absentAfterDisconnect,
  acceptTrade,
  autopick,
  chooseAutopick,
  createDraft,
  declineTrade,
  inQuietHours,
  makePick,
  markBack,
  onTheClock,
  pauseDraft,
  proposeTrade,
  remainingMs,
  removeKeeper,
  restoreDraft,
  resumeDraft,
  setKeeper,
  setOrder,
  slotOwner,
  startDraft,
  startIsDue,
  tick,
  undoPicks,
  vetoTrade,
  type ClockNotice,
  type DraftModel,
  type PoolPlayer,
} from "../../shared/rules/draft/index.ts";
import { AppError, CreateLeagueRequest, type League, type Position } from "../../shared/index.ts";
import { leagueFixture } from "../helpers/league-fixture.ts";

/** Pure rules of absent managers, keepers, pick trades, roster slots, the soft timer, quiet hours and the scheduled start. */

const COMM = { playerId: "p_comm" };
const manager = (n: number) => ({ playerId: `p_m${n}` });

const league = leagueFixture;

const rated = (n: number, position?: Position): PoolPlayer[] =>
  Array.from({ length: n }, (_, i) => ({ playerId: `r${i + 1}`, name: `Rated ${i + 1}`, rating: 2000 - i, rank: i + 1, ...(position ? { position } : {}) }));

function waiting(teams = 2, overrides: Partial<League> = {}, players = rated(10)): DraftModel {
  const model = createDraft(league(teams, overrides), players);
  setOrder(model, COMM, model.teams.map((t) => t.teamId));
  return model;
}

function started(teams = 2, overrides: Partial<League> = {}, players = rated(10)): DraftModel {
  const model = waiting(teams, overrides, players);
  startDraft(model, COMM, league(teams, overrides), 0);
  return model;
}

function refusedWith(fn: () => unknown, reason: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal((error.details as { reason: string }).reason, reason, error.message);
    return true;
  });
}

const picksOf = (model: DraftModel) => model.picks.map((p) => `${p.number}:${p.teamId}:${p.playerId}:${p.by}`);

describe("draft rules: league features (pure)", () => {
  describe("absent managers", () => {
    it("missed-clock: a team that misses its clock is absent and its later picks are made at once, until its manager is back", () => {
      const model = started(2, { rosterSize: 3 });
      const notices: ClockNotice[] = [];
      assert.deepEqual(picksOf({ ...model, picks: tick(model, 30_000, notices) }), ["1:t1:r1:autopick"]);
      assert.deepEqual(notices, [{ type: "absent", teamId: "t1", reason: "missed-clock" }]);
      makePick(model, manager(2), { playerId: "r2" }, 30_001);
      makePick(model, manager(2), { playerId: "r3" }, 30_002);
      const [p4, p5] = tick(model, 30_003, []);
      assert.deepEqual([p4.teamId, p4.number, p5.teamId, p5.number], ["t1", 4, "t1", 5], "absent: picked for on the next tick, not after a full clock");
      assert.equal(markBack(model, "t1"), true);
      assert.equal(markBack(model, "t1"), false, "back once");
      assert.equal(model.teams[0].absent, undefined);
    });

    it("a soft timer flags the team late once and never autopicks; its pick clears the flag; no absence", () => {
      const model = started(2, { softTimer: true });
      const notices: ClockNotice[] = [];
      assert.deepEqual(tick(model, 99_000, notices), []);
      assert.deepEqual(tick(model, 99_500, notices), []);
      assert.deepEqual(notices, [{ type: "late", teamId: "t1", pickNumber: 1 }], "flagged once");
      assert.deepEqual([model.teams[0].late, model.teams[0].absent, model.picks.length], [true, undefined, 0]);
      makePick(model, manager(1), { playerId: "r1" }, 99_600);
      assert.equal(model.teams[0].late, undefined);
    });

    it("disconnect-grace: a team disconnected for the grace is absent; not before, not while waiting, not with the other policy", () => {
      const model = started(3, { absentPolicy: "disconnect-grace", absentGraceSeconds: 10 });
      const since = new Map([["t2", 1_000], ["t3", 5_000]]);
      assert.deepEqual(absentAfterDisconnect(model, since, 10_999), []);
      assert.deepEqual(absentAfterDisconnect(model, since, 11_000), ["t2"]);
      assert.deepEqual(absentAfterDisconnect(model, since, 20_000), ["t3"], "each team once");
      const missed: ClockNotice[] = [];
      tick(model, 30_000, missed);
      assert.deepEqual(missed, [], "a missed clock autopicks but marks nobody absent under disconnect-grace");
      assert.equal(model.teams[0].absent, undefined);
      assert.deepEqual(absentAfterDisconnect(waiting(2, { absentPolicy: "disconnect-grace" }), since, 99_000), [], "not before the draft");
      assert.deepEqual(absentAfterDisconnect(started(2), since, 99_000), [], "missed-clock leagues ignore disconnections");
    });
  });

  describe("keepers", () => {
    it("a keeper leaves the pool at once and is drafted with its team's own pick of that round, without the clock", () => {
      const model = waiting(2, { rosterSize: 3 });
      setKeeper(model, COMM, { teamId: "t2", playerId: "r1", round: 2 });
      refusedWith(() => setKeeper(model, manager(1), { teamId: "t1", playerId: "r2", round: 1 }), "COMMISSIONER_ONLY");
      refusedWith(() => setKeeper(model, COMM, { teamId: "t1", playerId: "r1", round: 1 }), "PLAYER_TAKEN");
      refusedWith(() => setKeeper(model, COMM, { teamId: "t1", playerId: "r2", round: 4 }), "BAD_KEEPER");
      refusedWith(() => setKeeper(model, COMM, { teamId: "t9", playerId: "r2", round: 1 }), "UNKNOWN_TEAM");
      refusedWith(() => setKeeper(model, COMM, { teamId: "t1", playerId: "ghost", round: 1 }), "NOT_IN_POOL");
      setKeeper(model, COMM, { teamId: "t1", playerId: "r9", round: 1 });
      removeKeeper(model, COMM, "t1", 1);
      refusedWith(() => removeKeeper(model, COMM, "t1", 1), "UNKNOWN_KEEPER");
      startDraft(model, COMM, league(2, { rosterSize: 3 }), 0);
      refusedWith(() => setKeeper(model, COMM, { teamId: "t1", playerId: "r3", round: 3 }), "ALREADY_STARTED");
      refusedWith(() => makePick(model, manager(1), { playerId: "r1" }, 1), "PLAYER_TAKEN");
      makePick(model, manager(1), { playerId: "r2" }, 1); // 1: t1
      // Pick 2 is t2's round 1, pick 3 its round 2: the keeper, made at once.
      makePick(model, manager(2), { playerId: "r3" }, 2);
      assert.deepEqual(picksOf(model), ["1:t1:r2:manager", "2:t2:r3:manager", "3:t2:r1:keeper"]);
      assert.equal(onTheClock(model)?.teamId, "t1");
      assert.equal(model.clock.deadline, 2 + 30_000, "the next team's clock starts with the keeper pick");
      undoPicks(model, COMM, 2, 5);
      assert.deepEqual(picksOf(model), ["1:t1:r2:manager"], "undone back to pick 2; the keeper waits for its slot again");
    });

    it("a keeper in round 1 of the first team is drafted when the draft starts", () => {
      const model = waiting(2);
      setKeeper(model, COMM, { teamId: "t1", playerId: "r5", round: 1 });
      startDraft(model, COMM, league(2), 0);
      assert.deepEqual([picksOf(model), onTheClock(model)?.teamId], [["1:t1:r5:keeper"], "t2"]);
    });
  });

  describe("pick trades", () => {
    it("propose → accept swaps the slots' owners at once; the order follows; the used and the kept are refused", () => {
      const model = waiting(3, { rosterSize: 2 });
      setKeeper(model, COMM, { teamId: "t3", playerId: "r9", round: 2 });
      refusedWith(() => proposeTrade(model, manager(1), { toTeamId: "t2", give: [{ round: 1, teamId: "t2" }], get: [{ round: 1, teamId: "t1" }] }, 0), "PICK_NOT_OWNED");
      refusedWith(() => proposeTrade(model, manager(1), { toTeamId: "t2", give: [{ round: 1, teamId: "t1" }], get: [] }, 0), "BAD_TRADE");
      refusedWith(() => proposeTrade(model, manager(1), { toTeamId: "t1", give: [{ round: 1, teamId: "t1" }], get: [{ round: 2, teamId: "t1" }] }, 0), "BAD_TRADE");
      refusedWith(() => proposeTrade(model, manager(1), { toTeamId: "t3", give: [{ round: 1, teamId: "t1" }], get: [{ round: 2, teamId: "t3" }] }, 0), "KEEPER_PICK");
      refusedWith(() => proposeTrade(model, COMM, { toTeamId: "t3", give: [{ round: 1, teamId: "t1" }], get: [{ round: 1, teamId: "t3" }] }, 0), "NOT_A_MANAGER");
      const trade = proposeTrade(model, manager(1), { toTeamId: "t3", give: [{ round: 2, teamId: "t1" }], get: [{ round: 1, teamId: "t3" }] }, 0);
      assert.equal(trade.status, "proposed");
      refusedWith(() => acceptTrade(model, manager(1), trade.id, 1), "NOT_YOUR_TRADE");
      acceptTrade(model, manager(3), trade.id, 1);
      assert.deepEqual([slotOwner(model, 1, "t3"), slotOwner(model, 2, "t1")], ["t1", "t3"]);
      refusedWith(() => acceptTrade(model, manager(3), trade.id, 1), "TRADE_CLOSED");
      startDraft(model, COMM, league(3, { rosterSize: 2 }), 0);
      // Snake, 3 teams: round 1 t1 t2 t3(→t1), round 2 t3 (keeper) t2 t1(→t3).
      makePick(model, manager(1), { playerId: "r1" }, 1);
      makePick(model, manager(2), { playerId: "r2" }, 2);
      assert.deepEqual([onTheClock(model)?.teamId, onTheClock(model)?.originalTeamId], ["t1", "t3"], "t1 owns t3's round-1 pick");
      refusedWith(() => makePick(model, manager(3), { playerId: "r3" }, 3), "NOT_YOUR_TURN");
      makePick(model, manager(1), { playerId: "r3" }, 3);
      refusedWith(() => proposeTrade(model, manager(1), { toTeamId: "t2", give: [{ round: 1, teamId: "t3" }], get: [{ round: 2, teamId: "t2" }] }, 4), "PICK_USED");
      assert.deepEqual(picksOf(model).slice(3), ["4:t3:r9:keeper"]);
      makePick(model, manager(2), { playerId: "r4" }, 5);
      assert.equal(onTheClock(model)?.teamId, "t3", "t3 owns t1's round-2 pick");
      makePick(model, manager(3), { playerId: "r5" }, 6);
      assert.deepEqual(model.status, "complete");
      assert.deepEqual(model.picks.filter((p) => p.teamId === "t1").length, 2, "pick for pick: every team keeps rosterSize picks");
    });

    it("the other manager declines, the proposer withdraws, the commissioner vetoes a proposed trade; executed trades are final", () => {
      const model = started(2, { rosterSize: 3 });
      const give = [{ round: 3, teamId: "t1" }];
      const get = [{ round: 3, teamId: "t2" }];
      const declined = proposeTrade(model, manager(1), { toTeamId: "t2", give, get }, 0);
      refusedWith(() => declineTrade(model, COMM, declined.id, 1), "NOT_YOUR_TRADE");
      assert.equal(declineTrade(model, manager(2), declined.id, 1).status, "declined");
      assert.equal(declineTrade(model, manager(1), proposeTrade(model, manager(1), { toTeamId: "t2", give, get }, 2).id, 3).status, "withdrawn");
      const vetoed = proposeTrade(model, manager(1), { toTeamId: "t2", give, get }, 4);
      refusedWith(() => vetoTrade(model, manager(2), vetoed.id, 5), "COMMISSIONER_ONLY");
      assert.equal(vetoTrade(model, COMM, vetoed.id, 5).status, "vetoed");
      refusedWith(() => acceptTrade(model, manager(2), vetoed.id, 6), "TRADE_CLOSED");
      const accepted = proposeTrade(model, manager(1), { toTeamId: "t2", give, get }, 7);
      acceptTrade(model, manager(2), accepted.id, 8);
      refusedWith(() => vetoTrade(model, COMM, accepted.id, 9), "TRADE_CLOSED");
      refusedWith(() => acceptTrade(model, manager(2), "tr99", 9), "UNKNOWN_TRADE");
      // A stale proposal is checked again on acceptance: t1 no longer owns its round-3 pick.
      const stale = proposeTrade(model, manager(2), { toTeamId: "t1", give: [{ round: 3, teamId: "t1" }], get: [{ round: 2, teamId: "t1" }] }, 10);
      const back = proposeTrade(model, manager(1), { toTeamId: "t2", give: [{ round: 2, teamId: "t1" }], get: [{ round: 1, teamId: "t2" }] }, 11);
      acceptTrade(model, manager(2), back.id, 12);
      refusedWith(() => acceptTrade(model, manager(1), stale.id, 13), "PICK_NOT_OWNED");
    });
  });

  describe("roster slots", () => {
    const slots = { GK: 1, DEF: 1, BENCH: 1 };
    const players = (): PoolPlayer[] => [
      { playerId: "g1", name: "G1", rating: 9, rank: 1, position: "GK" },
      { playerId: "g2", name: "G2", rating: 8, rank: 2, position: "GK" },
      { playerId: "g3", name: "G3", rating: 7, rank: 3, position: "GK" },
      { playerId: "d1", name: "D1", rating: 6, rank: 4, position: "DEF" },
      { playerId: "d2", name: "D2", rating: 5, rank: 5, position: "DEF" },
      { playerId: "x1", name: "X1", rating: 0, rank: 0 },
    ];

    it("a settings-level rule: rosterSize is the sum of the slots; a differing rosterSize is refused", () => {
      assert.equal(CreateLeagueRequest.parse({ name: "L", rosterSlots: { GK: 1, DEF: 2, MID: 2, FWD: 1, BENCH: 2 } }).rosterSize, 8);
      assert.equal(CreateLeagueRequest.safeParse({ name: "L", rosterSlots: { GK: 1 }, rosterSize: 3 }).success, false);
      assert.equal(CreateLeagueRequest.parse({ name: "L" }).rosterSize, 5, "the old default without slots");
    });

    it("a pick fills its position's slot, else the bench; no open slot is refused; a player without a position fits only the bench", () => {
      const model = started(2, { rosterSize: 3, rosterSlots: slots }, players());
      makePick(model, manager(1), { playerId: "g1" }, 1);
      makePick(model, manager(2), { playerId: "x1" }, 2);
      makePick(model, manager(2), { playerId: "g2" }, 3);
      makePick(model, manager(1), { playerId: "g3" }, 4);
      assert.deepEqual(model.picks.map((p) => `${p.playerId}:${p.slot}`), ["g1:GK", "x1:BENCH", "g2:GK", "g3:BENCH"]);
      refusedWith(() => makePick(model, manager(1), { playerId: "x1" }, 5), "PLAYER_TAKEN");
      const full = started(2, { rosterSize: 3, rosterSlots: slots }, [...players(), { playerId: "g4", name: "G4", rating: 0, rank: 0, position: "GK" }]);
      makePick(full, manager(1), { playerId: "g1" }, 1);
      makePick(full, manager(2), { playerId: "d1" }, 2);
      makePick(full, manager(2), { playerId: "d2" }, 3);
      makePick(full, manager(1), { playerId: "g2" }, 4);
      refusedWith(() => makePick(full, manager(1), { playerId: "g3" }, 5), "NO_OPEN_SLOT");
    });

    it("autopick fills needs first: the best available for an open starting slot, then the bench", () => {
      const model = started(2, { rosterSize: 3, rosterSlots: slots }, players());
      makePick(model, manager(1), { playerId: "g1" }, 1);
      model.teams[1].queue = ["x1"];
      const pick = autopick(model, 2)!;
      assert.deepEqual([pick.playerId, pick.slot], ["g2", "GK"], "t2's queue holds a bench-only player; its open GK slot comes first");
      const second = autopick(model, 3)!;
      assert.deepEqual([second.playerId, second.slot], ["d1", "DEF"]);
      const third = autopick(model, 4)!;
      assert.deepEqual([third.teamId, third.playerId, third.slot], ["t1", "d2", "DEF"]);
      const bench = autopick(model, 5)!;
      assert.deepEqual([bench.teamId, bench.playerId, bench.slot], ["t1", "g3", "BENCH"], "no starter need left: the bench takes the best of the rankings");
      assert.deepEqual(chooseAutopick({ queue: [], rankings: ["a", "b"], pool: ["a", "b"], taken: new Set(), fits: (id) => (id === "b" ? "starter" : "bench") }), { playerId: "b", source: "rankings" });
    });

    it("a keeper holds its slot: picks cannot take the slot a later keeper needs", () => {
      const model = waiting(2, { rosterSize: 3, rosterSlots: slots }, players());
      setKeeper(model, COMM, { teamId: "t1", playerId: "g3", round: 3 });
      startDraft(model, COMM, league(2, { rosterSize: 3, rosterSlots: slots }), 0);
      makePick(model, manager(1), { playerId: "g1" }, 1);
      assert.equal(model.picks[0].slot, "BENCH", "the GK slot is the keeper's");
    });
  });

  describe("schedule and quiet hours", () => {
    /** Times from the evening of Jan 5 (22:00 and later) to the next day (earlier). */
    const at = (hhmm: string) => Date.parse(`2026-01-0${hhmm >= "12:00" ? 5 : 6}T${hhmm}:00Z`);

    it("quiet hours: a window in a time zone, wrapping past midnight", () => {
      const night = { start: "23:00", end: "08:00", timeZone: "UTC" };
      assert.deepEqual([at("22:59"), at("23:00"), at("03:00"), at("07:59"), at("08:00")].map((t) => inQuietHours(night, t)), [false, true, true, true, false]);
      const tokyo = { start: "09:00", end: "10:00", timeZone: "Asia/Tokyo" }; // UTC+9
      assert.deepEqual([inQuietHours(tokyo, Date.parse("2026-01-05T00:30:00Z")), inQuietHours(tokyo, Date.parse("2026-01-05T09:30:00Z"))], [true, false]);
    });

    it("the clock stops during quiet hours (no autopick) and restarts with what was left", () => {
      const quietHours = { start: "23:00", end: "08:00", timeZone: "UTC" };
      const model = waiting(2, { quietHours, pickSeconds: 600 });
      startDraft(model, COMM, league(2), at("22:55"));
      const notices: ClockNotice[] = [];
      assert.deepEqual(tick(model, at("23:00"), notices), []);
      assert.deepEqual([model.quiet, remainingMs(model, at("07:00")), notices], [true, 300_000, [{ type: "quiet", quiet: true }]]);
      assert.deepEqual(tick(model, at("07:59"), notices), [], "no autopick while quiet");
      makePick(model, manager(1), { playerId: "r1" }, at("02:00"));
      assert.equal(remainingMs(model, at("03:00")), 600_000, "a pick by hand counts; the next clock waits, full");
      pauseDraft(model, COMM, at("04:00"));
      resumeDraft(model, COMM, at("05:00"));
      assert.deepEqual(tick(model, at("08:00"), notices).length, 0);
      assert.deepEqual([model.quiet, model.clock.deadline, notices.at(-1)], [false, at("08:00") + 600_000, { type: "quiet", quiet: false }]);
      assert.equal(tick(model, at("08:10"), notices)[0]?.teamId, "t2", "the clock runs again");
    });

    it("a scheduled start is due once startAt has passed, while waiting", () => {
      const model = waiting(2, { startAt: "2026-01-05T12:00:00.000Z" });
      assert.deepEqual([startIsDue(model, at("12:00") - 1), startIsDue(model, at("12:00"))], [false, true]);
      startDraft(model, COMM, league(2), at("12:00"));
      assert.equal(startIsDue(model, at("12:01")), false);
      assert.equal(startIsDue(waiting(2), at("12:00")), false, "no startAt, no scheduled start");
    });
  });

  it("a snapshot from before these features restores with their defaults", () => {
    const model = started(2);
    const old = JSON.parse(JSON.stringify(model)) as Record<string, unknown> & { rules: Record<string, unknown> };
    for (const key of ["keepers", "pickOwners", "trades", "tradeSeq", "quiet"]) delete old[key];
    for (const key of ["absentPolicy", "absentGraceSeconds", "softTimer"]) delete old.rules[key];
    const restored = old as unknown as DraftModel;
    restoreDraft(restored, 1_000);
    assert.deepEqual([restored.keepers, restored.trades, restored.pickOwners, restored.quiet, restored.rules.absentPolicy], [[], [], {}, false, "missed-clock"]);
    makePick(restored, manager(1), { playerId: "r1" }, 2_000);
    assert.equal(onTheClock(restored)?.teamId, "t2");
  });
});
