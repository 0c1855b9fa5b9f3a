import assert from "node:assert/strict";
import type { StandingsSubscription } from "../../client-sdk/index.ts";
import type { CreateLeagueRequest, DraftState, League } from "../../shared/index.ts";
import { seedRatings } from "../helpers/draft-helpers.ts";
import { joinSeat, playSeason, ratedPlayers, signedIn, type Member, type Seat } from "../helpers/season-helpers.ts";
import { useTestServer, type TestServerHandle } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * The whole season, end to end, through the project SDK: a league of four
 * (the commissioner manages team t1; Ann t2, Bob t3, Dan t4), a keeper set by
 * the commissioner, one manager (Dan) absent the whole time — he joins the
 * league but never opens the draft room, so the `disconnect-grace` policy
 * (grace 0) puts his team on autopick as soon as the draft starts — a draft
 * run to completion, then matches and the members' standings stream.
 */

const TEAMS = ["t1", "t2", "t3", "t4"] as const;
const POOL = 16;

interface Season {
  server: TestServerHandle;
  comm: Member;
  ann: Member;
  bob: Member;
  dan: Member;
  outsider: Member;
  league: League;
  /** The members' standings stream, opened before the draft. */
  live: StandingsSubscription;
}

function useSeasonServer() {
  const seats: Seat[] = [];
  const closers: { close(): void }[] = [];
  after(async () => {
    for (const closer of closers) closer.close();
    await Promise.all(seats.map((seat) => seat.draft.leave().catch(() => undefined)));
  });
  const server = useTestServer({ env: { DRAFT_POOL_LIMIT: String(POOL) } });
  before(() => seedRatings(server, ratedPlayers(POOL)));

  /** The league, its four teams, and the standings stream (every team at zero before anything is drafted). */
  async function season(settings: Partial<CreateLeagueRequest>): Promise<Season> {
    const [comm, ann, bob, dan, outsider] = await Promise.all(["Comm", "Ann", "Bob", "Dan", "Eve"].map((name) => signedIn(server, name)));
    const created = await comm.leagues.create({
      name: "Season league",
      teamCount: 4,
      rosterSize: 3,
      draftOrder: "manual",
      teamName: "Comm FC",
      absentPolicy: "disconnect-grace",
      absentGraceSeconds: 0,
      ...settings,
    });
    for (const [member, name] of [[ann, "Ann FC"], [bob, "Bob FC"], [dan, "Dan FC"]] as const) await member.leagues.join(created.inviteCode, name);
    const league = await comm.leagues.get(created.id);
    assert.deepEqual(league.teams.map((t) => `${t.teamId}:${t.name}`), ["t1:Comm FC", "t2:Ann FC", "t3:Bob FC", "t4:Dan FC"]);
    const live = ann.leagues.subscribeStandings(league.id);
    closers.push(live);
    await waitFor(() => live.standings?.rows.length === 4, "the standings stream's first event", 15_000);
    assert.deepEqual(live.standings!.rows.map((r) => `${r.teamId}:${r.points}`), ["t1:0", "t2:0", "t3:0", "t4:0"], "a row per team at zero before the draft");
    return { server, comm, ann, bob, dan, outsider, league, live };
  }

  async function seat(who: Member, leagueId: string): Promise<Seat> {
    const joined = await joinSeat(who, leagueId);
    seats.push(joined);
    return joined;
  }

  return { server, season, seat };
}

/** Dan never connects: the disconnect-grace policy marks his team absent once the draft runs, and the state shows it. */
async function danShownAbsent(c: Seat): Promise<void> {
  await waitFor(() => c.draft.state?.teams.get("t4")?.absent, "Dan's team shown absent", 15_000);
  const dan = c.draft.state!.teams.get("t4")!;
  assert.deepEqual([dan.connected, dan.autopickReason], [false, "disconnected"]);
  await waitFor(() => c.heard.includes("absent:t4:disconnected"), "draft.absent for Dan's team");
}

/** The saved rosters (the fantasy roster store the standings credit from), by team. */
async function savedRosters(s: Season): Promise<Map<string, string[]>> {
  const rosters = await s.server.server.stores.rosters.league(s.league.id);
  return new Map(rosters.map((r) => [r.fantasyTeamId, r.playerIds]));
}

/** The best-ranked player nobody has drafted or kept, as a member's state shows it. */
function bestAvailable(state: DraftState): string {
  const free = [...state.players.values()].filter((p) => p.draftedBy === "" && p.keptBy === "" && p.rank > 0).sort((a, b) => a.rank - b.rank);
  assert.ok(free[0], "a player left to draft");
  return free[0].playerId;
}

describe("end to end: a league of four through a snake draft (keeper, traded picks, a manager absent throughout), then matches and the standings stream", function () {
  this.timeout(120_000);
  const { season, seat } = useSeasonServer();

  it("snake: keeper and pick trades before and during the draft, the absent team autopicked at once, rosters saved; the standings stream shows the table's points", async () => {
    const s = await season({ draftType: "snake", pickSeconds: 30 });
    const [c, a, b] = [await seat(s.comm, s.league.id), await seat(s.ann, s.league.id), await seat(s.bob, s.league.id)];
    const state = () => c.draft.state!;
    c.draft.setOrder([...TEAMS]);
    // The commissioner: Ann keeps Star 5, at the cost of her own round-2 pick.
    c.draft.setKeeper("t2", "s5", 2);
    await waitFor(() => state().players.get("s5")?.keptBy === "t2" && state().slots.get("2:t2")?.keeperId === "s5", "the keeper set");
    assert.ok(a.heard.includes("keeper:t2:s5:2"));
    // A keeper's slot cannot be traded.
    a.draft.proposeTrade("t1", [{ round: 2, teamId: "t2" }], [{ round: 2, teamId: "t1" }]);
    assert.equal(await a.nextRefusal(), "KEEPER_PICK");

    // Before the draft: Ann and Bob swap their first-round picks (both accept: Ann proposes, Bob accepts).
    a.draft.proposeTrade("t3", [{ round: 1, teamId: "t2" }], [{ round: 1, teamId: "t3" }]);
    await waitFor(() => b.draft.state?.trades.some((t) => t.status === "proposed"), "Bob sees the proposal");
    b.draft.acceptTrade(b.draft.state!.trades.find((t) => t.status === "proposed")!.id);
    await waitFor(() => state().slots.get("1:t2")?.ownerTeamId === "t3" && state().slots.get("1:t3")?.ownerTeamId === "t2", "the round-1 slots change hands");

    c.draft.startDraft();
    await waitFor(() => state().status === "running", "the draft running");
    await danShownAbsent(c);

    // Order 1..4, snake. After the trades (the second happens during the draft, before pick 6):
    // round 1: t1, t3 (Ann's slot), t2 (Bob's slot), t4 | round 2: t4, t3, t2 (keeper), t1 | round 3: t3 (Comm's slot), t2, t1 (Bob's slot), t4.
    const pickers = ["t1", "t3", "t2", "t4", "t4", "t3", "t2", "t1", "t3", "t2", "t1", "t4"];
    const seatOf: Record<string, Seat> = { t1: c, t2: a, t3: b };
    for (const [i, teamId] of pickers.entries()) {
      const number = i + 1;
      if (number === 6) {
        // During the draft: the commissioner (as t1's manager) trades his round-3 pick for Bob's.
        c.draft.proposeTrade("t3", [{ round: 3, teamId: "t1" }], [{ round: 3, teamId: "t3" }]);
        await waitFor(() => b.draft.state?.trades.some((t) => t.status === "proposed"), "Bob sees the second proposal");
        b.draft.acceptTrade(b.draft.state!.trades.find((t) => t.status === "proposed")!.id);
        await waitFor(() => state().slots.get("3:t1")?.ownerTeamId === "t3" && state().slots.get("3:t3")?.ownerTeamId === "t1", "the round-3 slots change hands");
      }
      const manager = seatOf[teamId];
      if (teamId === "t4" || number === 7) continue; // the absent team is autopicked; pick 7 is Ann's keeper
      await waitFor(() => manager.draft.state?.currentPick === number && manager.draft.state.onClock === teamId, `pick ${number}: ${teamId} on the clock`, 20_000);
      const result = await manager.draft.pick(bestAvailable(manager.draft.state!), { timeoutMs: 20_000 });
      assert.deepEqual([result.pick.number, result.pick.teamId], [number, teamId]);
    }

    await waitFor(() => state().rostersSaved && c.complete.length === 1, "the draft completes and saves its rosters", 30_000);
    // Everyone takes the best-ranked player left, so the board is known in full.
    const board = [...state().picks].map((p) => `${p.number}:${p.teamId}/${p.originalTeamId}:${p.playerId}:${p.by}`);
    assert.deepEqual(board, [
      "1:t1/t1:s1:manager",
      "2:t3/t2:s2:manager",
      "3:t2/t3:s3:manager",
      "4:t4/t4:s4:autopick",
      "5:t4/t4:s6:autopick",
      "6:t3/t3:s7:manager",
      "7:t2/t2:s5:keeper",
      "8:t1/t1:s8:manager",
      "9:t3/t1:s9:manager",
      "10:t2/t2:s10:manager",
      "11:t1/t3:s11:manager",
      "12:t4/t4:s12:autopick",
    ]);
    assert.ok(state().picks.filter((p) => p.teamId === "t4").every((p) => p.source === "rankings"));
    assert.ok(state().teams.get("t4")!.absent && !state().teams.get("t4")!.connected, "Dan stayed absent the whole draft");

    const rosters = await savedRosters(s);
    const sorted = (ids: string[] | undefined) => [...(ids ?? [])].sort();
    assert.deepEqual(
      TEAMS.map((teamId) => sorted(rosters.get(teamId))),
      [["s1", "s8", "s11"], ["s3", "s5", "s10"], ["s2", "s7", "s9"], ["s4", "s6", "s12"]].map(sorted),
    );
    assert.deepEqual(c.complete[0].rosters.map((r) => `${r.teamId}:${r.playerIds.length}`), ["t1:3", "t2:3", "t3:3", "t4:3"]);
    assert.equal((await s.dan.leagues.get(s.league.id)).draftStatus, "complete");

    // Matches: Bob's, Comm's and Ann's players play; none of Dan's.
    await playSeason(s.server, s.league, s.live, [s.comm, s.ann, s.bob, s.dan], s.outsider, rosters, ["t3", "t1", "t2"]);
  });
});

describe("end to end: a league of four through an auction draft (keeper, a manager absent throughout), then matches and the standings stream", function () {
  this.timeout(150_000);
  const { season, seat } = useSeasonServer();
  const BUDGET = 30;

  it("auction: the keeper takes its slot at no price, trades are refused, present managers nominate and bid, the absent team auto-nominates and auto-bids; budgets and the max-bid rule hold; the standings stream shows the table's points", async () => {
    const s = await season({ draftType: "auction", budget: BUDGET, nominationSeconds: 30, bidSeconds: 2 });
    const [c, a, b] = [await seat(s.comm, s.league.id), await seat(s.ann, s.league.id), await seat(s.bob, s.league.id)];
    const state = () => c.draft.state!;
    // Dan nominates first, so his automatic nomination comes at once.
    c.draft.setOrder(["t4", "t1", "t2", "t3"]);
    c.draft.setKeeper("t2", "s5", 1);
    await waitFor(() => state().players.get("s5")?.keptBy === "t2", "the keeper set");
    // A "traded pick" has no meaning in an auction (there are no pick slots, players are won by bidding): trades are refused.
    a.draft.proposeTrade("t3", [{ round: 2, teamId: "t2" }], [{ round: 2, teamId: "t3" }]);
    assert.equal(await a.nextRefusal(), "AUCTION_DRAFT");

    // The present managers: each nominates the best-ranked player left at $1 in its turn. Comm and Ann answer
    // every higher bid with the minimum increment up to $6; Bob goes all in (exactly his max bid) until one
    // such bid is accepted, then bids like the others.
    let commMayNominate = false;
    const bobAllIn = () => b.bids.some((bid) => bid.teamId === "t3" && bid.by === "manager");
    const manage = (mine: Seat, teamId: string) => {
      const nominatedFor = new Set<number>();
      const bidAt = new Set<string>();
      mine.draft.onStateChange((st) => {
        if (st.status !== "running") return;
        const team = st.teams.get(teamId);
        if (!team) return;
        if (st.lot.number === 0) {
          if (st.onClock !== teamId || nominatedFor.has(st.currentPick) || (teamId === "t1" && !commMayNominate)) return;
          nominatedFor.add(st.currentPick);
          mine.draft.nominate(bestAvailable(st), 1);
          return;
        }
        const lot = st.lot;
        const key = `${lot.number}/${lot.highBid}`;
        if (lot.highBidder === teamId || bidAt.has(key) || team.maxBid <= lot.highBid) return;
        const amount = teamId === "t3" && !bobAllIn() ? team.maxBid : lot.highBid + 1;
        if (amount > 6 && !(teamId === "t3" && !bobAllIn())) return;
        bidAt.add(key);
        mine.draft.bid(amount, { lot: lot.number });
      });
    };
    for (const [mine, teamId] of [[c, "t1"], [a, "t2"], [b, "t3"]] as const) manage(mine, teamId);

    c.draft.startDraft();
    await waitFor(() => state().status === "running", "the auction running");
    const keeper = state().picks[0];
    assert.deepEqual([keeper.number, keeper.teamId, keeper.playerId, keeper.by, keeper.price], [1, "t2", "s5", "keeper", 0], "the keeper takes Ann's slot at the start, at no price");
    await danShownAbsent(c);
    await waitFor(() => c.nominated.some((n) => n.teamId === "t4"), "Dan's automatic nomination");
    assert.deepEqual([c.nominated[0].teamId, c.nominated[0].by, c.nominated[0].source], ["t4", "autopick", "rankings"]);

    // The max-bid rule on the commissioner's own nomination: 3 empty slots of $30 → at most 30 − 2 = 28.
    await waitFor(() => state().onClock === "t1" && state().lot.number === 0, "Comm on the nomination clock", 30_000);
    assert.equal(state().teams.get("t1")!.maxBid, BUDGET - 2);
    c.draft.nominate(bestAvailable(state()), BUDGET - 1);
    assert.equal(await c.nextRefusal(), "ABOVE_MAX_BID");
    commMayNominate = true;
    c.draft.nominate(bestAvailable(state()), 1); // the bot's nomination would be the same; whichever lands first opens the lot

    await waitFor(() => state().rostersSaved && c.complete.length === 1, "the auction completes and saves its rosters", 120_000);
    const picks = [...state().picks];
    const lines = picks.map((p) => `${p.number}:${p.teamId}:${p.playerId}:${p.by}:${p.price}`).join(" ");
    assert.equal(new Set(picks.map((p) => p.playerId)).size, picks.length, `no player won twice: ${lines}`);
    for (const teamId of TEAMS) {
      const won = picks.filter((p) => p.teamId === teamId);
      assert.equal(won.length, 3, `${teamId} fills its roster: ${lines}`);
      // Budgets: never above the budget, and every price obeyed the max-bid rule when it was paid.
      let left = BUDGET;
      let empty = 3;
      for (const pick of won) {
        assert.ok(pick.price <= left - (empty - 1), `${teamId} paid ${pick.price} with ${left} left and ${empty} empty slots: ${lines}`);
        left -= pick.price;
        empty--;
      }
      assert.ok(left >= 0);
      assert.equal(state().teams.get(teamId)!.budgetLeft, left, `${teamId}'s budget left`);
    }
    // Bob's all-in bid: exactly his max bid then (budget left − $1 for each empty slot after this one), accepted.
    const allIn = b.bids.find((bid) => bid.teamId === "t3" && bid.by === "manager")!;
    const before = picks.filter((p) => p.teamId === "t3" && p.number < allIn.lot);
    const leftThen = BUDGET - before.reduce((sum, p) => sum + p.price, 0);
    assert.equal(allIn.amount, leftThen - (3 - before.length - 1), `Bob's all-in bid ${JSON.stringify(allIn)}: ${lines}`);
    // Every present manager nominated and bid through the SDK; the absent team auto-nominated and auto-bid.
    for (const teamId of ["t1", "t2", "t3"]) {
      assert.ok(c.nominated.some((n) => n.teamId === teamId && n.by === "manager"), `${teamId} nominated`);
      assert.ok(c.bids.some((bid) => bid.teamId === teamId && bid.by === "manager"), `${teamId} bid`);
    }
    assert.ok(c.bids.some((bid) => bid.teamId === "t4" && bid.by === "autopick"), "Dan's team auto-bid");
    assert.ok(state().teams.get("t4")!.absent && !state().teams.get("t4")!.connected, "Dan stayed absent the whole draft");

    const rosters = await savedRosters(s);
    for (const teamId of TEAMS) {
      assert.deepEqual([...(rosters.get(teamId) ?? [])].sort(), picks.filter((p) => p.teamId === teamId).map((p) => p.playerId).sort(), `${teamId}'s saved roster`);
    }
    assert.equal((await s.comm.leagues.get(s.league.id)).draftStatus, "complete");

    // Matches: Dan's, Ann's and Bob's players play; none of Comm's.
    await playSeason(s.server, s.league, s.live, [s.comm, s.ann, s.bob, s.dan], s.outsider, rosters, ["t4", "t2", "t3"]);
  });
});
