import assert from "node:assert/strict";
import { createClient } from "../../client-sdk/index.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { followFeed } from "../helpers/feed-follower.ts";

/**
 * The server-side latency histograms on /metrics (docs/operations.md
 * "Metrics"): a real input, board change and result through the real server
 * and SDK each add observations. Structure only, never a timing.
 */
describe("server-side latency histograms", () => {
  const server = useTestServer();

  const scrape = async (): Promise<string> => (await fetch(`${server.httpUrl}/metrics`)).text();
  const count = (text: string, name: string): number => {
    const match = new RegExp(`^${name}_count (\\d+)$`, "m").exec(text);
    assert.ok(match, `${name}_count on /metrics`);
    return Number(match[1]);
  };
  const admin = (path: string, body: unknown) =>
    fetch(`${server.httpUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY }, body: JSON.stringify(body) });

  it("are Prometheus histograms with buckets from 1 ms to 5 s", async () => {
    const text = await scrape();
    for (const name of ["room_input_to_patch_seconds", "sse_change_to_write_seconds", "longpoll_result_to_answer_seconds"]) {
      assert.match(text, new RegExp(`^# TYPE ${name} histogram$`, "m"));
      assert.match(text, new RegExp(`^${name}_bucket\\{le="0.001"\\} \\d+$`, "m"));
      assert.match(text, new RegExp(`^${name}_bucket\\{le="5"\\} \\d+$`, "m"));
      assert.match(text, new RegExp(`^${name}_bucket\\{le="\\+Inf"\\} \\d+$`, "m"));
      assert.match(text, new RegExp(`^${name}_sum [0-9.e+-]+$`, "m"));
      count(text, name);
    }
  });

  it("room_input_to_patch_seconds counts an input once the patch carrying it is written", async () => {
    const host = createClient({ url: server.httpUrl });
    const guest = createClient({ url: server.httpUrl });
    await Promise.all([host.auth.signInAsGuest("Host"), guest.auth.signInAsGuest("Guest")]);
    const game = await host.rooms.game.create({ teamSize: 1, countdownSeconds: 0, kickoffPauseSeconds: 0 });
    const other = await guest.rooms.game.joinById(game.roomId!);
    try {
      await waitFor(() => game.state?.phase === "playing", "the match to kick off", 10_000);
      const before = count(await scrape(), "room_input_to_patch_seconds");
      game.send("input", { seq: 1, dir: { x: 1, y: 0 }, kick: false });
      game.send("input", { seq: 2, dir: { x: 0, y: 1 }, kick: false });
      await waitFor(() => game.state?.players.get(game.sessionId!)?.lastProcessedInputSeq === 2, "the inputs applied and patched");
      const after = count(await scrape(), "room_input_to_patch_seconds");
      assert.ok(after >= before + 2, `two inputs observed (${before} → ${after})`);
      // The buckets are cumulative and end at the count.
      const text = await scrape();
      assert.match(text, new RegExp(`^room_input_to_patch_seconds_bucket\\{le="\\+Inf"\\} ${count(text, "room_input_to_patch_seconds")}$`, "m"));
    } finally {
      await Promise.all([game.leave(), other.leave()]);
    }
  });

  it("sse_change_to_write_seconds counts each subscriber written a change's event", async () => {
    assert.equal((await admin("/v1/admin/leaderboards", { id: "latency-board", title: "Latency" })).status, 201);
    const subscribers = [createClient({ url: server.httpUrl }), createClient({ url: server.httpUrl })].map((client) => {
      const seen: unknown[] = [];
      const sub = client.leaderboards.subscribe("latency-board", { top: 10, transport: "sse" }, (message) => seen.push(message));
      return { sub, seen };
    });
    try {
      await waitFor(() => subscribers.every((s) => s.sub.state === "open" && s.seen.length > 0), "both streams open with their snapshot", 10_000);
      const before = count(await scrape(), "sse_change_to_write_seconds");
      const response = await admin("/v1/admin/leaderboards/latency-board/records", { records: [{ ownerId: "p_latency00001", name: "Lat", score: 7 }] });
      assert.ok(response.ok, `records: ${response.status}`);
      await waitFor(() => subscribers.every((s) => s.seen.length > 1), "both subscribers got the change", 10_000);
      const after = count(await scrape(), "sse_change_to_write_seconds");
      assert.ok(after >= before + 2, `one observation per subscriber written (${before} → ${after})`);
    } finally {
      for (const { sub } of subscribers) sub.close();
    }
  });

  it("longpoll_result_to_answer_seconds counts each parked poll a recorded result answers", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Follower");
    const stop = new AbortController();
    const follower = followFeed(client.matches.feed({ wait: 20, signal: stop.signal }));
    try {
      await waitFor(() => follower.feed.cursor !== undefined, "the feed to hold the head cursor", 10_000);
      await waitFor(async () => /^longpoll_pending 1$/m.test(await scrape()), "the poll parked", 10_000);
      const before = count(await scrape(), "longpoll_result_to_answer_seconds");
      const result = makeResult();
      const response = await admin("/v1/admin/match-results", result);
      assert.ok(response.ok, `match-results: ${response.status}`);
      await waitFor(() => follower.got.some((r) => r.matchId === result.matchId), "the follower got the result", 10_000);
      const after = count(await scrape(), "longpoll_result_to_answer_seconds");
      assert.ok(after >= before + 1, `the woken poll observed (${before} → ${after})`);
    } finally {
      stop.abort();
      await follower.done;
    }
  });
});
