import assert from "node:assert/strict";
import { startArenaBot, type ArenaBot } from "../../loadtest/bots/arena-bot.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

describe("spectating a live match over SSE", function () {
  this.timeout(30_000);
  const server = useTestServer({ env: { SPECTATE_RATE_HZ: "10" } });

  it("streams state frames at the spectate rate while the bots play, then the result, then ends", async () => {
    const bots: ArenaBot[] = [];
    try {
      bots.push(
        await startArenaBot({
          url: server.wsUrl,
          token: (await server.guestToken("Bot A")).token,
          roomOptions: { teamSize: 1, matchSeconds: 2, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, postMatchSeconds: 5 },
          inputHz: 20,
        }),
      );
      const matchId = await waitFor(() => bots[0].room.state.matchId, "the first state");
      assert.match(matchId, /^m_/);
      const viewer = new RawSseClient(`${server.httpUrl}/v1/matches/${matchId}/spectate`);
      await waitFor(() => viewer.events.some((e) => e.event === "state"), "a first frame (the room is waiting for players)");
      bots.push(await startArenaBot({ url: server.wsUrl, token: (await server.guestToken("Bot B")).token, roomId: bots[0].room.roomId, inputHz: 20 }));
      await waitFor(() => viewer.ended, "the stream to end after the match", 20_000);

      const frames = viewer.events.filter((e) => e.event === "state").map((e) => e.data);
      const finished = viewer.events.filter((e) => e.event === "finished");
      assert.equal(finished.length, 1, "one finished event");
      assert.equal(viewer.events.at(-1)!.event, "finished", "finished is last");
      assert.equal(finished[0].data.result.matchId, matchId);
      assert.ok(frames.length >= 10, `frames kept coming during the match (${frames.length})`);
      for (let i = 1; i < frames.length; i++) assert.ok(frames[i].seq > frames[i - 1].seq, "frames in order");
      const phases = [...new Set(frames.map((f) => f.state.phase))];
      assert.ok(phases.includes("playing"), `saw play (${phases.join(",")})`);
      assert.equal(Object.keys(frames.at(-1).state.players).length, 2);
      assert.equal(viewer.response!.complete, true, "the server ended the stream cleanly");

      // A finished match answers at once with its result and ends.
      const late = new RawSseClient(`${server.httpUrl}/v1/matches/${matchId}/spectate`);
      await waitFor(() => late.ended, "an immediate end");
      assert.deepEqual(late.events.map((e) => e.event), ["finished"]);
    } finally {
      await Promise.all(bots.map((bot) => bot.stop()));
    }
  });

  it("404 for a match that is neither running nor recorded, and for a malformed id", async () => {
    for (const id of ["m_neverexisted", "not-a-match"]) {
      const response = await fetch(`${server.httpUrl}/v1/matches/${id}/spectate`);
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "NOT_FOUND");
    }
  });
});
