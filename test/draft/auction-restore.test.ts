import assert from "node:assert/strict";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { draftControls, joinDraft, leagueWith, leaveAll, player, reasonOf, seedRatings, type DraftSeat } from "../helpers/draft-helpers.ts";

describe("auction draft restore after a restart (Redis)", () => {
  const prefix = uniquePrefix("auction-restore");
  const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, DRAFT_POOL_LIMIT: "6" };
  let server: TestServer | undefined;
  const seats: DraftSeat[] = [];

  after(async () => {
    await leaveAll(...seats);
    await server?.close();
    await deleteKeys(prefix);
  });

  it("a new process restores the auction: budgets, the open lot with its high bid, bid ids", async () => {
    server = await startTestServer({ env });
    await seedRatings(server, Array.from({ length: 6 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 1900 - i })));
    const [comm, ann, bob] = [await player(server, "Comm"), await player(server, "Ann"), await player(server, "Bob")];
    const league = await leagueWith(server, comm, [ann, bob], { draftType: "auction", rosterSize: 2, budget: 30, draftOrder: "manual", nominationSeconds: 600, bidSeconds: 600 });
    const [a, b, c] = [await joinDraft(server, ann, league.id), await joinDraft(server, bob, league.id), await joinDraft(server, comm, league.id)];
    seats.push(a, b, c);
    c.send("start", {});
    await waitFor(() => a.room.state.status === "running", "running");
    a.send("auction.nominate", { playerId: "r1", bid: 4 });
    await waitFor(() => b.room.state.lot.number === 1, "lot 1 open");
    b.send("auction.bid", { amount: 9, lot: 1, bidId: "b-9" });
    await waitFor(() => a.room.state.lot.highBid === 9, "Bob's bid");
    await draftControls(a.room.roomId).flushSnapshots();

    await server.close();
    await Promise.all([a, b, c].map((seat) => waitFor(() => !seat.room.connection.isOpen, "closed by the shutdown")));
    server = await startTestServer({ env });

    const [a2, b2, c2] = [await joinDraft(server, ann, league.id), await joinDraft(server, bob, league.id), await joinDraft(server, comm, league.id)];
    seats.push(a2, b2, c2);
    const state = c2.room.state;
    await waitFor(() => state.status !== "waiting", "the first state");
    assert.deepEqual([state.status, state.draftType, state.budget, state.lot.number, state.lot.playerId, state.lot.highBid, state.lot.highBidder], ["running", "auction", 30, 1, "r1", 9, "t2"]);
    assert.ok(state.deadlineAt - Date.now() > 590_000, "the open lot gets a full bid clock");
    // Bob's retried bid id is still known: no refusal, nothing changes. Ann's own bid lands.
    b2.send("auction.bid", { amount: 9, lot: 1, bidId: "b-9" });
    b2.send("auction.bid", { amount: 9, lot: 1, bidId: "b-9-again" });
    assert.equal(reasonOf(await b2.nextError()), "ALREADY_HIGH_BIDDER", "only the new bid id is evaluated");
    a2.send("auction.bid", { amount: 10, lot: 1 });
    await waitFor(() => state.lot.highBid === 10, "Ann's bid after the restore");
    assert.deepEqual([b2.errors.length, state.teams.get("t1")?.maxBid, state.teams.get("t2")?.budgetLeft], [1, 29, 30]);
  });
});
