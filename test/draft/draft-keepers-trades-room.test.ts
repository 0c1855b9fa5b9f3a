import assert from "node:assert/strict";
import { DraftServerMessage } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { heardOf, joinDraft, leagueWith, leaveAll, player, reasonOf, seedRatings, type DraftSeat, type Player } from "../helpers/draft-helpers.ts";

describe("draft room: keepers, pick trades and roster slots (real server, stock SDK)", () => {
  let comm: Player, ann: Player, bob: Player;
  const seats: DraftSeat[] = [];
  const join = async (who: Player, leagueId: string) => {
    const seat = await joinDraft(server, who, leagueId);
    seats.push(seat);
    return seat;
  };
  const server = useTestServer({ env: { DRAFT_POOL_LIMIT: "6" } });
  before(async () => {
    await seedRatings(server, Array.from({ length: 6 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 2000 - i * 10 })));
    [comm, ann, bob] = await Promise.all([player(server, "Comm"), player(server, "Ann"), player(server, "Bob")]);
  });
  afterEach(() => leaveAll(...seats.splice(0)));

  it("keepers: set by the commissioner before the start, out of the pool at once, drafted with the team's pick of their round", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, draftOrder: "manual", pickSeconds: 600 });
    const [a, c] = [await join(ann, league.id), await join(comm, league.id)];
    a.send("keeper.set", { teamId: "t1", playerId: "r2", round: 1 });
    assert.equal(reasonOf(await a.nextError()), "COMMISSIONER_ONLY");
    c.send("keeper.set", { teamId: "t2", playerId: "r1", round: 1 });
    c.send("keeper.set", { teamId: "t2", playerId: "r1", round: 9 });
    assert.equal(reasonOf(await c.nextError()), "BAD_KEEPER");
    await waitFor(() => heardOf(a, DraftServerMessage.KEEPER).length === 1, "draft.keeper");
    assert.deepEqual(heardOf(a, DraftServerMessage.KEEPER)[0], { teamId: "t2", playerId: "r1", playerName: "Rated 1", round: 1, removed: false });
    assert.deepEqual([a.room.state.players.get("r1")?.keptBy, a.room.state.slots.get("1:t2")?.keeperId], ["t2", "r1"]);
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => a.room.state.status === "running", "running");
    a.send("pick", { pickId: "a1", playerId: "r1" });
    assert.equal(reasonOf(await a.nextError()), "PLAYER_TAKEN", "a kept player is not draftable");
    a.send("pick", { pickId: "a2", playerId: "r2" });
    // Pick 2 is t2's round-1 pick: the keeper, made at once; pick 3 is t2's round 2.
    await waitFor(() => a.picked.length === 2, "the keeper pick");
    assert.deepEqual(a.picked[1], { number: 2, round: 1, teamId: "t2", playerId: "r1", playerName: "Rated 1", by: "keeper" });
    assert.equal(a.room.state.onClock, "t2");
    c.send("keeper.set", { teamId: "t1", playerId: "r3", round: 2 });
    assert.equal(reasonOf(await c.nextError()), "ALREADY_STARTED");
  });

  it("pick trades: propose, accept (the order changes at once), veto, and the refusals", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, draftOrder: "manual", pickSeconds: 600 });
    const [a, b, c] = [await join(ann, league.id), await join(bob, league.id), await join(comm, league.id)];
    a.send("trade.propose", { toTeamId: "t2", give: [{ round: 1, teamId: "t2" }], get: [{ round: 2, teamId: "t2" }] });
    assert.equal(reasonOf(await a.nextError()), "PICK_NOT_OWNED");
    a.send("trade.propose", { toTeamId: "t2", give: [{ round: 2, teamId: "t1" }], get: [] });
    assert.equal((await a.nextError()).code, "VALIDATION_FAILED", "at least one pick each way (schema)");
    // Ann gives her round-2 pick for Bob's round-1 pick.
    a.send("trade.propose", { toTeamId: "t2", give: [{ round: 2, teamId: "t1" }], get: [{ round: 1, teamId: "t2" }] });
    await waitFor(() => heardOf(b, DraftServerMessage.TRADE).length === 1, "proposal heard");
    const proposal = heardOf(b, DraftServerMessage.TRADE)[0];
    assert.deepEqual([proposal.status, proposal.fromTeamId, proposal.toTeamId], ["proposed", "t1", "t2"]);
    a.send("trade.accept", { tradeId: proposal.id });
    assert.equal(reasonOf(await a.nextError()), "NOT_YOUR_TRADE");
    b.send("trade.accept", { tradeId: proposal.id });
    await waitFor(() => c.room.state.slots.get("1:t2")?.ownerTeamId === "t1", "t1 owns t2's round-1 pick");
    assert.equal(c.room.state.slots.get("2:t1")?.ownerTeamId, "t2");
    assert.deepEqual(heardOf(c, DraftServerMessage.TRADE).map((t) => t.status), ["proposed", "accepted"]);
    assert.equal(c.room.state.trades[0]?.status, "accepted");

    // A second proposal, vetoed by the commissioner before Ann accepts it.
    b.send("trade.propose", { toTeamId: "t1", give: [{ round: 2, teamId: "t2" }], get: [{ round: 1, teamId: "t1" }] });
    await waitFor(() => heardOf(c, DraftServerMessage.TRADE).length === 3, "second proposal");
    const second = heardOf(c, DraftServerMessage.TRADE)[2];
    b.send("trade.veto", { tradeId: second.id });
    assert.equal(reasonOf(await b.nextError()), "COMMISSIONER_ONLY");
    c.send("trade.veto", { tradeId: second.id });
    await waitFor(() => heardOf(a, DraftServerMessage.TRADE).at(-1)?.status === "vetoed", "vetoed");
    a.send("trade.accept", { tradeId: second.id });
    assert.equal(reasonOf(await a.nextError()), "TRADE_CLOSED");

    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => c.room.state.status === "running", "running");
    a.send("pick", { pickId: "a1", playerId: "r1" });
    // Pick 2 is t2's round-1 slot, which Ann now owns.
    await waitFor(() => c.room.state.currentPick === 2, "pick 2");
    assert.equal(c.room.state.onClock, "t1");
    b.send("pick", { pickId: "b1", playerId: "r2" });
    assert.equal(reasonOf(await b.nextError()), "NOT_YOUR_TURN");
    a.send("pick", { pickId: "a2", playerId: "r2" });
    await waitFor(() => c.room.state.currentPick === 3, "pick 3");
    assert.deepEqual([c.room.state.picks[1]?.teamId, c.room.state.picks[1]?.originalTeamId, c.room.state.slots.get("1:t2")?.playerId], ["t1", "t2", "r2"]);
    a.send("trade.propose", { toTeamId: "t2", give: [{ round: 1, teamId: "t1" }], get: [{ round: 2, teamId: "t2" }] });
    assert.equal(reasonOf(await a.nextError()), "PICK_USED");
    // Bob owns both round-2 picks (snake: t2 then t1).
    b.send("pick", { pickId: "b2", playerId: "r3" });
    b.send("pick", { pickId: "b3", playerId: "r4" });
    await waitFor(() => c.complete.length === 1, "complete");
    assert.deepEqual(c.complete[0].rosters.map((r) => r.playerIds), [["r1", "r2"], ["r3", "r4"]]);
  });

  it("roster slots: picks need an open slot for the position; autopick fills needs first", async () => {
    const players = [
      { playerId: "r1", position: "GK" as const },
      { playerId: "r2", position: "GK" as const },
      { playerId: "r3", position: "GK" as const },
      { playerId: "r4", position: "FWD" as const },
      { playerId: "f1", name: "Forward 1", position: "FWD" as const },
    ];
    const league = await leagueWith(server, comm, [ann, bob], { rosterSlots: { GK: 1, FWD: 1 }, draftOrder: "manual", pickSeconds: 600, players });
    assert.deepEqual([league.rosterSize, league.rosterSlots], [2, { GK: 1, FWD: 1 }]);
    const [a, b, c] = [await join(ann, league.id), await join(bob, league.id), await join(comm, league.id)];
    await waitFor(() => c.room.state.players.get("f1"), "the pool in state");
    assert.deepEqual([c.room.state.players.get("r1")?.position, c.room.state.players.get("r5")?.position, c.room.state.rosterSlots.get("GK")], ["GK", "", 1]);
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => c.room.state.status === "running", "running");
    a.send("pick", { pickId: "a1", playerId: "r1" });
    await waitFor(() => c.room.state.onClock === "t2", "Bob's turn");
    b.send("pick", { pickId: "b1", playerId: "r5" });
    assert.equal(reasonOf(await b.nextError()), "NO_OPEN_SLOT", "a player without a position fits only a BENCH slot; this league has none");
    b.send("pick", { pickId: "b2", playerId: "r2" });
    await waitFor(() => c.room.state.currentPick === 3, "pick 3");
    b.send("pick", { pickId: "b3", playerId: "r3" });
    assert.equal(reasonOf(await b.nextError()), "NO_OPEN_SLOT", "Bob's GK slot is filled");
    // Bob goes on autopick: the best available is r3 (GK, ranked higher), but his need is a forward.
    b.send("autopick.set", { enabled: true });
    await waitFor(() => c.room.state.currentPick === 4, "pick 4");
    assert.deepEqual([c.room.state.picks[2]?.playerId, c.room.state.picks[2]?.slot], ["r4", "FWD"]);
    a.send("pick", { pickId: "a2", playerId: "f1" });
    await waitFor(() => c.complete.length === 1, "complete");
  });
});
