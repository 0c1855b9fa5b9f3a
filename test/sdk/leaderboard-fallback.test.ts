import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  createClient,
  TransportPolicy,
  type LeaderboardStreamMessage,
  type LeaderboardSubscription,
  type LeaderboardTransportChange,
  type StateChange,
} from "../../client-sdk/index.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

describe("sdk: the leaderboard transport policy (pure)", () => {
  const options = { mode: "auto" as const, fallbackAfterFailures: 3, upgradeAfterPolls: 20, upgradeAfterMs: 1000, maxUpgradeAfterMs: 3500 };

  it("falls back after N network failures in a row; an opened stream resets the count", () => {
    const policy = new TransportPolicy(options);
    assert.equal(policy.transport, "sse");
    assert.equal(policy.sseFailed("network"), "retry");
    assert.equal(policy.sseFailed("network"), "retry");
    policy.sseOpened();
    assert.equal(policy.sseFailed("network"), "retry");
    assert.equal(policy.sseFailed("network"), "retry");
    assert.equal(policy.sseFailed("network"), "fallback");
    policy.fellBack();
    assert.equal(policy.transport, "long-poll");
  });

  it("falls back at once when SSE is buffered (no bytes by the deadline) or blocked (a proxy's status or content type)", () => {
    for (const failure of ["buffered", "blocked"] as const) {
      assert.equal(new TransportPolicy(options).sseFailed(failure), "fallback", failure);
    }
  });

  it("tries SSE again after the polls or the time; a failed try falls back at once and doubles the wait, up to the cap; a success resets it", () => {
    const policy = new TransportPolicy(options);
    policy.sseFailed("blocked");
    policy.fellBack();
    assert.equal(policy.shouldUpgrade(19, 999), false);
    assert.equal(policy.shouldUpgrade(20, 0), true);
    assert.equal(policy.shouldUpgrade(0, 1000), true);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      policy.upgraded();
      assert.equal(policy.transport, "sse");
      assert.equal(policy.sseFailed("network"), "fallback", "a probe gets one chance");
      policy.fellBack();
      waits.push(policy.upgradeAfterMs);
    }
    assert.deepEqual(waits, [2000, 3500, 3500]);
    policy.upgraded();
    policy.sseOpened();
    assert.equal(policy.upgradeAfterMs, 1000);
  });

  it("a pinned transport never switches", () => {
    const sse = new TransportPolicy({ ...options, mode: "sse" });
    for (let i = 0; i < 10; i++) assert.equal(sse.sseFailed("buffered"), "retry");
    assert.equal(new TransportPolicy({ ...options, mode: "long-poll" }).shouldUpgrade(1000, 1e9), false);
    assert.throws(() => new TransportPolicy({ ...options, fallbackAfterFailures: 0 }), RangeError);
  });
});

/** A proxy in front of the server whose `/stream` requests can be refused at the socket (as a CORS refusal looks to fetch) or passed on. */
async function streamGate(target: string) {
  const gate = { blocked: true, streamRequests: 0 };
  const upstreams = new Set<http.ClientRequest>();
  const server = http.createServer((req, res) => {
    if (req.url?.includes("/stream")) {
      gate.streamRequests++;
      if (gate.blocked) return void req.socket.destroy();
    }
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstreams.add(upstream);
    upstream.on("close", () => upstreams.delete(upstream));
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    gate,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const upstream of upstreams) upstream.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("sdk: a subscription whose stream keeps failing falls back to long polling, and returns to SSE", function () {
  this.timeout(60_000);
  const boardId = "fallback-board";

  const record = async (ownerId: string, score: number) => {
    const response = await fetch(`${server.httpUrl}/v1/admin/leaderboards/${boardId}/records`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify({ records: [{ ownerId, name: ownerId, score }] }),
    });
    const text = await response.text();
    assert.equal(response.status, 200, text);
    return (JSON.parse(text) as { version: number }).version;
  };

  const server = useTestServer({ env: { STREAM_HEARTBEAT_MS: "1000" } });
  before(async () => {
    const created = await fetch(`${server.httpUrl}/v1/admin/leaderboards`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify({ id: boardId, title: "Fallback" }),
    });
    assert.equal(created.status, 201);
  });

  it("after 3 failed streams in a row it long-polls the same cursor, then upgrades back, with no gap and no duplicate", async () => {
    const front = await streamGate(server.httpUrl);
    const messages: LeaderboardStreamMessage[] = [];
    const transports: LeaderboardTransportChange[] = [];
    const states: StateChange[] = [];
    let sub: LeaderboardSubscription | undefined;
    try {
      const client = createClient({ url: front.url, backoff: { minMs: 20, maxMs: 100 }, network: null });
      sub = client.leaderboards.subscribe(boardId, { top: 10, pollWaitSeconds: 1, upgradeAfterPolls: 1000, upgradeAfterMs: 2500, heartbeatMs: 1000 }, (message) => messages.push(message));
      sub.on("transport", (change) => transports.push(change));
      sub.on("state", (change) => states.push(change));

      await waitFor(() => sub!.state === "open", "open", 15_000);
      assert.equal(sub.transport, "long-poll");
      assert.equal(front.gate.streamRequests, 3, "three stream attempts, then the fallback");
      assert.deepEqual(transports.map((t) => [t.from, t.to, t.reason, t.error?.code]), [["sse", "long-poll", "fallback", "NETWORK_ERROR"]]);
      assert.equal(states.find((s) => s.to === "open")?.transport, "long-poll");

      let last = 0;
      for (let i = 0; i < 3; i++) last = await record(`p_poll_${i}`, 10 + i);
      await waitFor(() => sub!.table?.version === last, "every change over long polling", 15_000);

      // The network lets streams through again: the next try (after upgradeAfterMs) stays on SSE.
      front.gate.blocked = false;
      await waitFor(() => transports.some((t) => t.reason === "upgrade") && sub!.state === "open" && sub!.transport === "sse", "back on SSE", 20_000);
      for (let i = 0; i < 3; i++) last = await record(`p_sse_${i}`, 20 + i);
      await waitFor(() => sub!.table?.version === last, "every change over SSE again", 15_000);

      // One unbroken chain of versions across both switches: no gap, no duplicate.
      const versions = messages.map((m) => m.data.version);
      assert.deepEqual(versions, [...new Set(versions)].sort((a, b) => a - b), `versions ${versions.join(",")}`);
      for (const message of messages.slice(1)) if (message.event === "delta") assert.equal(message.data.prevVersion, messages[messages.indexOf(message) - 1]!.data.version);
      assert.deepEqual(
        sub.table!.rows.map((r) => r.ownerId),
        ["p_sse_2", "p_sse_1", "p_sse_0", "p_poll_2", "p_poll_1", "p_poll_0"],
      );
    } finally {
      sub?.close();
      await front.close();
    }
  });
});
