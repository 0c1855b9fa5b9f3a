import assert from "node:assert/strict";
import { startArenaBot, type ArenaBot } from "../../loadtest/bots/arena-bot.ts";
import type { GameRoomControls } from "../../rooms/game-room.ts";
import { MatchResultSchema, type MatchResult } from "../../shared/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { joinGame, leaveAll, serverRoom } from "../helpers/game-helpers.ts";

describe("bots play a full match on a real server", () => {
  const server = useTestServer();

  it("two teams of bots play, a spectator watches, the result lands once", async () => {
    const results = server.server.stores.results;
    const record = results.record.bind(results);
    const recorded: MatchResult[] = [];
    results.record = async (result: MatchResult, options) => {
      recorded.push(result);
      return record(result, options);
    };
    const bots: ArenaBot[] = [];
    let spectator: Awaited<ReturnType<typeof joinGame>> | undefined;
    try {
      const token = async (name: string) => (await server.guestToken(name)).token;
      bots.push(
        await startArenaBot({
          url: server.wsUrl,
          token: await token("Bot 1"),
          roomOptions: { teamSize: 2, matchSeconds: 4, countdownSeconds: 0.3, kickoffPauseSeconds: 0.3, postMatchSeconds: 10 },
          inputHz: 20,
          measureWire: true,
        }),
      );
      const roomId = bots[0]!.room.roomId;
      spectator = await joinGame(server, "Spectator", { roomId, options: { spectate: true } });
      for (const name of ["Bot 2", "Bot 3", "Bot 4"]) bots.push(await startArenaBot({ url: server.wsUrl, token: await token(name), roomId, inputHz: 20 }));

      const phases: string[] = [];
      spectator.room.onStateChange((state) => {
        if (phases.at(-1) !== state.phase) phases.push(state.phase);
      });
      const endings = await Promise.all(bots.map((bot) => bot.finished));
      await waitFor(() => spectator!.finished.length === 1, "the spectator saw the end");
      assert.deepEqual(phases.slice(-3), ["countdown", "playing", "finished"]);

      const { result } = endings[0]!;
      MatchResultSchema.parse(result);
      for (const ending of endings) assert.deepEqual(ending.result, result, "everyone got the same result");
      assert.deepEqual(spectator.finished[0]!.result, result);
      assert.equal(result.mode, "2v2");
      assert.equal(result.players.length, 4);
      const touches = result.players.reduce((n, p) => n + p.stats.touches, 0);
      assert.ok(touches > 0, "the bots played the ball");
      assert.ok(bots.every((bot) => bot.errors.length === 0), "bots send only valid messages");

      await waitFor(() => results.get(result.matchId), "stored");
      (serverRoom(roomId) as unknown as GameRoomControls).finishMatch(); // finished reached again
      assert.equal(recorded.length, 1, "recorded exactly once");
      assert.equal((await results.get(result.matchId))?.matchId, result.matchId);

      const wire = bots[0]!.wire;
      assert.ok(wire.patchFrames > 0 && wire.stateFrames === 1, "patches after one full state");
    } finally {
      results.record = record;
      await Promise.all(bots.map((bot) => bot.stop()));
      await leaveAll(spectator);
    }
  });
});
