import assert from "node:assert/strict";
import {
  auctionTick,
  auctionValue,
  autoBidCeiling,
  budgetLeft,
  createDraft,
  emptySlots,
  makePick,
  maxBid,
  nextNominator,
  nominate,
  pauseDraft,
  placeBid,
  restoreDraft,
  resumeDraft,
  setAutopick,
  setQueue,
  startDraft,
  tick,
  undoPicks,
  type DraftModel,
  type PoolPlayer,
} from "../../shared/rules/draft/index.ts";
import { AppError, CreateLeagueRequest, type League } from "../../shared/index.ts";
import { leagueFixture } from "../helpers/league-fixture.ts";

const COMM = { playerId: "p_comm" };
const m = (n: number) => ({ playerId: `p_m${n}` });
const BID_MS = 10_000;
const NOMINATION_MS = 30_000;

/** An auction league: budget 10, short clocks. */
const league = (teams: number, overrides: Partial<League> = {}): League =>
  leagueFixture(teams, { id: "lg_auction", name: "Auction", draftType: "auction", pickSeconds: 60, budget: 10, nominationSeconds: NOMINATION_MS / 1000, bidSeconds: BID_MS / 1000, standingsBoardId: "fantasy-lg_auction", ...overrides });

const pool = (rated: number, unrated = 0): PoolPlayer[] => [
  ...Array.from({ length: rated }, (_, i) => ({ playerId: `r${i + 1}`, name: `Rated ${i + 1}`, rating: 2000 - i, rank: i + 1 })),
  ...Array.from({ length: unrated }, (_, i) => ({ playerId: `u${i + 1}`, name: `Unrated ${i + 1}`, rating: 0, rank: 0 })),
];

function started(teams = 3, overrides: Partial<League> = {}, players = pool(8, 2)): DraftModel {
  const model = createDraft(league(teams, overrides), players);
  startDraft(model, COMM, league(teams, overrides), 0);
  return model;
}

function refusedWith(fn: () => unknown, reason: string, details: Record<string, unknown> = {}) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    const got = error.details as Record<string, unknown>;
    assert.equal(got.reason, reason, error.message);
    for (const [key, value] of Object.entries(details)) assert.deepEqual(got[key], value, `${key} in ${error.message}`);
    return true;
  });
}

/** Nominates for team n at `now` and lets the bid clock run out: team n wins at `bid`. */
function buy(model: DraftModel, n: number, playerId: string, bid: number, now: number): number {
  nominate(model, m(n), { playerId, bid }, now);
  auctionTick(model, now + BID_MS);
  return now + BID_MS;
}

describe("auction draft rules (pure)", () => {
  it("league settings: auction defaults, thirdRoundReversal refused, a budget below $1 per slot refused", () => {
    const parsed = CreateLeagueRequest.parse({ name: "A", draftType: "auction" });
    assert.deepEqual([parsed.budget, parsed.nominationSeconds, parsed.bidSeconds], [200, 30, 10]);
    assert.equal(CreateLeagueRequest.safeParse({ name: "A", draftType: "auction", thirdRoundReversal: true }).error?.issues[0].path[0], "thirdRoundReversal");
    assert.equal(CreateLeagueRequest.safeParse({ name: "A", draftType: "auction", rosterSize: 6, budget: 5 }).error?.issues[0].path[0], "budget");
    assert.equal(CreateLeagueRequest.safeParse({ name: "A", draftType: "auction", bidSeconds: 0 }).success, false);
    // An older league without the settings drafts with the defaults.
    const { budget: _b, nominationSeconds: _n, bidSeconds: _s, ...old } = league(2);
    const model = createDraft(old as League, pool(4));
    assert.deepEqual([model.auction?.budget, model.auction?.nominationSeconds, model.auction?.bidSeconds], [200, 30, 10]);
    assert.equal(createDraft(league(2, { draftType: "snake" }), pool(4)).auction, undefined, "snake drafts have no auction");
  });

  it("the max-bid rule: budget left − $1 × the empty slots after this one; a full roster cannot bid", () => {
    const model = started(3, { rosterSize: 3 }, pool(12));
    assert.deepEqual([budgetLeft(model, "t1"), emptySlots(model, "t1"), maxBid(model, "t1")], [10, 3, 8]);
    refusedWith(() => nominate(model, m(1), { playerId: "r1", bid: 9 }, 0), "ABOVE_MAX_BID", { maxBid: 8 });
    let now = buy(model, 1, "r1", 5, 0);
    assert.deepEqual([budgetLeft(model, "t1"), emptySlots(model, "t1"), maxBid(model, "t1")], [5, 2, 4]);
    nominate(model, m(2), { playerId: "r2" }, now);
    refusedWith(() => placeBid(model, m(1), { amount: 5 }, now), "ABOVE_MAX_BID", { maxBid: 4, budgetLeft: 5 });
    placeBid(model, m(1), { amount: 4 }, now);
    now += BID_MS;
    auctionTick(model, now);
    assert.deepEqual([budgetLeft(model, "t1"), maxBid(model, "t1")], [1, 1], "the last slot may take the last dollar");
    now = buy(model, 3, "r3", 1, now);
    nominate(model, m(1), { playerId: "r4" }, now);
    auctionTick(model, now + BID_MS);
    assert.deepEqual([emptySlots(model, "t1"), maxBid(model, "t1"), budgetLeft(model, "t1")], [0, 0, 0]);
    nominate(model, m(2), { playerId: "r5" }, now + BID_MS);
    refusedWith(() => placeBid(model, m(1), { amount: 2 }, now + BID_MS), "ROSTER_FULL");
  });

  it("nominations go around the order in turn and skip teams whose roster is full", () => {
    assert.deepEqual(nextNominator(["a", "b", "c"], 2, () => true), { teamId: "c", index: 2 });
    assert.deepEqual(nextNominator(["a", "b", "c"], 2, (t) => t !== "c"), { teamId: "a", index: 0 });
    assert.equal(nextNominator(["a", "b"], 0, () => false), undefined);

    const model = started(3, { rosterSize: 2, budget: 20 }, pool(10));
    const nominators: string[] = [];
    let now = 0;
    // t1 buys every lot it can (it nominates and nobody outbids): it fills up after its second lot and is skipped from then on.
    for (const playerId of ["r1", "r2", "r3", "r4", "r5", "r6"]) {
      const nominator = model.auction!.nominator;
      nominators.push(nominator);
      const n = Number(nominator.slice(1));
      nominate(model, m(n), { playerId }, now);
      if (n !== 1 && emptySlots(model, "t1") > 0) placeBid(model, m(1), { amount: 2 }, now);
      now += BID_MS;
      auctionTick(model, now);
    }
    assert.deepEqual(nominators, ["t1", "t2", "t3", "t2", "t3", "t2"]);
    assert.equal(model.status, "complete");
    refusedWith(() => nominate(started(3), m(2), { playerId: "r1" }, 0), "NOT_YOUR_NOMINATION", { nominator: "t1" });
  });

  it("a nomination opens a lot with the nominator's bid; bids must beat the high bid; each bid restarts the bid clock; the clock running out awards the lot", () => {
    const model = started(3, { budget: 50 });
    refusedWith(() => placeBid(model, m(2), { amount: 3 }, 0), "NO_LOT", { nominator: "t1" });
    const [opened] = [nominate(model, m(1), { playerId: "r1", bid: 3 }, 1_000)];
    assert.deepEqual(opened, { type: "nominated", lot: 1, playerId: "r1", teamId: "t1", bid: 3, by: "manager", deadline: 1_000 + BID_MS });
    assert.equal(model.clock.deadline, 1_000 + BID_MS);
    refusedWith(() => nominate(model, m(1), { playerId: "r2" }, 1_000), "LOT_OPEN", { lot: 1 });
    refusedWith(() => placeBid(model, m(2), { amount: 3 }, 2_000), "BID_TOO_LOW", { highBid: 3, minBid: 4 });
    refusedWith(() => placeBid(model, m(1), { amount: 9 }, 2_000), "ALREADY_HIGH_BIDDER");
    placeBid(model, m(2), { amount: 4 }, 5_000);
    assert.equal(model.clock.deadline, 5_000 + BID_MS, "the bid restarted the clock");
    assert.deepEqual(auctionTick(model, 5_000 + BID_MS - 1), [], "no award before the clock runs out");
    placeBid(model, m(3), { amount: 7, lot: 1 }, 14_000);
    assert.equal(model.clock.deadline, 14_000 + BID_MS);
    assert.deepEqual(auctionTick(model, 5_000 + BID_MS), [], "the earlier deadline no longer counts");
    const events = auctionTick(model, 14_000 + BID_MS);
    assert.deepEqual(events.map((e) => e.type), ["won"]);
    assert.deepEqual(model.picks.map((p) => [p.number, p.teamId, p.playerId, p.price, p.by]), [[1, "t3", "r1", 7, "manager"]]);
    assert.deepEqual([budgetLeft(model, "t3"), model.auction!.nominator, model.auction!.lot], [43, "t2", undefined]);
    assert.equal(model.clock.deadline, 14_000 + BID_MS + NOMINATION_MS, "the next team is on the nomination clock");
    refusedWith(() => placeBid(model, m(2), { amount: 9, lot: 1 }, 30_000), "LOT_CLOSED", { lot: 1 });
    refusedWith(() => nominate(model, m(2), { playerId: "r1" }, 30_000), "PLAYER_TAKEN");
    refusedWith(() => nominate(model, m(2), { playerId: "ghost" }, 30_000), "NOT_IN_POOL");
  });

  it("a retried bid id changes nothing; a reused one for another bid is refused", () => {
    const model = started(3, { budget: 50 });
    nominate(model, m(1), { playerId: "r1" }, 0);
    assert.equal(placeBid(model, m(2), { amount: 5, bidId: "b1" }, 0).length, 1);
    placeBid(model, m(3), { amount: 6 }, 0);
    assert.deepEqual(placeBid(model, m(2), { amount: 5, bidId: "b1" }, 0), [], "the retry is not refused as too low");
    assert.equal(model.auction!.lot!.highBid, 6);
    refusedWith(() => placeBid(model, m(2), { amount: 8, bidId: "b1" }, 0), "BID_ID_REUSED");
  });

  it("an absent nominator nominates at once from its queue, opening at 1; a late one when its clock runs out, from the rankings", () => {
    const model = started(3, { budget: 30 });
    setQueue(model, m(1), ["r5"]);
    setAutopick(model, m(1), true);
    const events = auctionTick(model, 100);
    assert.deepEqual(events[0], { type: "nominated", lot: 1, playerId: "r5", teamId: "t1", bid: 1, by: "autopick", source: "queue", deadline: 100 + BID_MS });
    auctionTick(model, 100 + BID_MS);
    assert.equal(model.auction!.nominator, "t2");
    assert.deepEqual(auctionTick(model, 100 + BID_MS + NOMINATION_MS - 1), [], "t2 is present and its clock runs");
    const late = auctionTick(model, 100 + BID_MS + NOMINATION_MS);
    assert.deepEqual(late[0].type === "nominated" && [late[0].teamId, late[0].playerId, late[0].by, late[0].source], ["t2", "r1", "autopick", "rankings"]);
  });

  it("auto-bid: an absent team bids the minimum increment up to its ceiling (the value curve, capped by the max-bid rule)", () => {
    // 2 teams × 2 slots = 4 slots, $20 each = $40: values 40·2·(4−r+1)/(4·5) = 16, 12, 8, 4; unranked 1.
    const model = started(2, { budget: 20 }, pool(5, 1));
    assert.deepEqual(["r1", "r2", "r3", "r4", "r5", "u1"].map((id) => auctionValue(model, id)), [16, 12, 8, 4, 1, 1]);
    setAutopick(model, m(2), true);
    nominate(model, m(1), { playerId: "r2", bid: 5 }, 0);
    const bids = auctionTick(model, 0);
    assert.deepEqual(bids.map((e) => e.type === "bid" && [e.teamId, e.amount, e.by]), [["t2", 6, "autopick"]]);
    placeBid(model, m(1), { amount: 11 }, 1);
    assert.deepEqual(auctionTick(model, 1).map((e) => e.type === "bid" && e.amount), [12], "up to its ceiling of 12");
    placeBid(model, m(1), { amount: 13 }, 2);
    assert.deepEqual(auctionTick(model, 2), [], "not above it");
    auctionTick(model, 2 + BID_MS);
    assert.deepEqual([model.picks[0].teamId, model.picks[0].price], ["t1", 13]);

    // The max-bid rule caps the ceiling: after paying 15 of 20, t2 may bid 5 at most, though r3 is worth 8.
    const poor = started(2, { budget: 20 }, pool(5));
    nominate(poor, m(1), { playerId: "r5", bid: 1 }, 0);
    placeBid(poor, m(2), { amount: 15 }, 0);
    auctionTick(poor, BID_MS);
    nominate(poor, m(2), { playerId: "r2", bid: 1 }, BID_MS);
    placeBid(poor, m(1), { amount: 2 }, BID_MS);
    auctionTick(poor, 2 * BID_MS);
    setAutopick(poor, m(2), true);
    assert.deepEqual([auctionValue(poor, "r3"), maxBid(poor, "t2"), autoBidCeiling(poor, "t2", "r3")], [8, 5, 5]);
    nominate(poor, m(1), { playerId: "r3", bid: 4 }, 2 * BID_MS);
    assert.deepEqual(auctionTick(poor, 2 * BID_MS).map((e) => e.type === "bid" && e.amount), [5]);
    placeBid(poor, m(1), { amount: 6 }, 2 * BID_MS);
    assert.deepEqual(auctionTick(poor, 2 * BID_MS), [], "6 is above t2's max bid");
  });

  it("two absent teams bid against each other up to the lower ceiling; an all-absent auction runs to completion with full rosters", () => {
    const model = started(3, { budget: 30, rosterSize: 2 }, pool(8));
    for (const n of [1, 2, 3]) setAutopick(model, m(n), true);
    let now = 0;
    while (model.status === "running" && now < 100 * BID_MS) auctionTick(model, (now += BID_MS));
    assert.equal(model.status, "complete");
    assert.deepEqual(["t1", "t2", "t3"].map((t) => emptySlots(model, t)), [0, 0, 0]);
    assert.ok(["t1", "t2", "t3"].every((t) => budgetLeft(model, t) >= 0));
    assert.deepEqual(model.picks.map((p) => p.playerId).sort(), ["r1", "r2", "r3", "r4", "r5", "r6"]);
    // Rank 1 is worth 30·3·2·6/(6·7) = 25 to everyone: the bidding stops there (one team holds 25, none may bid 26).
    assert.deepEqual([model.picks[0].playerId, model.picks[0].price], ["r1", 25]);
  });

  it("completes when the pool runs out before the rosters are full", () => {
    const model = createDraft(league(2, { rosterSize: 2 }), pool(4));
    startDraft(model, COMM, league(2, { rosterSize: 2 }), 0);
    model.pool.splice(2); // a pool short of the rosters
    let now = buy(model, 1, "r1", 1, 0);
    now = buy(model, 2, "r2", 1, now);
    assert.equal(model.status, "complete");
    assert.deepEqual(model.picks.length, 2);
  });

  it("pause freezes the auction clock and refuses bids; resume restarts the bid clock in full; pick and undo are refused in auctions, auction messages in snake drafts", () => {
    const model = started(3, { budget: 50 });
    nominate(model, m(1), { playerId: "r1" }, 0);
    pauseDraft(model, COMM, 4_000);
    assert.equal(model.clock.remainingMs, BID_MS - 4_000);
    refusedWith(() => placeBid(model, m(2), { amount: 2 }, 5_000), "PAUSED");
    assert.deepEqual(auctionTick(model, 60_000), [], "nothing is awarded while paused");
    resumeDraft(model, COMM, 60_000);
    assert.equal(model.clock.deadline, 60_000 + BID_MS);
    refusedWith(() => makePick(model, m(2), { playerId: "r2" }, 60_000), "AUCTION_DRAFT");
    refusedWith(() => undoPicks(model, COMM, undefined, 60_000), "AUCTION_DRAFT");
    assert.deepEqual(tick(model, 10 ** 9), [], "the snake clock never picks in an auction");
    const snake = createDraft(league(2, { draftType: "snake" }), pool(4));
    startDraft(snake, COMM, league(2, { draftType: "snake" }), 0);
    refusedWith(() => nominate(snake, m(1), { playerId: "r1" }, 0), "NOT_AUCTION");
    refusedWith(() => placeBid(snake, m(1), { amount: 2 }, 0), "NOT_AUCTION");
  });

  it("the auction survives a snapshot: budgets, the open lot and the turn come back; a running lot gets a full bid clock", () => {
    const model = started(3, { budget: 50 });
    const now = buy(model, 1, "r1", 9, 0);
    nominate(model, m(2), { playerId: "r2", bid: 2 }, now);
    placeBid(model, m(3), { amount: 4, bidId: "x" }, now + 1);
    const restored = JSON.parse(JSON.stringify(model)) as DraftModel;
    restoreDraft(restored, 1_000_000);
    assert.deepEqual(restored.auction!.lot, model.auction!.lot);
    assert.deepEqual([budgetLeft(restored, "t1"), restored.clock.deadline], [41, 1_000_000 + BID_MS]);
    assert.deepEqual(placeBid(restored, m(3), { amount: 4, bidId: "x" }, 1_000_001), [], "bid ids survive too");
    auctionTick(restored, 1_000_000 + BID_MS);
    assert.deepEqual([restored.picks[1].teamId, restored.picks[1].price, restored.auction!.nominator], ["t3", 4, "t3"]);
  });
});
