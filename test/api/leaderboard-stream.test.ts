import assert from "node:assert/strict";
import { applyLeaderboardEvent, type LeaderboardStreamMessage, type LeaderboardTable } from "../../shared/index.ts";
import type { LeaderboardPage } from "../../shared/leaderboards.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { startTestServer, TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

async function admin(server: TestServer, path: string, body: unknown) {
  const response = await fetch(`${server.httpUrl}/v1/admin${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<any>;
}

async function createBoard(server: TestServer, id: string, operator = "set") {
  await admin(server, "/leaderboards", { id, operator });
}

async function submit(server: TestServer, board: string, records: { ownerId: string; score: number }[]) {
  return admin(server, `/leaderboards/${board}/records`, { records: records.map((r) => ({ ...r, name: r.ownerId })) });
}

async function top(server: TestServer, board: string, limit: number): Promise<LeaderboardPage> {
  return (await fetch(`${server.httpUrl}/v1/leaderboards/${board}?limit=${limit}`)).json() as Promise<LeaderboardPage>;
}

const view = (rows: { rank: number; ownerId: string; score: number }[] | undefined) => rows?.map((r) => `${r.rank}:${r.ownerId}:${r.score}`).join(",") ?? "";

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(name) && !line.startsWith("#"))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

describe("leaderboard streams over SSE", () => {
  const server = useTestServer({ env: { STREAM_HEARTBEAT_MS: "100", STREAMS_PER_CLIENT: "4", STREAM_WRITE_DEADLINE_MS: "500" } });

  it("speaks the SSE wire format: headers, retry + comment at once, a snapshot with an epoch:version id, heartbeats", async () => {
    await createBoard(server, "wire");
    const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/wire/stream?top=3`);
    try {
      await waitFor(() => client.events.length >= 1, "the first snapshot");
      const headers = client.response!.headers;
      assert.equal(client.status, 200);
      assert.equal(headers["content-type"], "text/event-stream; charset=utf-8");
      assert.equal(headers["cache-control"], "no-cache, no-store");
      assert.equal(headers["x-accel-buffering"], "no");
      assert.equal(headers["content-encoding"], undefined);
      assert.ok(client.retry! >= 1000 && client.retry! <= 3000, "a jittered retry hint");
      assert.equal(client.comments[0], "stream open");
      assert.equal(client.events[0].event, "snapshot");
      assert.match(client.events[0].id!, /^[A-Za-z0-9_-]+:\d+$/);
      await submit(server, "wire", [{ ownerId: "a", score: 5 }]);
      await waitFor(() => client.events.length >= 2, "an update");
      await waitFor(() => client.comments.filter((c) => c === "heartbeat").length >= 2, "heartbeats at the configured interval");
    } finally {
      client.destroy();
    }
  });

  it("a delta on the wire is ops: a row overtaking four others is one move and one update, a newcomer one remove and one insert; /changes answers the same", async () => {
    await createBoard(server, "moves");
    await submit(server, "moves", [60, 50, 40, 30, 20, 10].map((score, i) => ({ ownerId: `o${i + 1}`, score })));
    const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/moves/stream?top=5`);
    try {
      await waitFor(() => client.events.length >= 1, "the first snapshot");
      const snapshot = client.events[0]!;
      assert.equal(snapshot.event, "snapshot");
      assert.deepEqual(snapshot.data.rows.map((r: { ownerId: string }) => r.ownerId), ["o1", "o2", "o3", "o4", "o5"]);
      const epoch = snapshot.id!.split(":")[0];

      const moved = (await submit(server, "moves", [{ ownerId: "o5", score: 100 }])).changed[0];
      await waitFor(() => client.events.length >= 2, "the move");
      const move = client.events[1]!;
      assert.equal(move.event, "delta");
      assert.deepEqual(move.data, {
        prevVersion: snapshot.data.version,
        version: snapshot.data.version + 1,
        ops: [
          ["move", 5, 1],
          ["update", 1, { score: 100, numScore: 2, updatedAt: moved.updatedAt }],
        ],
        total: 6,
        ts: move.data.ts,
      });
      assert.equal(move.id, `${epoch}:${move.data.version}`, "the id carries the snapshot's epoch");

      const entered = (await submit(server, "moves", [{ ownerId: "o6", score: 200 }])).changed[0];
      await waitFor(() => client.events.length >= 3, "the newcomer");
      const { rank: _rank, ...row } = entered;
      assert.deepEqual(client.events[2]!.data.ops, [
        ["remove", 5],
        ["insert", 1, row],
      ]);

      let table: LeaderboardTable | undefined;
      for (const event of client.events) table = applyLeaderboardEvent(table, event as LeaderboardStreamMessage);
      assert.equal(view(table?.rows), view((await top(server, "moves", 5)).records));

      const changes = await (await fetch(`${server.httpUrl}/v1/leaderboards/moves/changes?top=5&after=${snapshot.id}`)).json();
      assert.deepEqual(changes.events, client.events.slice(1).map(({ event, id, data }) => ({ event, id, data })), "the long-poll twin replays the same deltas");
    } finally {
      client.destroy();
    }
  });

  it("resume: hundreds of forced disconnects while scores change; the rebuilt table equals the server's at every version, with no gap and no duplicate", async function () {
    this.timeout(60_000);
    await createBoard(server, "resume", "set");
    const TOP = 5;
    const truth = new Map<string, string>();
    const recordTruth = async () => {
      const page = await top(server, "resume", TOP);
      truth.set(`${page.epoch}:${page.version}`, view(page.records));
    };
    await recordTruth();
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      // Scores change (set operator: rows can fall out of the top N too) while the reader reconnects.
      while (writing) {
        await submit(server, "resume", [{ ownerId: `o${Math.floor(Math.random() * 12)}`, score: Math.floor(Math.random() * 100) }]);
        await recordTruth();
        writes++;
      }
    })();
    let table: LeaderboardTable | undefined;
    let lastId: string | undefined;
    const seenIds = new Set<string>();
    /** (event id, the client's table after it): checked against the server's table at that version once writing stops. */
    const observed: [string, string][] = [];
    let disconnects = 0;
    try {
      for (; disconnects < 200; disconnects++) {
        const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/resume/stream?top=${TOP}`, lastId ? { "Last-Event-ID": lastId } : {});
        let consumed = 0;
        const consume = () => {
          for (; consumed < client.events.length; consumed++) {
            const event = client.events[consumed] as LeaderboardStreamMessage;
            assert.ok(!seenIds.has(`${event.event}@${event.id}`) || event.event === "snapshot", `duplicate event ${event.id}`);
            seenIds.add(`${event.event}@${event.id}`);
            table = applyLeaderboardEvent(table, event); // throws on a gap
            lastId = event.id;
            observed.push([event.id!, view(table!.rows)]);
          }
        };
        // Cut the connection at a random point: right away, after some bytes, or after some events.
        const cutAfter = Math.floor(Math.random() * 4);
        await waitFor(() => client.ended || client.events.length >= cutAfter || client.comments.length > 1, "some traffic", 5000, 2).catch(() => undefined);
        consume();
        client.destroy();
        consume();
      }
    } finally {
      writing = false;
      await writer;
    }
    // One last resume, then the table equals the server's.
    const final = new RawSseClient(`${server.httpUrl}/v1/leaderboards/resume/stream?top=${TOP}`, { "Last-Event-ID": lastId! });
    const page = await top(server, "resume", TOP);
    await waitFor(() => {
      for (const event of final.events.splice(0)) {
        table = applyLeaderboardEvent(table, event as LeaderboardStreamMessage);
        lastId = event.id;
      }
      return lastId === `${page.epoch}:${page.version}` || view(table?.rows) === view(page.records);
    }, "the final state");
    final.destroy();
    assert.equal(view(table!.rows), view(page.records));
    for (const [id, seen] of observed) {
      assert.ok(truth.has(id), `the server never had version ${id}`);
      assert.equal(seen, truth.get(id), `the client's table at ${id}`);
    }
    assert.ok(observed.length > 50, `events checked: ${observed.length}`);
    assert.ok(writes > 20, `scores changed during the run (${writes} writes)`);
    assert.equal(disconnects, 200);
    const resumes = await metric(server, 'sse_resumes_total{outcome="replayed"}');
    assert.ok(resumes > 0, "some resumes were replayed from history rather than snapshotted");
  });

  it("a subscriber that stops reading is conflated, then dropped after the write deadline, while a fast one keeps up", async function () {
    this.timeout(60_000);
    await createBoard(server, "slow", "set");
    const owners = Array.from({ length: 100 }, (_, i) => `owner-with-a-long-name-${i}`);
    const slow = new RawSseClient(`${server.httpUrl}/v1/leaderboards/slow/stream?top=100`);
    const fast = new RawSseClient(`${server.httpUrl}/v1/leaderboards/slow/stream?top=100`);
    try {
      await waitFor(() => slow.events.length === 1 && fast.events.length === 1, "both subscribed");
      slow.pause();
      let table: LeaderboardTable | undefined;
      let round = 0;
      // Every round changes all 100 visible rows: large deltas fill the paused socket.
      while ((await metric(server, "sse_slow_subscribers_dropped_total")) === 0) {
        assert.ok(round < 2000, "the slow subscriber was never dropped");
        await submit(server, "slow", owners.map((ownerId, i) => ({ ownerId, score: ((round * 37 + i * 11) % 1000) + round })));
        round++;
      }
      assert.ok((await metric(server, "sse_conflated_updates_total")) > 0, "updates for the congested subscriber were conflated, not queued");
      const page = await top(server, "slow", 100);
      await waitFor(() => fast.lastEventId === `${page.epoch}:${page.version}`, "the fast subscriber to be current", 10_000);
      for (const event of fast.events) table = applyLeaderboardEvent(table, event as LeaderboardStreamMessage);
      assert.equal(view(table!.rows), view(page.records));
    } finally {
      slow.destroy();
      fast.destroy();
    }
  });

  it("answers 400 for a bad cursor or query, 404 for an unknown board, 401 for a bad token, 429 past the per-client cap", async () => {
    await createBoard(server, "errors");
    const status = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${server.httpUrl}${path}`, { headers });
      const body = (await response.json()) as { error: { code: string } };
      return [response.status, body.error.code, response.headers.get("retry-after")];
    };
    assert.deepEqual(await status("/v1/leaderboards/errors/stream", { "Last-Event-ID": "garbage" }), [400, "BAD_CURSOR", null]);
    assert.deepEqual(await status("/v1/leaderboards/errors/stream?top=1000"), [400, "VALIDATION_FAILED", null]);
    assert.deepEqual(await status("/v1/leaderboards/nope/stream"), [404, "NOT_FOUND", null]);
    assert.deepEqual(await status("/v1/leaderboards/errors/stream?access_token=forged.token.value"), [401, "TOKEN_INVALID", null]);
    const open = Array.from({ length: 4 }, () => new RawSseClient(`${server.httpUrl}/v1/leaderboards/errors/stream`));
    try {
      await waitFor(() => open.every((c) => c.events.length === 1), "four streams open");
      assert.deepEqual(await status("/v1/leaderboards/errors/stream"), [429, "TOO_MANY_STREAMS", "5"]);
    } finally {
      open.forEach((c) => c.destroy());
    }
  });

  it("on drain, open streams end cleanly and new ones get 503 DRAINING with Retry-After", async () => {
    await createBoard(server, "drain");
    const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/drain/stream`);
    await waitFor(() => client.events.length === 1, "subscribed");
    const closing = server.close({ drainDelayMs: 300, graceMs: 1000 });
    // During the drain delay the server still answers, but takes no new stream.
    const response = await fetch(`${server.httpUrl}/v1/leaderboards/drain/stream`);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("retry-after"), "2");
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, "DRAINING");
    await waitFor(() => client.ended, "the stream ended by the drain");
    assert.equal(client.response!.complete, true, "ended cleanly, not cut");
    await closing; // after() closes it again: a no-op
  });
});

describe("leaderboard stream lifetime", () => {
  it("ends streams at their lifetime so clients re-authenticate, and never past the token's expiry", async () => {
    const short = await startTestServer({ env: { STREAM_LIFETIME_MS: "1000", TOKEN_TTL_SECONDS: "2" } });
    try {
      await createBoard(short, "life");
      const rotating = new RawSseClient(`${short.httpUrl}/v1/leaderboards/life/stream`);
      await waitFor(() => rotating.ended, "the stream to end at its lifetime", 5000);
      assert.equal(rotating.status, 200);
      const { token } = await short.guestToken();
      const withToken = new RawSseClient(`${short.httpUrl}/v1/leaderboards/life/stream?access_token=${token}`);
      await waitFor(() => withToken.events.length === 1, "snapshot");
      await waitFor(() => withToken.ended, "the stream to end by the token's expiry", 5000);
      const closes = await metric(short, 'sse_stream_closes_total{reason="lifetime"}');
      assert.equal(closes, 2);
    } finally {
      await short.close();
    }
  });

});
