import assert from "node:assert/strict";
import { applyDraftEvent, type DraftBoard, type DraftClock, type DraftPickMessage } from "../../shared/index.ts";
import { RawSseClient, type SseEvent } from "../helpers/sse-client.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { draftControls, joinDraft, leagueWith, leaveAll, player, seedRatings, type DraftSeat } from "../helpers/draft-helpers.ts";

/** The board a client keeps: the first `board` event, then every feed event applied in order. */
function replay(events: SseEvent[]): DraftBoard | undefined {
  let board: DraftBoard | undefined;
  for (const e of events) board = e.event === "board" ? (e.data as DraftBoard) : board && applyDraftEvent(board, e.event, e.data);
  return board;
}

describe("draft stream: the board, then every pick and clock change, for members, resumable", function () {
  this.timeout(40_000);
  const seats: DraftSeat[] = [];
  const streams: RawSseClient[] = [];
  after(async () => {
    for (const s of streams) s.destroy();
    await leaveAll(...seats);
  });
  const server = useTestServer();
  const open = (path: string, headers: Record<string, string> = {}) => {
    const stream = new RawSseClient(`${server.httpUrl}${path}`, headers);
    streams.push(stream);
    return stream;
  };

  it("a waiting board before the room exists; picks, clock changes (start, each pick, pause, resume, end) and completion as they happen; Last-Event-ID replays the gap", async () => {
    await seedRatings(server, Array.from({ length: 8 }, (_, i) => ({ ownerId: `d${i + 1}`, name: `Drafted ${i + 1}`, score: 1900 - i })));
    const [comm, ann, bob, eve] = await Promise.all(["Comm", "Ann", "Bob", "Eve"].map((name) => player(server, name)));
    const league = await leagueWith(server, comm, [ann, bob], { teamCount: 2, rosterSize: 2, pickSeconds: 1, absentPolicy: "disconnect-grace", absentGraceSeconds: 3600 });
    // Every pick takes its full clock (no manager becomes absent), so the stream shows one clock event per pick.
    const path = `/v1/leagues/${league.id}/draft/stream`;

    // Members and the commissioner only.
    for (const [headers, status, code] of [[{}, 401, "UNAUTHORIZED"], [{ authorization: `Bearer ${eve.token}` }, 403, "FORBIDDEN"], [{ authorization: `Bearer ${ann.token}`, "last-event-id": "x1" }, 400, "BAD_CURSOR"]] as const) {
      const refused = open(path, headers);
      await waitFor(() => refused.ended && refused.status, `refused with ${status}`);
      assert.equal(refused.status, status);
      assert.equal(JSON.parse(refused.body).error.code, code);
    }
    const missing = open(`/v1/leagues/lg_0000000000000000/draft/stream`, { authorization: `Bearer ${ann.token}` });
    await waitFor(() => missing.ended && missing.status, "404");
    assert.equal(missing.status, 404);

    // Before any room: the league's waiting board (teams, nothing picked), id 0.
    const stream = open(`${path}?access_token=${ann.token}`);
    await waitFor(() => stream.events.length > 0, "the first board");
    assert.equal(stream.events[0].event, "board");
    assert.equal(stream.events[0].id, "0");
    const waiting = stream.events[0].data as DraftBoard;
    assert.equal(waiting.status, "waiting");
    assert.deepEqual(waiting.teams.map((t) => t.teamId), league.teams.map((t) => t.teamId));
    assert.deepEqual(waiting.picks, []);

    // The commissioner runs the draft; nobody else connects, so the 1 s clock autopicks. The commissioner pauses after the first pick.
    const c = await joinDraft(server, comm, league.id);
    seats.push(c);
    c.send("start", {});
    await waitFor(() => c.room.state.picks.length >= 1, "the first pick", 10_000);
    c.send("pause", {});
    await waitFor(() => stream.events.some((e) => e.event === "draft.clock" && (e.data as DraftClock).status === "paused"), "a paused clock event");
    c.send("resume", {});
    await waitFor(() => c.room.state.rostersSaved, "the draft to complete", 15_000);
    await draftControls(c.room.roomId).flushSnapshots();
    await waitFor(() => stream.events.some((e) => e.event === "draft.complete"), "draft.complete on the stream");

    const feed = stream.events.slice(1);
    const ids = feed.map((e) => Number(e.id));
    assert.ok(ids.every((id, i) => i === 0 || id === ids[i - 1] + 1), `consecutive seqs: ${ids}`);
    const picked = feed.filter((e) => e.event === "draft.picked").map((e) => e.data as DraftPickMessage);
    const roomPicks = [...c.room.state.picks].map((p) => `${p.number}:${p.teamId}:${p.playerId}`);
    assert.deepEqual(picked.map((p) => `${p.number}:${p.teamId}:${p.playerId}`), roomPicks, "every pick, in order");
    const clocks = feed.filter((e) => e.event === "draft.clock").map((e) => e.data as DraftClock);
    assert.equal(clocks[0].status, "running");
    assert.equal(clocks[0].pickNumber, 1);
    assert.equal(typeof clocks[0].endsAt, "number");
    const paused = clocks.find((k) => k.status === "paused")!;
    assert.equal(paused.endsAt, null);
    assert.equal(paused.pickNumber, 2);
    const resumed = clocks[clocks.indexOf(paused) + 1];
    assert.equal(resumed.status, "running");
    assert.equal(resumed.pickNumber, 2);
    assert.equal(clocks.map((k) => `${k.status}:${k.pickNumber}`).join(","), "running:1,running:2,paused:2,running:2,running:3,running:4,complete:0", "a clock event per pick on the clock, pause and resume, never per tick");
    assert.equal(clocks.at(-1)!.status, "complete");

    // The start drew the order: one draft.order event with the order and every slot, before the first clock event.
    const orders = feed.filter((e) => e.event === "draft.order");
    assert.equal(orders.length, 1);
    assert.deepEqual([...(orders[0].data as DraftBoard).order].sort(), league.teams.map((t) => t.teamId).sort());
    assert.equal((orders[0].data as DraftBoard).slots.length, 4);
    assert.ok(feed.indexOf(orders[0]) < feed.findIndex((e) => e.event === "draft.clock"));

    const board = replay(stream.events)!;
    assert.deepEqual(board.slots, (orders[0].data as DraftBoard).slots);
    assert.equal(board.status, "complete");
    assert.deepEqual(board.picks.map((p) => `${p.number}:${p.teamId}:${p.playerId}`), roomPicks);

    // Resume after the third feed event: exactly the rest, same ids, no board.
    const cut = feed[2].id!;
    const again = open(path, { authorization: `Bearer ${bob.token}`, "last-event-id": cut });
    await waitFor(() => again.events.length >= feed.length - 3, "the replayed gap");
    assert.deepEqual(again.events.map((e) => `${e.id}:${e.event}`), feed.slice(3).map((e) => `${e.id}:${e.event}`));

    // A fresh stream after the draft: the stored board as of the last seq, with every pick.
    const late = open(path, { authorization: `Bearer ${comm.token}` });
    await waitFor(() => late.events.length > 0, "the stored board");
    assert.equal(late.events[0].event, "board");
    assert.equal(late.events[0].id, feed.at(-1)!.id);
    assert.deepEqual((late.events[0].data as DraftBoard).picks.map((p) => `${p.number}:${p.teamId}:${p.playerId}`), roomPicks);
    assert.equal((late.events[0].data as DraftBoard).slots.length, 4);

    // A seq this feed never reached (another feed's): a fresh board, not silence.
    const future = open(path, { authorization: `Bearer ${ann.token}`, "last-event-id": "999999" });
    await waitFor(() => future.events.length > 0, "a board for an unknown seq");
    assert.equal(future.events[0].event, "board");
  });
});
