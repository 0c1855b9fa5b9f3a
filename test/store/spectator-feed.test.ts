import assert from "node:assert/strict";
import { createStores, type Stores } from "../../store/index.ts";
import type { SpectateStateEvent } from "../../shared/index.ts";
import { waitFor } from "../helpers/wait.ts";
import { deleteKeys, IMPLEMENTATIONS, REDIS_URL, silentLogger, storeFixture, uniquePrefix } from "../helpers/store-harness.ts";

const frame = (matchId: string, seq: number): SpectateStateEvent => ({ matchId, seq, ts: Date.now(), state: { seq } });

/**
 * The spectator feed tells rooms whether anyone watches a match, so a room
 * builds its 5 Hz JSON frame only for watched matches: in memory from the
 * local listeners, across processes from Redis's subscriber count.
 */
describe("spectator feed: frames only for watched matches", () => {
  it("memory: watched exactly while a listener is subscribed, and delivers to it", async () => {
    const stores = await createStores({ logger: silentLogger, referenceBoards: false });
    try {
      const feed = stores.spectators;
      assert.equal(feed.isWatched("m_a"), false);
      const got: number[] = [];
      const off = feed.subscribe("m_a", (f) => got.push(f.seq));
      assert.equal(feed.isWatched("m_a"), true);
      assert.equal(feed.isWatched("m_b"), false, "another match stays unwatched");
      feed.publish(frame("m_a", 1));
      assert.deepEqual(got, [1]);
      off();
      assert.equal(feed.isWatched("m_a"), false);
    } finally {
      await stores.close({ graceMs: 0 });
    }
  });

  it("redis: a viewer on another process makes the match watched there; frames cross; it stops when the viewer leaves", async () => {
    const prefix = uniquePrefix("spectate");
    const open = () => createStores({ redisUrl: REDIS_URL, keyPrefix: prefix, logger: silentLogger, referenceBoards: false });
    const stores: Stores[] = [];
    try {
      stores.push(await open(), await open());
      const [room, api] = stores.map((s) => s.spectators);
      const matchId = "m_watchtest";
      // Unknown at first (publish), then Redis says nobody listens.
      await waitFor(() => room!.isWatched(matchId) === false, "the room's process to learn nobody watches", 5_000);
      const got: number[] = [];
      const off = api!.subscribe(matchId, (f) => got.push(f.seq));
      await waitFor(() => room!.isWatched(matchId), "the room's process to see the viewer on the other process", 5_000);
      let seq = 0;
      await waitFor(
        () => {
          room!.publish(frame(matchId, ++seq));
          return got.length > 0;
        },
        "a frame to reach the viewer",
        5_000,
        100,
      );
      off();
      await waitFor(() => room!.isWatched(matchId) === false, "the match to be unwatched once the viewer left", 5_000);
    } finally {
      await Promise.all(stores.map((s) => s.close({ graceMs: 0 })));
      await deleteKeys(prefix);
    }
  });
});

for (const impl of IMPLEMENTATIONS) {
  describe(`spectator feed conformance (${impl.name})`, () => {
    const fixture = storeFixture(impl, "spectate-conf");
    let stores: Stores;
    before(async () => {
      stores = await fixture.open({ referenceBoards: false });
    });
    after(() => fixture.closeAll());

    it("a match is watched while a viewer listens, the viewer gets its frames (and only its match's), and it is unwatched after", async () => {
      const feed = stores.spectators;
      const matchId = `m_conf${impl.name}`;
      await waitFor(() => feed.isWatched(matchId) === false, "nobody to watch the match at first", 5_000);
      const got: number[] = [];
      const off = feed.subscribe(matchId, (f) => {
        assert.equal(f.matchId, matchId);
        got.push(f.seq);
      });
      assert.equal(feed.isWatched(matchId), true, "a local viewer makes the match watched at once");
      let seq = 0;
      await waitFor(
        () => {
          feed.publish(frame(`${matchId}other`, ++seq));
          feed.publish(frame(matchId, ++seq));
          return got.length > 0;
        },
        "a frame to reach the viewer",
        5_000,
        100,
      );
      assert.ok(got.every((n) => n % 2 === 0), "frames of another match never reach this viewer");
      off();
      await waitFor(() => feed.isWatched(matchId) === false, "the match to be unwatched once the viewer left", 5_000);
    });
  });
}

