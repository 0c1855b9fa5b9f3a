import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { StreamHub } from "../../api/leaderboard-streams/stream-hub.ts";
import type { TopState } from "../../api/leaderboard-streams/top-view.ts";
import { AppError, applyLeaderboardEvent, type ErrorBody, type LeaderboardStreamMessage, type LeaderboardTable } from "../../shared/index.ts";
import { RedisChild } from "../helpers/redis-child.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { startTestServer, TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * Leaderboard change views cannot be made expensive: a past period is
 * answered from a plain read (no publisher), one publisher per (board,
 * period) serves every `top`, the number of live publishers has a ceiling
 * (STREAM_PUBLISHERS_MAX, 503 SERVER_BUSY past it), invalid periods are 400,
 * and a failed first read is 503 and leaves nothing behind.
 */

async function call(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${server.httpUrl}${path}`, { headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body };
}

async function admin(server: TestServer, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const match = new RegExp(`^${name} (\\d+)$`, "m").exec(text);
  assert.ok(match, `${name} in /metrics`);
  return Number(match[1]);
}

const tableOf = (events: { event: string; id?: string; data: unknown }[]): LeaderboardTable | undefined => {
  let table: LeaderboardTable | undefined;
  for (const event of events) table = applyLeaderboardEvent(table, event as LeaderboardStreamMessage);
  return table;
};
const rowsOf = (table: { rows: { ownerId: string; rank: number; score: number }[] } | undefined) => table?.rows.map((r) => `${r.rank}:${r.ownerId}:${r.score}`).join(",");

describe("security: leaderboard change views are bounded", function () {
  this.timeout(30_000);

  describe("one server (STREAM_PUBLISHERS_MAX=3, LONG_POLL_MAX_WAIT_SECONDS=1)", () => {
    let previousWeek: string;
    // A linger longer than the suite: publishers leave only to make room, never by a timer mid-test.
    const server = useTestServer({ env: { STREAM_PUBLISHERS_MAX: "3", STREAM_PUBLISHER_LINGER_MS: "600000", LONG_POLL_MAX_WAIT_SECONDS: "1", STREAMS_PER_CLIENT: "50" } });
    before(async () => {
      previousWeek = (await call(server, "/v1/leaderboards/rating-weekly?period=previous")).body.period;
    });
    const open: RawSseClient[] = [];
    afterEach(() => open.splice(0).forEach((client) => client.destroy()));
    const stream = (path: string) => {
      const client = new RawSseClient(`${server.httpUrl}${path}`);
      open.push(client);
      return client;
    };

    it("a flood of distinct (period, top) views: past periods make no publisher, every top of a running period shares one", async () => {
      const before = await metric(server, "sse_publishers");
      const past = ["2020-01-06T00:00:00.000Z", "2023-05-01T00:00:00.000Z", previousWeek];
      for (const period of past) {
        const answers = await Promise.all(
          Array.from({ length: 100 }, (_, i) => call(server, `/v1/leaderboards/rating-weekly/changes?wait=0&top=${i + 1}&period=${period}`)),
        );
        assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
        assert.equal(answers[9].body.events[0].data.period, period);
      }
      assert.equal(await metric(server, "sse_publishers"), before, "no publisher for a past period");
      const current = await Promise.all(Array.from({ length: 100 }, (_, i) => call(server, `/v1/leaderboards/wins-weekly/changes?wait=0&top=${i + 1}`)));
      assert.deepEqual([...new Set(current.map((a) => a.status))], [200]);
      assert.ok((await metric(server, "sse_publishers")) <= 3, "at or under the ceiling");
      assert.ok((await metric(server, "sse_publishers")) <= before + 1, "one publisher for every top of the current period");
    });

    it("past the ceiling idle publishers make room; when every one is in use a new board view is 503 SERVER_BUSY with Retry-After", async () => {
      const boards = Array.from({ length: 6 }, (_, i) => `ceiling-${Date.now().toString(36)}-${i}`);
      for (const id of boards) await admin(server, "/v1/admin/leaderboards", { id });
      // A flood of one-shot polls on six boards: idle publishers are replaced, the count stays at the ceiling.
      for (let round = 0; round < 3; round++) {
        for (const id of boards) assert.equal((await call(server, `/v1/leaderboards/${id}/changes?wait=0`)).status, 200);
        assert.ok((await metric(server, "sse_publishers")) <= 3);
      }
      // Three streams hold three publishers.
      const held = boards.slice(0, 3).map((id) => stream(`/v1/leaderboards/${id}/stream?top=5`));
      await waitFor(() => held.every((s) => s.events.length > 0), "three open streams");
      const refused = await call(server, `/v1/leaderboards/${boards[3]}/changes?wait=0`);
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal((refused.body as ErrorBody).error.code, "SERVER_BUSY");
      assert.deepEqual((refused.body as ErrorBody).error.details, { limit: "STREAM_PUBLISHERS_MAX", max: 3 });
      assert.equal(refused.headers.get("retry-after"), "5");
      // Another top, or a past period, of a board already streamed needs no new publisher.
      assert.equal((await call(server, `/v1/leaderboards/${boards[0]}/changes?wait=0&top=50`)).status, 200);
      assert.equal((await call(server, `/v1/leaderboards/rating-weekly/changes?wait=0&period=${previousWeek}`)).status, 200);
      assert.equal(await metric(server, "sse_publishers"), 3);
      // A stream that ends frees its publisher for the next board.
      held[0]!.destroy();
      await waitFor(async () => (await call(server, `/v1/leaderboards/${boards[3]}/changes?wait=0`)).status === 200, "a publisher freed");
    });

    it("one publisher serves streams of different tops, each with its own exact table", async () => {
      const id = `tops-${Date.now().toString(36)}`;
      await admin(server, "/v1/admin/leaderboards", { id, operator: "set" });
      await admin(server, `/v1/admin/leaderboards/${id}/records`, { records: [1, 2, 3, 4].map((n) => ({ ownerId: `o${n}`, score: n * 10 })) });
      const streams = [1, 3, 10].map((top) => ({ top, client: stream(`/v1/leaderboards/${id}/stream?top=${top}`) }));
      await waitFor(() => streams.every((s) => s.client.events.length > 0), "three snapshots");
      for (const [ownerId, score] of [["o1", 35], ["o5", 50], ["o3", 1], ["o4", 0]] as const) {
        await admin(server, `/v1/admin/leaderboards/${id}/records`, { records: [{ ownerId, score }] });
      }
      for (const { top, client } of streams) {
        const truth = (await call(server, `/v1/leaderboards/${id}?limit=${top}`)).body;
        await waitFor(() => rowsOf(tableOf(client.events)) === rowsOf({ rows: truth.records }), `the top ${top} stream to match the board`);
        assert.ok(client.events.slice(1).every((e) => e.event === "delta"), "deltas after the snapshot");
        assert.ok(client.events.every((e) => e.event !== "snapshot" || (e.data as { rows: unknown[] }).rows.length <= top));
      }
    });

    it("a past period's stream sends its snapshot and stays open; its change poll holds and answers no change", async () => {
      const before = await metric(server, "sse_publishers");
      const client = stream(`/v1/leaderboards/rating-weekly/stream?period=${previousWeek}&top=5`);
      await waitFor(() => client.events.length === 1, "the snapshot");
      assert.equal(client.events[0]!.event, "snapshot");
      assert.equal((client.events[0]!.data as { period: string }).period, previousWeek);
      const cursor = client.events[0]!.id!;
      const poll = await call(server, `/v1/leaderboards/rating-weekly/changes?period=${previousWeek}&after=${encodeURIComponent(cursor)}&wait=25`);
      assert.deepEqual([poll.status, poll.body.changed, poll.body.cursor, poll.body.events], [200, false, cursor, []]);
      assert.equal(client.ended, false);
      assert.equal(await metric(server, "sse_publishers"), before, "no publisher for the past period");
    });

    it("table: an invalid period is 400 on /stream and /changes (never 200 with nothing, never 500), and holds no slot", async () => {
      const cases = [
        ["rating", "2099-01-01T00:00:00.000Z", /never resets; its only period is `all`/],
        ["rating-weekly", "2099-01-05T00:00:00.000Z", /has not started/],
        ["rating-weekly", "all", /expected current, previous or the ISO-8601 start of a period/],
        ["rating", "yesterday", /period/],
      ] as const;
      for (const [board, period, message] of cases) {
        for (const kind of ["stream", "changes?wait=0&"]) {
          const path = `/v1/leaderboards/${board}/${kind}${kind === "stream" ? "?" : ""}period=${encodeURIComponent(period)}`;
          const answer = await call(server, path);
          assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
          assert.equal((answer.body as ErrorBody).error.code, "VALIDATION_FAILED", path);
          assert.match((answer.body as ErrorBody).error.message, message, path);
        }
      }
      assert.equal(await metric(server, "sse_streams_open"), 0, "no stream was left open");
    });
  });

  it("STREAM_PUBLISHER_LINGER_MS: an unwatched publisher is dropped after the linger", async () => {
    const server = await startTestServer({ env: { STREAM_PUBLISHER_LINGER_MS: "200" } });
    try {
      assert.equal((await call(server, "/v1/leaderboards/rating/changes?wait=0")).status, 200);
      assert.equal(await metric(server, "sse_publishers"), 1, "kept for resumes right after the poll");
      await waitFor(async () => (await metric(server, "sse_publishers")) === 0, "the publisher dropped after its linger");
    } finally {
      await server.close();
    }
  });

  it("a failed first read is thrown to the caller and leaves no publisher behind; the next view reads again", async () => {
    let failing = true;
    let reads = 0;
    const state: TopState = { period: "all", epoch: "e1", version: 3, total: 1, records: [{ ownerId: "a", name: "A", score: 1, subscore: 0, numScore: 1, rank: 1, createdAt: "t", updatedAt: "t" }] };
    const errors: unknown[] = [];
    const hub = new StreamHub({
      readTop: async () => {
        reads++;
        if (failing) throw new AppError("STORE_UNAVAILABLE", "The store is unavailable; retry shortly", { retryAfter: 2 });
        return state;
      },
      subscribeChanges: () => () => undefined,
      registry: new Registry(),
      historyLimit: 16,
      lingerMs: 60_000,
      maxPublishers: 10,
      onError: (error) => errors.push(error),
    });
    try {
      await assert.rejects(hub.acquire("b", "current", 10), (error: unknown) => error instanceof AppError && error.code === "STORE_UNAVAILABLE");
      assert.equal(hub.size, 0, "no publisher kept without data");
      failing = false;
      const { view, release } = await hub.acquire("b", "current", 10);
      assert.equal(reads, 2, "read again, not served from an empty publisher");
      assert.deepEqual(view.cursor, { epoch: "e1", version: 3 });
      assert.equal(view.eventsSince().kind, "snapshot");
      release();
    } finally {
      hub.close();
    }
  });

  it("with Redis down a stream or change poll is 503 STORE_UNAVAILABLE; once it is back the same view streams", async function () {
    this.timeout(60_000);
    const redis = await RedisChild.start({ persistent: true });
    const server = await startTestServer({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `test:views-down:${process.pid}:${Date.now()}:` } });
    try {
      await redis.kill();
      await waitFor(() => !server.server.stores.available, "the store to notice Redis is gone");
      for (const path of ["/v1/leaderboards/rating/stream", "/v1/leaderboards/rating/changes?wait=0"]) {
        const answer = await call(server, path);
        assert.equal(answer.status, 503, `${path}: ${JSON.stringify(answer.body)}`);
        assert.equal((answer.body as ErrorBody).error.code, "STORE_UNAVAILABLE");
        assert.ok(Number(answer.headers.get("retry-after")) >= 1);
      }
      await redis.start();
      await waitFor(() => server.server.stores.available, "Redis back");
      const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/rating/stream`);
      try {
        await waitFor(() => client.events.some((e) => e.event === "snapshot"), "a snapshot once Redis is back");
      } finally {
        client.destroy();
      }
    } finally {
      await server.close();
      await redis.stop();
    }
  });
});
