import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import { HttpError, RoomMessageError, createClient, type DraftConnection } from "../../client-sdk/index.ts";
import { DraftState, type DraftPickMessage } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** A team's queue as one client decoded it (another manager's `@view()` queue is never sent: unset or empty). */
const queueSeenBy = (connection: DraftConnection, teamId: string) => [...(connection.state?.teams.get(teamId)?.queue ?? [])];

describe("sdk: client.leagues and client.rooms.draft against the real server", function () {
  this.timeout(20_000);
  const open: DraftConnection[] = [];
  const server = useTestServer();
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.leave()));
  });

  async function signedIn(name: string) {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest(name);
    return client;
  }

  const pool = ["p1", "p2", "p3", "p4", "p5"].map((playerId) => ({ playerId, name: `Player ${playerId}` }));

  it("creates, joins, lists and reads a league through client.leagues, with typed errors", async () => {
    const ada = await signedIn("Ada");
    const bob = await signedIn("Bob");
    const league = await ada.leagues.create({ name: "SDK league", teamCount: 2, rosterSize: 2, teamName: "Ada FC", players: pool });
    assert.match(league.id, /^lg_/);
    assert.equal(league.commissionerId, ada.auth.player!.playerId);
    assert.deepEqual(league.teams.map((t) => t.name), ["Ada FC"]);

    const joined = await bob.leagues.join(league.inviteCode.toLowerCase(), "Bob FC");
    assert.equal(joined.created, true);
    assert.equal(joined.team.managerId, bob.auth.player!.playerId);
    const again = await bob.leagues.join(league.inviteCode, "Another name");
    assert.equal(again.created, false, "one team per manager");
    assert.equal(again.team.teamId, joined.team.teamId);

    assert.ok((await bob.leagues.list()).some((l) => l.id === league.id));
    const read = await ada.leagues.get(league.id);
    assert.deepEqual(read.teams.map((t) => t.name), ["Ada FC", "Bob FC"]);

    const stranger = await signedIn("Cy");
    await assert.rejects(stranger.leagues.get(league.id), (error: unknown) => error instanceof HttpError && error.status === 403 && error.code === "FORBIDDEN");
    await assert.rejects(stranger.leagues.join("ZZZZZZZZ", "Cy FC"), (error: unknown) => error instanceof HttpError && error.code === "NOT_FOUND");
    await assert.rejects(stranger.leagues.join(league.inviteCode, "Cy FC"), (error: unknown) => error instanceof HttpError && error.code === "CONFLICT");
    // @ts-expect-error: not a create field (the server refuses it too)
    await assert.rejects(ada.leagues.create({ name: "x", teams: 4 }), (error: unknown) => error instanceof HttpError && error.code === "VALIDATION_FAILED");
  });

  it("drafts through client.rooms.draft: private queue helpers, a pick with an idempotent retry, refusals, autopick from the queue", async () => {
    const ada = await signedIn("Ada");
    const bob = await signedIn("Bob");
    const league = await ada.leagues.create({ name: "SDK draft", teamCount: 2, rosterSize: 2, draftOrder: "manual", pickSeconds: 600, teamName: "Ada FC", players: pool });
    await bob.leagues.join(league.inviteCode, "Bob FC");

    const adaDraft = await ada.rooms.draft.join(league.id);
    open.push(adaDraft);
    const bobDraft = await bob.rooms.draft.join(league.id);
    open.push(bobDraft);
    assert.equal(adaDraft.roomId, bobDraft.roomId, "one room per league");
    assert.ok(bobDraft.state instanceof DraftState);
    await waitFor(() => adaDraft.myTeam?.teamId === "t1" && bobDraft.myTeam?.teamId === "t2", "each sees their own team");

    // Queue management: edits build on each other before the server echoes them.
    bobDraft.enqueue("p3");
    bobDraft.enqueue("p1");
    bobDraft.enqueue("p4");
    bobDraft.moveInQueue("p4", 0);
    bobDraft.dequeue("p3");
    assert.deepEqual(bobDraft.queue, ["p4", "p1"], "the local view right away");
    adaDraft.setQueue(["p5"]);
    await waitFor(() => queueSeenBy(bobDraft, "t2").join() === "p4,p1", "Bob's queue in his state");
    await waitFor(() => queueSeenBy(adaDraft, "t1").join() === "p5", "Ada's queue in her state");
    assert.deepEqual(bobDraft.queue, ["p4", "p1"]);
    assert.deepEqual(queueSeenBy(adaDraft, "t2"), [], "Ada never receives Bob's queue");
    assert.deepEqual(queueSeenBy(bobDraft, "t1"), [], "Bob never receives Ada's queue");
    adaDraft.clearQueue();
    await waitFor(() => queueSeenBy(adaDraft, "t1").length === 0 && adaDraft.queue.length === 0, "Ada's queue cleared");

    const picked: DraftPickMessage[] = [];
    bobDraft.onMessage("draft.picked", (pick) => picked.push(pick));
    adaDraft.startDraft();
    await waitFor(() => adaDraft.state?.status === "running" && adaDraft.state.onClock === "t1", "the draft runs, Ada on the clock");

    // Not Bob's turn: the refusal rejects his pick.
    await assert.rejects(bobDraft.pick("p2"), (error: unknown) => {
      assert.ok(error instanceof RoomMessageError);
      assert.equal(error.code, "CONFLICT");
      assert.equal((error.details as { reason?: string }).reason, "NOT_YOUR_TURN");
      return true;
    });

    const first = await adaDraft.pick("p1");
    assert.equal(first.replayed, false);
    assert.equal(first.pick.playerId, "p1");
    assert.equal(first.pick.teamId, "t1");
    // The answer "got lost": retrying with the same pick id changes nothing.
    const retry = await adaDraft.pick("p1", { pickId: first.pickId });
    assert.equal(retry.replayed, true);
    assert.deepEqual(retry.pick, first.pick);
    await assert.rejects(adaDraft.pick("p2", { pickId: first.pickId }), (error: unknown) => error instanceof RoomMessageError && (error.details as { reason?: string }).reason === "PICK_ID_REUSED");
    await waitFor(() => adaDraft.state!.picks.length === 1 && adaDraft.state!.onClock === "t2", "one pick made; Bob on the clock");
    // The drafted player left Bob's queue.
    await waitFor(() => bobDraft.queue.join() === "p4", "p1 dropped from Bob's queue");

    // Autopick mode picks for Bob from his queue at once.
    bobDraft.setAutopick(true);
    await waitFor(() => picked.some((p) => p.teamId === "t2"), "Bob's autopick");
    const auto = picked.find((p) => p.teamId === "t2")!;
    assert.equal(auto.playerId, "p4");
    assert.equal(auto.by, "autopick");
    assert.equal(auto.source, "queue");
    assert.equal(bobDraft.myTeam!.autopick, true);
  });

  it("a pick whose connection drops before the answer is sent again with the same pick id after the reconnect: made exactly once", async () => {
    const ada = await signedIn("Ada");
    const bob = await signedIn("Bob");
    const league = await ada.leagues.create({ name: "SDK drop", teamCount: 2, rosterSize: 2, draftOrder: "manual", pickSeconds: 600, teamName: "Ada FC", players: pool });
    await bob.leagues.join(league.inviteCode, "Bob FC");
    const adaDraft = await ada.rooms.draft.join(league.id, { backoff: { minMs: 20, maxMs: 200 } });
    open.push(adaDraft);
    adaDraft.startDraft();
    await waitFor(() => adaDraft.state?.status === "running" && adaDraft.state.onClock === "t1", "Ada on the clock");

    const room = matchMaker.getLocalRoomById(adaDraft.roomId!)!;
    const seat = await waitFor(() => room.clients.find((c) => c.sessionId === adaDraft.sessionId && (c as any)._enqueuedMessages === undefined), "Ada seated");
    const states: string[] = [];
    adaDraft.on("state", (change) => states.push(`${change.to}:${change.reason}`));
    const pending = adaDraft.pick("p2");
    (seat as unknown as { ref: { terminate(): void } }).ref.terminate(); // the pick or its answer is lost with the socket
    const result = await pending;
    assert.ok(states.includes("open:reconnected"), `the connection recovered (${states.join(", ")})`);
    assert.equal(result.pick.playerId, "p2");
    await waitFor(() => adaDraft.state?.picks.length === 1, "the pick in the state");
    assert.deepEqual([...adaDraft.state!.picks].map((p) => [p.teamId, p.playerId]), [["t1", "p2"]], "made exactly once");
  });

  it("keepers, pick trades and chat through client.rooms.draft's verbs, events typed by the contract", async () => {
    const ada = await signedIn("Ada");
    const bob = await signedIn("Bob");
    const league = await ada.leagues.create({ name: "SDK trades", teamCount: 2, rosterSize: 2, draftOrder: "manual", pickSeconds: 600, teamName: "Ada FC", players: pool });
    await bob.leagues.join(league.inviteCode, "Bob FC");
    const adaDraft = await ada.rooms.draft.join(league.id);
    open.push(adaDraft);
    const bobDraft = await bob.rooms.draft.join(league.id);
    open.push(bobDraft);
    const chat: string[] = [];
    const trades: string[] = [];
    bobDraft.onMessage("draft.chat", (line) => chat.push(`${line.name}: ${line.text}`));
    bobDraft.onMessage("draft.trade", (trade) => trades.push(`${trade.id}:${trade.status}`));
    adaDraft.chat("hello Bob");
    await waitFor(() => chat.length === 1, "chat heard");
    assert.deepEqual(chat, ["Ada: hello Bob"]);
    adaDraft.setKeeper("t2", "p5", 2);
    await waitFor(() => bobDraft.state?.players.get("p5")?.keptBy === "t2", "keeper in state");
    adaDraft.proposeTrade("t2", [{ round: 2, teamId: "t1" }], [{ round: 1, teamId: "t2" }]);
    await waitFor(() => trades.length === 1, "proposal");
    bobDraft.acceptTrade(trades[0].split(":")[0]);
    await waitFor(() => trades.length === 2, "accepted");
    assert.deepEqual(trades, ["tr1:proposed", "tr1:accepted"]);
    assert.equal(bobDraft.state?.slots.get("1:t2")?.ownerTeamId, "t1");
  });
});
