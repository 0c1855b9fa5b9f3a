import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { DraftServerMessage, DraftState } from "../../shared/index.ts";
import { dropConnection } from "../helpers/game-helpers.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { heardOf, joinDraft, leagueWith, leaveAll, player, seatOf, seedRatings, type DraftSeat, type Player } from "../helpers/draft-helpers.ts";

describe("draft room: absent managers and the soft timer (real server, stock SDK)", () => {
  let comm: Player, ann: Player, bob: Player;
  const seats: DraftSeat[] = [];
  const join = async (who: Player, leagueId: string) => {
    const seat = await joinDraft(server, who, leagueId);
    seats.push(seat);
    return seat;
  };
  const server = useTestServer({ env: { DRAFT_POOL_LIMIT: "8" } });
  before(async () => {
    await seedRatings(server, Array.from({ length: 8 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 2000 - i * 10 })));
    [comm, ann, bob] = await Promise.all([player(server, "Comm"), player(server, "Ann"), player(server, "Bob")]);
  });
  afterEach(() => leaveAll(...seats.splice(0)));

  it("missed-clock: a manager who misses the clock is shown absent (draft.absent) and autopicked until they send a message (draft.back)", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 3, draftOrder: "manual", pickSeconds: 1 });
    assert.deepEqual([league.absentPolicy, league.absentGraceSeconds, league.softTimer], ["missed-clock", 60, false], "the defaults");
    const [a, c] = [await join(ann, league.id), await join(comm, league.id)];
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    const [absent] = await waitFor(() => heardOf(c, DraftServerMessage.ABSENT)[0] && heardOf(c, DraftServerMessage.ABSENT), "Ann's clock ran out");
    assert.deepEqual(absent, { teamId: "t1", reason: "missed-clock" });
    const t1 = c.room.state.teams.get("t1")!;
    assert.deepEqual([t1.absent, t1.autopickReason, t1.connected, c.picked[0]?.by], [true, "missed-clock", true, "autopick"], "connected, yet absent: she let her clock run out");
    // Ann comes back by sending any message (here: her queue) while Bob (never connected) is on the clock.
    a.send("queue.set", { playerIds: ["r8"] });
    await waitFor(() => heardOf(c, DraftServerMessage.BACK).length === 1, "draft.back");
    assert.deepEqual(heardOf(c, DraftServerMessage.BACK)[0], { teamId: "t1" });
    await waitFor(() => c.room.state.teams.get("t1")?.absent === false, "Ann no longer absent");
    assert.equal(c.room.state.teams.get("t1")?.autopickReason, "");
    await waitFor(() => c.complete.length === 1, "the draft completes", 15_000);
    assert.deepEqual(
      heardOf(c, DraftServerMessage.ABSENT).map((m) => m.teamId),
      ["t1", "t2", "t1"],
      "Bob missed his clock too; Ann, back, missed hers again",
    );
  });

  it("auction: a missed nomination clock puts the team on autopick (draft.absent, it is nominated for); a bid brings the manager back (draft.back)", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, draftOrder: "manual", draftType: "auction", budget: 20, nominationSeconds: 1, bidSeconds: 30 });
    const [a, c] = [await join(ann, league.id), await join(comm, league.id)];
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    const [absent] = await waitFor(() => heardOf(c, DraftServerMessage.ABSENT)[0] && heardOf(c, DraftServerMessage.ABSENT), "Ann's nomination clock ran out");
    assert.deepEqual(absent, { teamId: "t1", reason: "missed-clock" });
    const [nominated] = await waitFor(() => heardOf(c, DraftServerMessage.NOMINATED)[0] && heardOf(c, DraftServerMessage.NOMINATED), "a lot nominated for Ann");
    assert.deepEqual([nominated.teamId, nominated.by], ["t1", "autopick"]);
    // Bob (never connected, absent too once his turn comes) auto-bids; Ann comes back by bidding herself.
    const high = c.room.state.lot.highBid;
    a.send("auction.bid", { amount: high + 1, lot: nominated.lot, bidId: "back-1" });
    await waitFor(() => heardOf(c, DraftServerMessage.BACK).some((m) => m.teamId === "t1"), "draft.back for Ann");
    await waitFor(() => c.room.state.teams.get("t1")?.absent === false, "Ann no longer absent");
  });

  it("disconnect-grace: a manager disconnected past the grace goes on autopick and is picked for at once, not after the full clock; reconnecting brings them back", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, draftOrder: "manual", pickSeconds: 600, absentPolicy: "disconnect-grace", absentGraceSeconds: 1 });
    const [a, b, c] = [await join(ann, league.id), await join(bob, league.id), await join(comm, league.id)];
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => c.room.state.status === "running", "running");
    a.send("pick", { pickId: "a1", playerId: "r1" });
    await waitFor(() => c.room.state.onClock === "t2", "Bob on the clock");
    const token = b.room.reconnectionToken;
    dropConnection(b.room.roomId, b.room.sessionId);
    // Bob's clock has 600 s, but after 1 s away he is absent and his two picks (snake: 2 and 3) are made at once.
    await waitFor(() => heardOf(c, DraftServerMessage.ABSENT).length === 1, "Bob absent after the grace");
    assert.deepEqual(heardOf(c, DraftServerMessage.ABSENT)[0], { teamId: "t2", reason: "disconnected" });
    await waitFor(() => c.room.state.onClock === "t1" && c.room.state.picks.length === 3, "Bob's picks made for him");
    assert.deepEqual(c.picked.slice(1).map((p) => `${p.number}:${p.teamId}:${p.by}`), ["2:t2:autopick", "3:t2:autopick"]);
    assert.deepEqual([c.room.state.teams.get("t2")?.absent, c.room.state.teams.get("t2")?.autopickReason], [true, "disconnected"]);
    const client = new Client(server.wsUrl);
    const again = seatOf(client, await client.reconnect(token, DraftState), bob);
    seats.push(again);
    await waitFor(() => heardOf(c, DraftServerMessage.BACK).length === 1, "Bob back on reconnect");
    assert.deepEqual([c.room.state.teams.get("t2")?.absent, c.room.state.teams.get("t2")?.connected], [false, true]);
  });

  it("a soft timer flags the team late (draft.late) and never autopicks; its pick clears the flag", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, draftOrder: "manual", pickSeconds: 1, softTimer: true });
    const [a, c] = [await join(ann, league.id), await join(comm, league.id)];
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => heardOf(c, DraftServerMessage.LATE).length === 1, "draft.late");
    assert.deepEqual(heardOf(c, DraftServerMessage.LATE)[0], { teamId: "t1", pickNumber: 1 });
    assert.deepEqual([c.room.state.softTimer, c.room.state.teams.get("t1")?.late, c.room.state.picks.length, c.room.state.remainingMs], [true, true, 0, 0]);
    assert.equal(heardOf(c, DraftServerMessage.ABSENT).length, 0, "a late team is not absent");
    a.send("pick", { pickId: "a1", playerId: "r1" });
    await waitFor(() => c.room.state.onClock === "t2", "Ann picked, late");
    assert.deepEqual([c.room.state.teams.get("t1")?.late, c.picked[0]?.by], [false, "manager"]);
  });
});
