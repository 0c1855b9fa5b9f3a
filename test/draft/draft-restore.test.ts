import assert from "node:assert/strict";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { draftControls, joinDraft, leagueWith, leaveAll, player, seedRatings, type DraftSeat } from "../helpers/draft-helpers.ts";

describe("draft room restore after a restart (Redis)", () => {
  const prefix = uniquePrefix("draft-restore");
  const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, DRAFT_POOL_LIMIT: "10" };
  let server: TestServer | undefined;
  const seats: DraftSeat[] = [];

  after(async () => {
    await leaveAll(...seats);
    await server?.close();
    await deleteKeys(prefix);
  });

  it("a new process restores the draft from its last snapshot: picks, order, clock, private queues", async () => {
    server = await startTestServer({ env });
    await seedRatings(server, Array.from({ length: 4 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 1900 - i })));
    const [comm, ann, bob] = [await player(server, "Comm"), await player(server, "Ann"), await player(server, "Bob")];
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, draftOrder: "manual", pickSeconds: 600 });
    const [a, b, c] = [await joinDraft(server, ann, league.id), await joinDraft(server, bob, league.id), await joinDraft(server, comm, league.id)];
    a.send("queue.set", { playerIds: ["r4", "r3"] });
    c.send("start", {});
    await waitFor(() => a.room.state.status === "running", "running");
    a.send("pick", { pickId: "a1", playerId: "r1" });
    await waitFor(() => b.room.state.picks.length === 1, "one pick");
    await draftControls(a.room.roomId).flushSnapshots();
    const firstRoom = a.room.roomId;

    // The process goes away (graceful: rooms close with a rejoin code); another one starts on the same Redis.
    await server.close();
    await Promise.all([a, b, c].map((seat) => waitFor(() => !seat.room.connection.isOpen, "closed by the shutdown")));
    server = await startTestServer({ env });

    const bob2 = await joinDraft(server, bob, league.id);
    const ann2 = await joinDraft(server, ann, league.id);
    seats.push(bob2, ann2);
    assert.notEqual(bob2.room.roomId, firstRoom, "a new room");
    assert.equal(ann2.room.roomId, bob2.room.roomId);
    const state = bob2.room.state;
    assert.deepEqual([state.status, state.picks.length, state.picks[0]?.playerId, state.onClock, [...state.order]], ["running", 1, "r1", "t2", ["t1", "t2"]]);
    assert.ok(state.deadlineAt - Date.now() > 590_000, "the team on the clock gets a fresh clock");
    await waitFor(() => ann2.room.state.teams.get("t1")?.queue?.length === 2, "Ann's queue, restored");
    assert.deepEqual([...ann2.room.state.teams.get("t1")!.queue], ["r4", "r3"]);
    assert.equal(bob2.room.state.teams.get("t1")?.queue?.length ?? 0, 0, "and still private");

    bob2.send("pick", { pickId: "b1", playerId: "r2" });
    await waitFor(() => state.picks.length === 2, "Bob's first pick");
    bob2.send("pick", { pickId: "b2", playerId: "r3" });
    await waitFor(() => state.onClock === "t1", "Ann's turn");
    ann2.send("pick", { pickId: "a2", playerId: "r4" });
    await waitFor(() => state.rostersSaved, "rosters saved");
    assert.deepEqual((await server.server.stores.rosters.league(league.id)).map((t) => t.playerIds), [["r1", "r4"], ["r2", "r3"]]);
  });

  it("keepers, traded pick slots and open trades survive the restart too", async () => {
    await server?.close();
    server = await startTestServer({ env });
    await seedRatings(server, Array.from({ length: 4 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 1900 - i })));
    const [comm, ann, bob] = [await player(server, "Comm2"), await player(server, "Ann2"), await player(server, "Bob2")];
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 2, draftOrder: "manual", pickSeconds: 600 });
    const [a, b, c] = [await joinDraft(server, ann, league.id), await joinDraft(server, bob, league.id), await joinDraft(server, comm, league.id)];
    c.send("keeper.set", { teamId: "t2", playerId: "r4", round: 2 });
    a.send("trade.propose", { toTeamId: "t2", give: [{ round: 2, teamId: "t1" }], get: [{ round: 1, teamId: "t2" }] });
    await waitFor(() => b.room.state.trades.length === 1, "proposed");
    b.send("trade.accept", { tradeId: b.room.state.trades[0].id });
    await waitFor(() => c.room.state.slots.get("1:t2")?.ownerTeamId === "t1", "accepted");
    b.send("trade.propose", { toTeamId: "t1", give: [{ round: 2, teamId: "t1" }], get: [{ round: 1, teamId: "t1" }] });
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => a.room.state.status === "running" && a.room.state.trades.length === 2, "running, one trade open");
    a.send("pick", { pickId: "a1", playerId: "r1" });
    await waitFor(() => c.room.state.picks.length === 1, "one pick");
    await draftControls(a.room.roomId).flushSnapshots();
    await server.close();
    await Promise.all([a, b, c].map((seat) => waitFor(() => !seat.room.connection.isOpen, "closed by the shutdown")));
    server = await startTestServer({ env });

    const ann2 = await joinDraft(server, ann, league.id);
    const bob2 = await joinDraft(server, bob, league.id);
    seats.push(ann2, bob2);
    const state = ann2.room.state;
    await waitFor(() => state.onClock === "t1", "restored: Ann owns pick 2 (t2's round-1 slot)");
    assert.deepEqual([state.slots.get("1:t2")?.ownerTeamId, state.slots.get("2:t1")?.ownerTeamId, state.players.get("r4")?.keptBy], ["t1", "t2", "t2"]);
    assert.deepEqual(state.trades.map((t) => t.status), ["accepted", "proposed"]);
    ann2.send("trade.accept", { tradeId: state.trades[1].id });
    const used = await ann2.nextError();
    assert.equal((used.details as { reason: string }).reason, "PICK_USED", "the open trade is checked against the restored picks");
    ann2.send("pick", { pickId: "a2", playerId: "r2" });
    await waitFor(() => state.picks.length === 3 && state.onClock === "t2", "pick 2, then the keeper with pick 3");
    assert.equal(state.picks[2]?.by, "keeper");
    bob2.send("pick", { pickId: "b1", playerId: "r3" });
    await waitFor(() => state.rostersSaved, "rosters saved");
    assert.deepEqual((await server.server.stores.rosters.league(league.id)).map((t) => t.playerIds), [["r1", "r2"], ["r3", "r4"]]);
  });
});
