import assert from "node:assert/strict";
import { Client } from "@colyseus/sdk";
import { DraftState } from "../../shared/index.ts";
import { dropConnection } from "../helpers/game-helpers.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { draftControls, joinDraft, leagueWith, leaveAll, player, reasonOf, seatOf, seedRatings, type DraftSeat, type Player } from "../helpers/draft-helpers.ts";

/** A team's queue as one client decoded it (a hidden `@view()` field is never sent, so it stays unset). */
const queueSeenBy = (seat: DraftSeat, teamId: string) => [...(seat.room.state.teams.get(teamId)?.queue ?? [])];

describe("draft room (real server, stock SDK)", () => {
  let comm: Player, ann: Player, bob: Player;
  const seats: DraftSeat[] = [];
  const join = async (who: Player, leagueId: string) => {
    const seat = await joinDraft(server, who, leagueId);
    seats.push(seat);
    return seat;
  };

  // A pool of 4 rated players per draft (r1 best … r4), plus any players a league supplies.
  const server = useTestServer({ env: { DRAFT_POOL_LIMIT: "4", RECONNECT_WINDOW_SECONDS: "1" } });
  before(async () => {
    await seedRatings(server, Array.from({ length: 6 }, (_, i) => ({ ownerId: `r${i + 1}`, name: `Rated ${i + 1}`, score: 2000 - i * 10 })));
    [comm, ann, bob] = await Promise.all([player(server, "Comm"), player(server, "Ann"), player(server, "Bob")]);
  });
  afterEach(() => leaveAll(...seats.splice(0)));

  it("lands a league's members in one room, with the pool and teams in state; refuses strangers and unknown leagues", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { players: [{ playerId: "u1", name: "Unrated 1" }] });
    const a = await join(ann, league.id);
    const c = await join(comm, league.id);
    assert.equal(c.room.roomId, a.room.roomId);
    await waitFor(() => a.room.state.teams.get("t1")?.connected, "t1 connected");
    assert.deepEqual([...a.room.state.players.values()].map((p) => `${p.playerId}:${p.rank}`), ["r1:1", "r2:2", "r3:3", "r4:4", "u1:0"]);
    assert.deepEqual([a.room.state.status, a.room.state.teams.get("t2")?.connected, a.room.state.commissionerId], ["waiting", false, comm.playerId]);

    const stranger = await player(server, "Stranger");
    await assert.rejects(joinDraft(server, stranger, league.id), /FORBIDDEN/);
    await assert.rejects(joinDraft(server, stranger, "lg_0000000000000000"), /NOT_FOUND/);
  });

  it("a manager's queue is visible to that manager only (StateView), also after a reconnect", async () => {
    const league = await leagueWith(server, comm, [ann, bob]);
    const [a, b, c] = [await join(ann, league.id), await join(bob, league.id), await join(comm, league.id)];
    a.send("queue.set", { playerIds: ["r2", "r1"] });
    b.send("queue.set", { playerIds: ["r4"] });
    await waitFor(() => queueSeenBy(a, "t1").length === 2, "Ann sees her queue");
    await waitFor(() => queueSeenBy(b, "t2").length === 1, "Bob sees his queue");
    // Both patches carrying the queues have reached every client by now; only the owner got each one.
    c.send("autopick.set", { enabled: true, teamId: "t1" });
    await waitFor(() => b.room.state.teams.get("t1")?.autopick && c.room.state.teams.get("t1")?.autopick, "a later patch everywhere");
    assert.deepEqual(queueSeenBy(a, "t1"), ["r2", "r1"]);
    assert.deepEqual(queueSeenBy(a, "t2"), [], "Ann cannot see Bob's queue");
    assert.deepEqual(queueSeenBy(b, "t1"), [], "Bob cannot see Ann's queue");
    assert.deepEqual([...queueSeenBy(c, "t1"), ...queueSeenBy(c, "t2")], [], "nor can the commissioner");

    a.send("queue.set", { playerIds: ["r1", "ghost"] });
    assert.equal(reasonOf(await a.nextError()), "NOT_IN_POOL");

    // A rejoining manager gets the full state, still with only her own queue.
    const token = a.room.reconnectionToken;
    dropConnection(a.room.roomId, a.room.sessionId);
    await waitFor(() => b.room.state.teams.get("t1")?.connected === false, "Ann shown disconnected");
    const client = new Client(server.wsUrl);
    const again = seatOf(client, await client.reconnect(token, DraftState), ann);
    seats.push(again);
    await waitFor(() => queueSeenBy(again, "t1").length === 2, "queue after reconnect");
    assert.deepEqual(queueSeenBy(again, "t2"), []);
    await waitFor(() => b.room.state.teams.get("t1")?.connected, "Ann connected again");
  });

  it("validates picks (turn, taken, roster full, commissioner-only start) and answers a retried pick id with the same pick", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { draftType: "linear", rosterSize: 2, draftOrder: "manual", pickSeconds: 600 });
    const [a, b, c] = [await join(ann, league.id), await join(bob, league.id), await join(comm, league.id)];
    a.send("pick", { pickId: "early", playerId: "r1" });
    assert.equal(reasonOf(await a.nextError()), "NOT_STARTED");
    a.send("start", {});
    assert.equal(reasonOf(await a.nextError()), "COMMISSIONER_ONLY");
    c.send("order.set", { teamIds: ["t1", "t2"] });
    c.send("start", {});
    await waitFor(() => a.room.state.status === "running", "running");
    assert.deepEqual([a.room.state.onClock, a.room.state.currentPick, a.room.state.totalPicks, [...a.room.state.order]], ["t1", 1, 4, ["t1", "t2"]]);
    assert.ok(a.room.state.deadlineAt > Date.now() && a.room.state.remainingMs > 0, "the clock is visible");

    b.send("pick", { pickId: "b1", playerId: "r1" });
    const notYours = await b.nextError();
    assert.deepEqual([notYours.code, reasonOf(notYours), (notYours.details as { pickId: string }).pickId], ["CONFLICT", "NOT_YOUR_TURN", "b1"]);
    assert.match(notYours.message, /Ann FC's turn \(pick 1, round 1\)/);

    a.send("pick", { pickId: "a1", playerId: "r1" });
    a.send("pick", { pickId: "a1", playerId: "r1" }); // a retry (e.g. after a lost answer)
    await waitFor(() => a.results.length === 2, "two answers");
    assert.deepEqual(a.results.map((r) => [r.replayed, r.pick.number, r.pick.playerId]), [[false, 1, "r1"], [true, 1, "r1"]]);
    assert.equal(a.room.state.picks.length, 1, "the retry picked nothing");

    b.send("pick", { pickId: "b2", playerId: "r1" });
    assert.equal(reasonOf(await b.nextError()), "PLAYER_TAKEN");
    b.send("pick", { pickId: "b3", playerId: "r2" });
    await waitFor(() => a.room.state.onClock === "t1", "back to Ann");
    a.send("pick", { pickId: "a2", playerId: "r3" });
    await waitFor(() => a.room.state.onClock === "t2", "Bob's last pick");
    a.send("pick", { pickId: "a3", playerId: "r4" });
    const full = await a.nextError();
    assert.deepEqual([full.code, reasonOf(full)], ["CONFLICT", "ROSTER_FULL"]);
    b.send("pick", { pickId: "b4", playerId: "r4" });
    await waitFor(() => b.complete.length === 1, "draft.complete");
    assert.deepEqual([b.room.state.status, b.room.state.rostersSaved], ["complete", true]);
    assert.deepEqual(await server.server.stores.rosters.league(league.id), [
      { fantasyTeamId: "t1", name: "Ann FC", playerIds: ["r1", "r3"] },
      { fantasyTeamId: "t2", name: "Bob FC", playerIds: ["r2", "r4"] },
    ]);
    assert.equal((await server.server.stores.leagues.get(league.id))?.draftStatus, "complete");
    assert.equal(a.picked.length, 4, "everyone hears every pick");
  });

  it("commissioner tools: pause (picks wait), resume with a full clock, pick on behalf, undo a chain of picks", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 3, draftOrder: "manual", pickSeconds: 600, players: [{ playerId: "u1" }, { playerId: "u2" }] });
    const [a, b, c] = [await join(ann, league.id), await join(bob, league.id), await join(comm, league.id)];
    c.send("start", {});
    await waitFor(() => a.room.state.status === "running", "running");
    a.send("pick", { pickId: "1", playerId: "r1" });
    await waitFor(() => b.room.state.onClock === "t2", "Bob's turn");
    b.send("pick", { pickId: "1", playerId: "r2" });
    b.send("pick", { pickId: "2", playerId: "r3" });
    await waitFor(() => a.room.state.picks.length === 3, "three picks");

    a.send("pause", {});
    assert.equal(reasonOf(await a.nextError()), "COMMISSIONER_ONLY");
    c.send("pause", {});
    await waitFor(() => a.room.state.status === "paused", "paused");
    assert.equal(a.room.state.deadlineAt, 0);
    const frozen = a.room.state.remainingMs;
    a.send("pick", { pickId: "2", playerId: "r4" });
    assert.equal(reasonOf(await a.nextError()), "PAUSED");
    assert.equal(a.room.state.remainingMs, frozen, "the clock is frozen");

    c.send("undo", { pickNumber: 2 });
    await waitFor(() => a.undone.length === 1, "draft.undone");
    assert.deepEqual([a.undone[0].fromPick, a.undone[0].undone.map((p) => p.playerId)], [2, ["r2", "r3"]]);
    assert.deepEqual([a.room.state.picks.length, a.room.state.onClock, a.room.state.status], [1, "t2", "paused"]);
    assert.equal(a.room.state.players.get("r2")?.draftedBy, "", "undone players are available again");

    c.send("resume", {});
    await waitFor(() => a.room.state.status === "running", "running again");
    assert.ok(a.room.state.deadlineAt - Date.now() > 590_000, "resume gives the team on the clock a full clock");
    c.send("pick", { pickId: "c1", playerId: "r3", teamId: "t2" });
    await waitFor(() => c.results.length === 1, "the commissioner's pick answered");
    assert.deepEqual([c.results[0].pick.teamId, c.results[0].pick.by], ["t2", "commissioner"]);
    c.send("undo", {});
    await waitFor(() => a.undone.length === 2 && a.room.state.picks.length === 1, "the last pick undone");
    c.send("undo", { pickNumber: 5 });
    assert.equal(reasonOf(await c.nextError()), "NOTHING_TO_UNDO");
  });

  it("the clock runs out: autopick from the queue, then the rankings, then the best available; a disconnected manager is autopicked", async () => {
    const league = await leagueWith(server, comm, [ann, bob], { rosterSize: 3, draftOrder: "manual", pickSeconds: 1, players: [{ playerId: "u1" }, { playerId: "u2" }] });
    const [a, b, c] = [await join(ann, league.id), await join(bob, league.id), await join(comm, league.id)];
    a.send("queue.set", { playerIds: ["r4"] });
    // Bob drafts from his queue in autopick mode (no waiting on the clock).
    b.send("queue.set", { playerIds: ["r1", "r2", "u2"] });
    b.send("autopick.set", { enabled: true });
    await waitFor(() => c.room.state.teams.get("t2")?.autopick && queueSeenBy(a, "t1").length === 1, "queues and autopick set");
    c.send("start", {});
    await waitFor(() => c.picked.length >= 4, "four picks (Ann's clock ran out twice)", 10_000);
    assert.deepEqual(
      c.picked.slice(0, 4).map((p) => `${p.number}:${p.teamId}:${p.playerId}:${p.by}:${p.source}`),
      ["1:t1:r4:autopick:queue", "2:t2:r1:autopick:queue", "3:t2:r2:autopick:queue", "4:t1:r3:autopick:rankings"],
    );
    dropConnection(a.room.roomId, a.room.sessionId);
    await waitFor(() => c.picked.length === 6, "the draft ends", 10_000);
    await waitFor(() => c.room.state.teams.get("t1")?.connected === false, "Ann is still away");
    assert.equal(c.room.state.teams.get("t1")?.autopickReason, "missed-clock", "Ann missed her clock: on autopick since (the league's default absent policy)");
    assert.deepEqual(c.picked.slice(4).map((p) => `${p.teamId}:${p.playerId}:${p.source}`), ["t1:u1:best-available", "t2:u2:queue"]);
    await waitFor(() => c.room.state.rostersSaved, "rosters saved");
    await draftControls(c.room.roomId).flushSnapshots();
    assert.equal(JSON.parse((await server.server.stores.leagues.loadDraftSnapshot(league.id))!.data).status, "complete");
  });
});
