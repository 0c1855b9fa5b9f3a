import assert from "node:assert/strict";
import { createClient, type DraftConnection, type RoomMessageError } from "../../client-sdk/index.ts";
import { DraftServerMessage, type AuctionBidMessage, type AuctionNominatedMessage, type AuctionWonMessage, type DraftCompleteMessage, type DraftPickMessage } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { seedRatings } from "../helpers/draft-helpers.ts";

/** One member's draft connection (the project SDK) and what it heard. */
interface Seat {
  draft: DraftConnection;
  errors: RoomMessageError[];
  nominated: AuctionNominatedMessage[];
  bids: AuctionBidMessage[];
  won: AuctionWonMessage[];
  picked: DraftPickMessage[];
  complete: DraftCompleteMessage[];
  /** The reason of the next refusal after now. */
  nextRefusal(): Promise<string | undefined>;
}

const reason = (error: RoomMessageError) => (error.details as { reason?: string } | undefined)?.reason;

describe("auction draft room (real server, project SDK)", function () {
  this.timeout(30_000);
  const server = useTestServer({ env: { DRAFT_POOL_LIMIT: "8" } });
  const seats: Seat[] = [];
  before(() => seedRatings(server, Array.from({ length: 8 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 2000 - i * 10 }))));
  afterEach(async () => {
    await Promise.all(seats.splice(0).map((seat) => seat.draft.leave().catch(() => undefined)));
  });

  async function member(name: string) {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest(name);
    return client;
  }
  type Member = Awaited<ReturnType<typeof member>>;

  async function join(who: Member, leagueId: string): Promise<Seat> {
    const draft = await who.rooms.draft.join(leagueId);
    const seat: Seat = {
      draft,
      errors: [],
      nominated: [],
      bids: [],
      won: [],
      picked: [],
      complete: [],
      async nextRefusal() {
        const seen = seat.errors.length;
        return reason(await waitFor(() => seat.errors[seen], "a refusal"));
      },
    };
    draft.on("error", (error) => seat.errors.push(error as RoomMessageError));
    draft.onMessage(DraftServerMessage.NOMINATED, (m) => seat.nominated.push(m));
    draft.onMessage(DraftServerMessage.BID, (m) => seat.bids.push(m));
    draft.onMessage(DraftServerMessage.WON, (m) => seat.won.push(m));
    draft.onMessage(DraftServerMessage.PICKED, (m) => seat.picked.push(m));
    draft.onMessage(DraftServerMessage.COMPLETE, (m) => seat.complete.push(m));
    seats.push(seat);
    return seat;
  }

  /** A league of managers (t1, t2, … in the order given) with the commissioner as a non-playing organiser. */
  async function auctionLeague(comm: Member, managers: Member[], settings: Record<string, unknown>) {
    const league = await comm.leagues.create({ name: "Auction league", teamCount: managers.length, draftType: "auction", draftOrder: "manual", ...settings });
    for (const [i, manager] of managers.entries()) await manager.leagues.join(league.inviteCode, `Team ${i + 1}`);
    return league;
  }

  it("nominate, a bid war, the bid clock running out awards the lot; refusals; pause; undo refused; the draft completes and saves the rosters", async () => {
    const [comm, ann, bob, cat] = await Promise.all(["Comm", "Ann", "Bob", "Cat"].map(member));
    const league = await auctionLeague(comm, [ann, bob, cat], { rosterSize: 2, budget: 10, nominationSeconds: 600, bidSeconds: 2 });
    assert.deepEqual([league.draftType, league.budget, league.nominationSeconds, league.bidSeconds], ["auction", 10, 600, 2]);
    const [a, b, ct, c] = [await join(ann, league.id), await join(bob, league.id), await join(cat, league.id), await join(comm, league.id)];
    const state = () => c.draft.state!;

    a.draft.bid(2);
    assert.equal(await a.nextRefusal(), "NOT_STARTED");
    c.draft.setOrder(["t1", "t2", "t3"]);
    c.draft.startDraft();
    await waitFor(() => state().status === "running", "running");
    assert.deepEqual([state().draftType, state().budget, state().bidSeconds, state().onClock, state().lot.number], ["auction", 10, 2, "t1", 0]);
    assert.deepEqual([state().teams.get("t1")!.budgetLeft, state().teams.get("t1")!.maxBid], [10, 9]);

    b.draft.nominate("r1");
    assert.equal(await b.nextRefusal(), "NOT_YOUR_NOMINATION");
    b.draft.bid(3);
    assert.equal(await b.nextRefusal(), "NO_LOT");
    await assert.rejects(a.draft.pick("r1"), (error: unknown) => reason(error as RoomMessageError) === "AUCTION_DRAFT");

    a.draft.nominate("r1", 2);
    await waitFor(() => b.nominated.length === 1, "draft.auction.nominated");
    assert.deepEqual(
      [b.nominated[0].lot, b.nominated[0].playerId, b.nominated[0].teamId, b.nominated[0].bid, b.nominated[0].by],
      [1, "r1", "t1", 2, "manager"],
    );
    assert.deepEqual([state().lot.number, state().lot.playerId, state().lot.highBid, state().lot.highBidder, state().onClock], [1, "r1", 2, "t1", ""]);
    a.draft.nominate("r2");
    assert.equal(await a.nextRefusal(), "LOT_OPEN");
    b.draft.bid(2);
    assert.equal(await b.nextRefusal(), "BID_TOO_LOW");
    b.draft.bid(10);
    assert.equal(await b.nextRefusal(), "ABOVE_MAX_BID");
    assert.equal((b.errors.at(-1)!.details as { maxBid: number }).maxBid, 9, "budget 10 − $1 for the one more empty slot");

    // The bid war: every bid restarts the bid clock.
    let deadline = state().deadlineAt;
    for (const [seat, amount, teamId] of [[b, 3, "t2"], [ct, 5, "t3"], [b, 6, "t2"]] as const) {
      seat.draft.bid(amount, { bidId: `bid-${amount}` });
      await waitFor(() => state().lot.highBid === amount, `the high bid ${amount}`);
      assert.equal(state().lot.highBidder, teamId);
      assert.ok(state().deadlineAt > deadline, "the bid clock restarted");
      deadline = state().deadlineAt;
    }
    ct.draft.bid(6);
    assert.equal(await ct.nextRefusal(), "BID_TOO_LOW");

    // Nobody bids again: the clock runs out and Bob wins r1 for 6.
    await waitFor(() => a.won.length === 1, "draft.auction.won", 10_000);
    assert.deepEqual([a.won[0].lot, a.won[0].playerId, a.won[0].teamId, a.won[0].price, a.won[0].by, a.won[0].budgetLeft], [1, "r1", "t2", 6, "manager", 4]);
    await waitFor(() => a.picked.length === 1, "draft.picked for the roster entry");
    assert.deepEqual([a.picked[0].teamId, a.picked[0].playerId, a.picked[0].price], ["t2", "r1", 6]);
    await waitFor(() => state().onClock === "t2", "Bob nominates next");
    assert.deepEqual([state().lot.number, [...state().teams.get("t2")!.roster], state().teams.get("t2")!.budgetLeft, state().teams.get("t2")!.maxBid], [0, ["r1"], 4, 4]);
    assert.equal(state().picks[0].price, 6);
    ct.draft.bid(4, { lot: 1 });
    assert.equal(await ct.nextRefusal(), "LOT_CLOSED");
    b.draft.nominate("r1");
    assert.equal(await b.nextRefusal(), "PLAYER_TAKEN");

    c.draft.undo();
    assert.equal(await c.nextRefusal(), "AUCTION_DRAFT");
    c.draft.pause();
    await waitFor(() => state().status === "paused", "paused");
    b.draft.nominate("r2");
    assert.equal(await b.nextRefusal(), "PAUSED");
    c.draft.resume();
    await waitFor(() => state().status === "running", "resumed");
    assert.ok(state().deadlineAt - Date.now() > 590_000, "the nomination clock restarts in full");

    // Everyone goes on autopick: the room nominates and bids to the end.
    for (const teamId of ["t1", "t2", "t3"]) c.draft.setAutopick(true, teamId);
    await waitFor(() => c.complete.length === 1, "draft.complete", 20_000);
    assert.deepEqual([state().status, state().rostersSaved], ["complete", true]);
    const rosters = await server.server.stores.rosters.league(league.id);
    assert.deepEqual(rosters.map((r) => [r.fantasyTeamId, r.playerIds.length]), [["t1", 2], ["t2", 2], ["t3", 2]]);
    assert.deepEqual(rosters.find((r) => r.fantasyTeamId === "t2")!.playerIds[0], "r1");
    assert.deepEqual(c.complete[0].rosters.map((r) => r.playerIds), rosters.map((r) => r.playerIds));
    for (const teamId of ["t1", "t2", "t3"]) {
      const spent = [...state().picks].filter((p) => p.teamId === teamId).reduce((sum, p) => sum + p.price, 0);
      assert.equal(state().teams.get(teamId)!.budgetLeft, 10 - spent, `${teamId} paid from its budget`);
      assert.ok(spent <= 10);
    }
    assert.equal((await server.server.stores.leagues.get(league.id))?.draftStatus, "complete");
  });

  it("auction messages in a snake draft are refused with NOT_AUCTION", async () => {
    const [comm, ann] = await Promise.all(["Comm", "Ann"].map(member));
    const league = await comm.leagues.create({ name: "Snake league", teamCount: 2, teamName: "Comm FC", rosterSize: 1 });
    await ann.leagues.join(league.inviteCode, "Ann FC");
    const [c, a] = [await join(comm, league.id), await join(ann, league.id)];
    c.draft.startDraft();
    await waitFor(() => a.draft.state?.status === "running", "running");
    a.draft.nominate("r1");
    assert.equal(await a.nextRefusal(), "NOT_AUCTION");
    c.draft.bid(3);
    assert.equal(await c.nextRefusal(), "NOT_AUCTION");
    assert.deepEqual([a.draft.state!.draftType, a.draft.state!.budget, a.draft.state!.lot.number], ["snake", 0, 0]);
  });

  it("an absent (autopick) manager who never connects auto-nominates and auto-bids up to the value of the player; the draft runs to completion", async () => {
    const [comm, ann, bob, cat, dan] = await Promise.all(["Comm", "Ann", "Bob", "Cat", "Dan"].map(member));
    const league = await auctionLeague(comm, [ann, bob, cat, dan], { rosterSize: 2, budget: 20, nominationSeconds: 600, bidSeconds: 2 });
    const [a, , , c] = [await join(ann, league.id), await join(bob, league.id), await join(cat, league.id), await join(comm, league.id)];
    const state = () => c.draft.state!;
    c.draft.setAutopick(true, "t4"); // Dan is away: the absent-manager flag
    c.draft.setOrder(["t4", "t1", "t2", "t3"]);
    await waitFor(() => state().teams.get("t4")?.autopick, "Dan on autopick");
    c.draft.startDraft();

    // Dan nominates at once: the best-ranked player, opening at 1.
    await waitFor(() => a.nominated.length === 1, "Dan's automatic nomination");
    assert.deepEqual([a.nominated[0].teamId, a.nominated[0].playerId, a.nominated[0].bid, a.nominated[0].by, a.nominated[0].source], ["t4", "r1", 1, "autopick", "rankings"]);
    assert.equal(state().teams.get("t4")!.connected, false);

    // 4 teams × 2 slots, $20 each: r1 is worth 80·2·8/(8·9) = 17 to Dan. He answers each bid with +1 while below that.
    a.draft.bid(2);
    await waitFor(() => a.bids.some((bid) => bid.teamId === "t4"), "Dan's automatic bid");
    assert.deepEqual(a.bids.map((bid) => `${bid.teamId}:${bid.amount}:${bid.by}`), ["t1:2:manager", "t4:3:autopick"]);
    a.draft.bid(16);
    await waitFor(() => a.bids.length === 4, "Dan answers 16 with 17");
    assert.deepEqual(a.bids.slice(2).map((bid) => `${bid.teamId}:${bid.amount}:${bid.by}`), ["t1:16:manager", "t4:17:autopick"]);
    a.draft.bid(18);
    await waitFor(() => a.won.length === 1, "the lot is won", 10_000);
    assert.deepEqual([a.won[0].teamId, a.won[0].price], ["t1", 18], "Dan stops at his ceiling of 17");
    assert.equal(a.bids.length, 5);

    // Ann nominates next; the others go on autopick, and the room finishes the draft.
    await waitFor(() => state().onClock === "t1", "Ann on the nomination clock");
    for (const teamId of ["t1", "t2", "t3"]) c.draft.setAutopick(true, teamId);
    await waitFor(() => c.complete.length === 1, "draft.complete", 20_000);
    const rosters = await server.server.stores.rosters.league(league.id);
    assert.deepEqual(rosters.map((r) => r.playerIds.length), [2, 2, 2, 2]);
    assert.ok(a.nominated.some((n) => n.teamId === "t4" && n.lot > 1), "Dan nominated again in his turn");
    assert.ok(state().teams.get("t4")!.budgetLeft >= 0);
  });
});
