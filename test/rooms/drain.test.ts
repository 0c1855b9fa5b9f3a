import assert from "node:assert/strict";
import { createClient, type StateChange } from "../../client-sdk/index.ts";
import { CloseCodes, closeActionFor, type ServerDrainingMessage } from "../../shared/index.ts";
import { startTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * SIGTERM drain, room side (docs/operations.md "Draining"): a room with nothing to finish closes
 * at once with 4106 DRAINING (a `rejoin` code), a match that can end inside
 * the grace window plays to its end (its result is recorded, the close is
 * the usual 4107 ROOM_CLOSED) after a `server.draining` notice, and a match
 * that cannot end in time closes with DRAINING without waiting.
 */
describe("rooms during a drain", () => {
  const fastBackoff = { minMs: 20, maxMs: 50 };

  async function playingPair(url: string, matchSeconds: number) {
    const host = createClient({ url, backoff: fastBackoff });
    const guest = createClient({ url, backoff: fastBackoff });
    await Promise.all([host.auth.signInAsGuest("Host"), guest.auth.signInAsGuest("Guest")]);
    const game = await host.rooms.game.create({ teamSize: 1, matchSeconds, countdownSeconds: 0, kickoffPauseSeconds: 0, postMatchSeconds: 0.2 });
    const other = await guest.rooms.game.joinById(game.roomId!);
    await waitFor(() => game.state?.phase === "playing", "the match to kick off", 10_000);
    return { game, other };
  }

  /** The first move out of `open`: the close code the server used. */
  const firstClose = (room: { on(event: "state", listener: (change: StateChange) => void): () => void }) =>
    new Promise<StateChange>((resolve) => {
      const off = room.on("state", (change) => {
        if (change.from === "open") {
          off();
          resolve(change);
        }
      });
    });

  it("a waiting room closes at once with 4106 DRAINING, which the SDK treats as rejoin", async () => {
    const server = await startTestServer({ env: { SHUTDOWN_GRACE_MS: "20000" } });
    const client = createClient({ url: server.httpUrl, backoff: fastBackoff });
    await client.auth.signInAsGuest("Waiter");
    const game = await client.rooms.game.create({ teamSize: 2 });
    const closed = firstClose(game);
    const draining: ServerDrainingMessage[] = [];
    game.on("draining", (message) => draining.push(message));
    const closing = server.close({ graceMs: 20_000 });
    const change = await closed;
    assert.equal(change.closeCode, CloseCodes.DRAINING.code);
    assert.equal(closeActionFor(change.closeCode!), "rejoin");
    assert.equal(change.to, "reconnecting", "the SDK goes looking for another process");
    assert.deepEqual(draining, [], "nothing to finish: no draining notice");
    await game.leave();
    await closing;
  });

  it("a match that can end inside the grace window plays on, records its result and closes as finished", async () => {
    const server = await startTestServer({ env: { SHUTDOWN_GRACE_MS: "15000" } });
    const { game, other } = await playingPair(server.httpUrl, 2);
    const draining: ServerDrainingMessage[] = [];
    game.on("draining", (message) => draining.push(message));
    const finished = new Promise<string>((resolve) => game.onMessage("match.finished", (message) => resolve(message.result.matchId)));
    const closed = firstClose(game);
    const closing = server.close({ graceMs: 15_000 });
    await waitFor(() => draining.length > 0, "the server.draining notice", 5_000);
    assert.equal(draining[0]!.closeCode, CloseCodes.DRAINING.code);
    assert.ok(draining[0]!.closesAt > Date.now(), "closesAt is in the future");
    assert.equal(await finished, game.state!.matchId, "the match ran to its end while the process drained");
    const change = await closed;
    assert.equal(change.closeCode, CloseCodes.ROOM_CLOSED.code, "closed as a finished match (4107 is sent only once the result is recorded)");
    await game.leave();
    await other.leave();
    await closing;
  });

  it("a match that cannot end inside the grace window closes with DRAINING without a notice", async () => {
    const server = await startTestServer({ env: { SHUTDOWN_GRACE_MS: "1000" } });
    const { game, other } = await playingPair(server.httpUrl, 120);
    const draining: ServerDrainingMessage[] = [];
    game.on("draining", (message) => draining.push(message));
    const closed = firstClose(game);
    const closing = server.close({ graceMs: 1000 });
    const change = await closed;
    assert.equal(change.closeCode, CloseCodes.DRAINING.code);
    assert.equal(game.state!.phase, "playing", "cut mid-match");
    assert.deepEqual(draining, []);
    await game.leave();
    await other.leave();
    await closing;
  });
});
