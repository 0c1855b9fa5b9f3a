import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  createClient,
  eventEpoch,
  HttpError,
  type LeaderboardRetryEvent,
  type LeaderboardStreamMessage,
  type LeaderboardSubscription,
  type LeaderboardTable,
  type LeaderboardTransportChange,
  type StateChange,
} from "../../client-sdk/index.ts";
import { TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";

/** Everything a subscription reported, for assertions. */
function recorder() {
  const messages: LeaderboardStreamMessage[] = [];
  const states: StateChange[] = [];
  const retries: LeaderboardRetryEvent[] = [];
  const transports: LeaderboardTransportChange[] = [];
  let table: LeaderboardTable | undefined;
  return {
    messages,
    states,
    retries,
    transports,
    get table() {
      return table;
    },
    handler: (message: LeaderboardStreamMessage, next: LeaderboardTable) => {
      messages.push(message);
      table = next;
    },
    watch(sub: LeaderboardSubscription) {
      sub.on("state", (change) => states.push(change));
      sub.on("retry", (event) => retries.push(event));
      sub.on("transport", (event) => transports.push(event));
      return sub;
    },
  };
}

/** The events form one unbroken chain: each delta follows the previous event's version (or a snapshot restarts it). */
function assertNoGap(messages: LeaderboardStreamMessage[]) {
  let version: number | undefined;
  let epoch: string | undefined;
  for (const message of messages) {
    if (message.event === "delta") {
      assert.equal(eventEpoch(message.id), epoch, `delta ${message.id} in another epoch`);
      assert.equal(message.data.prevVersion, version, `delta ${message.id} does not follow ${epoch}:${version}`);
    }
    version = message.data.version;
    epoch = eventEpoch(message.id);
  }
}

async function post(server: TestServer, path: string, body: unknown) {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.status < 300, `${path}: ${response.status} ${text}`);
  return JSON.parse(text) as { version: number };
}

async function serverTop(server: TestServer, boardId: string, limit: number) {
  const response = await fetch(`${server.httpUrl}/v1/leaderboards/${boardId}?limit=${limit}`);
  const page = (await response.json()) as { records: { ownerId: string; score: number; rank: number }[]; version: number };
  return page;
}

const rowsOf = (table: LeaderboardTable | undefined) => (table?.rows ?? []).map((r) => `${r.rank}:${r.ownerId}:${r.score}`);

/** A tiny node:http server in front of `target`; `/stream` requests are handled by `onStream` instead. */
async function proxy(target: () => string, onStream: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const streams: http.ServerResponse[] = [];
  let streamRequests = 0;
  const server = http.createServer((req, res) => {
    if (req.url?.includes("/stream")) {
      streamRequests++;
      streams.push(res);
      return onStream(req, res);
    }
    const upstream = http.request(`${target()}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<h1>502 Bad Gateway</h1>");
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get streamRequests() {
      return streamRequests;
    },
    close: async () => {
      for (const res of streams) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A scripted fake for protocol edge cases the real server cannot be made to produce on demand. */
async function fakeStreamServer(script: ((req: http.IncomingMessage, res: http.ServerResponse) => void)[]) {
  const seen: { at: number; lastEventId?: string; authorization?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ at: Date.now(), lastEventId: req.headers["last-event-id"] as string | undefined, authorization: req.headers.authorization });
    script[Math.min(seen.length - 1, script.length - 1)]!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const snapshotEvent = (version: number, rows: { ownerId: string; score: number }[] = []) => {
  const data = {
    boardId: "fake",
    period: "all",
    epoch: "e1",
    version,
    ts: Date.now(),
    top: 10,
    total: rows.length,
    rows: rows.map((r, i) => ({ ...r, name: r.ownerId, subscore: 0, numScore: 1, rank: i + 1, createdAt: "", updatedAt: "" })),
  };
  return `id: e1:${version}\nevent: snapshot\ndata: ${JSON.stringify(data)}\n\n`;
};
const sseHeaders = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

describe("sdk: client.leaderboards.subscribe", function () {
  this.timeout(30_000);

  describe("against the real server (Redis, so a restart keeps the board)", () => {
    const prefix = uniquePrefix("sdk-live");
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, STREAM_HEARTBEAT_MS: "1000" };
    const boardId = "sdk-live";
    let sub: LeaderboardSubscription | undefined;

    const server = useTestServer({ env });
    before(async () => {
      await post(server, "/v1/admin/leaderboards", { id: boardId, title: "SDK live" });
    });
    afterEach(() => sub?.close());
    after(async () => {
      await deleteKeys(prefix);
    });

    it("gets a snapshot, then deltas as scores change, over SSE; the table equals the server's top N", async () => {
      const seen = recorder();
      const client = createClient({ url: server.httpUrl });
      sub = seen.watch(client.leaderboards.subscribe(boardId, { top: 3 }, seen.handler));
      await waitFor(() => seen.messages.length > 0, "the snapshot");
      assert.equal(seen.messages[0]!.event, "snapshot");
      assert.equal(sub.state, "open");
      assert.equal(seen.states.find((s) => s.to === "open")?.transport, "sse");

      await post(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: "p_a", name: "Ada", score: 10 }] });
      await post(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: "p_b", name: "Bo", score: 20 }] });
      await post(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: "p_c", name: "Cy", score: 5 }, { ownerId: "p_d", name: "Di", score: 1 }] });
      await waitFor(() => sub!.table?.rows.some((r) => r.ownerId === "p_c"), "the third change");
      // The first write of an empty board starts its epoch (`empty` → a real one): a snapshot; then deltas.
      const kinds = seen.messages.map((m) => m.event);
      assert.ok(kinds.filter((k) => k === "delta").length >= 2, kinds.join(","));
      assertNoGap(seen.messages);
      const top = await serverTop(server, boardId, 3);
      assert.deepEqual(rowsOf(sub.table), top.records.map((r) => `${r.rank}:${r.ownerId}:${r.score}`));
      assert.equal(sub.table, seen.table);
      assert.deepEqual(rowsOf(sub.table), ["1:p_b:20", "2:p_a:10", "3:p_c:5"]);
    });

    it("survives a server restart on the same port without losing updates", async () => {
      const seen = recorder();
      const client = createClient({ url: server.httpUrl, backoff: { minMs: 50, maxMs: 300 } });
      sub = seen.watch(client.leaderboards.subscribe(boardId, { top: 5 }, seen.handler));
      await waitFor(() => sub!.state === "open" && sub!.table, "the first snapshot");
      await post(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: "p_e", name: "Ed", score: 30 }] });
      await waitFor(() => sub!.table?.rows[0]?.ownerId === "p_e", "Ed on top");

      const port = server.port;
      await server.close({ graceMs: 500 });
      await waitFor(() => sub!.state === "reconnecting", "reconnecting after the restart began");
      await server.start({ env: { ...env, PORT: String(port) } });
      await post(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: "p_f", name: "Fa", score: 40 }] });
      await post(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: "p_a", name: "Ada", score: 35 }] });
      await waitFor(() => sub!.state === "open", "open again", 15_000);
      const top = await serverTop(server, boardId, 5);
      await waitFor(() => sub!.table?.version === top.version, "the table at the server's version", 10_000);
      assert.deepEqual(rowsOf(sub.table), top.records.map((r) => `${r.rank}:${r.ownerId}:${r.score}`));
      assert.deepEqual(rowsOf(sub.table).slice(0, 3), ["1:p_f:40", "2:p_a:35", "3:p_e:30"]);
      assertNoGap(seen.messages);
      assert.ok(seen.states.some((s) => s.from === "reconnecting" && s.to === "open" && s.reason === "reconnected"));
    });

    it("falls back to long polling when a proxy withholds the SSE body, with no gap, and tries SSE again later", async () => {
      const front = await proxy(
        () => server.httpUrl,
        (_req, res) => res.writeHead(200, sseHeaders), // headers, then nothing: a buffering proxy
      );
      try {
        const seen = recorder();
        const client = createClient({ url: front.url, backoff: { minMs: 20, maxMs: 100 } });
        sub = seen.watch(
          client.leaderboards.subscribe(boardId, { top: 10, firstByteTimeoutMs: 300, pollWaitSeconds: 1, upgradeAfterPolls: 4 }, seen.handler),
        );
        await waitFor(() => sub!.state === "open", "open", 10_000);
        assert.equal(sub.transport, "long-poll");
        const opened = seen.states.find((s) => s.to === "open")!;
        assert.equal(opened.transport, "long-poll");
        assert.equal(seen.transports[0]?.to, "long-poll");
        assert.equal(seen.transports[0]?.reason, "fallback");

        const expected: string[] = [];
        for (let i = 0; i < 6; i++) {
          await post(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: `p_poll${i}`, name: `Poll ${i}`, score: 100 + i }] });
          expected.push(`p_poll${i}`);
        }
        const top = await serverTop(server, boardId, 10);
        await waitFor(() => sub!.table?.version === top.version, "every change over long polling", 15_000);
        assert.deepEqual(rowsOf(sub.table), top.records.map((r) => `${r.rank}:${r.ownerId}:${r.score}`));
        assertNoGap(seen.messages);
        for (const owner of expected) assert.ok(sub.table!.rows.some((r) => r.ownerId === owner), owner);
        // After a few polls it tries SSE again (withheld again, so it falls back again).
        await waitFor(() => front.streamRequests >= 2 && seen.transports.some((t) => t.reason === "upgrade"), "an SSE retry", 15_000);
        assert.ok(seen.states.some((s) => s.reason === "transport-upgrade" && s.transport === "sse"));
      } finally {
        sub?.close();
        await front.close();
      }
    });

    it("falls back on a proxy's 502 for the stream too", async () => {
      const front = await proxy(
        () => server.httpUrl,
        (_req, res) => {
          res.writeHead(502, { "content-type": "text/html" });
          res.end("<h1>502 Bad Gateway</h1>");
        },
      );
      try {
        const seen = recorder();
        const client = createClient({ url: front.url });
        sub = seen.watch(client.leaderboards.subscribe(boardId, { top: 10, pollWaitSeconds: 1 }, seen.handler));
        await waitFor(() => sub!.state === "open", "open");
        assert.equal(seen.states.find((s) => s.to === "open")?.transport, "long-poll");
        assert.equal((seen.transports[0]?.error as HttpError | undefined)?.status, 502);
        assert.equal(seen.messages[0]?.event, "snapshot");
      } finally {
        sub?.close();
        await front.close();
      }
    });

    it("stops for good with a typed error on an unknown board (404)", async () => {
      const seen = recorder();
      const client = createClient({ url: server.httpUrl });
      sub = seen.watch(client.leaderboards.subscribe("no-such-board", {}, seen.handler));
      await waitFor(() => sub!.state === "closed", "closed");
      assert.ok(sub.error instanceof HttpError);
      assert.equal(sub.error.status, 404);
      assert.equal(sub.error.code, "NOT_FOUND");
      assert.equal(seen.states.at(-1)?.reason, "failed");
      assert.equal(seen.retries.length, 0);
    });
  });

  describe("against fake servers (exact edge cases)", () => {
    it("the heartbeat watchdog reconnects a silent stream and resumes with Last-Event-ID", async () => {
      const fake = await fakeStreamServer([
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.write("retry: 1000\n: stream open\n\n");
          res.write(snapshotEvent(7, [{ ownerId: "p_x", score: 3 }])); // then silence
        },
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.write(": stream open\n\n");
        },
      ]);
      const seen = recorder();
      const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 20 } });
      const sub = seen.watch(client.leaderboards.subscribe("fake", { heartbeatMs: 100 }, seen.handler));
      try {
        await waitFor(() => fake.seen.length >= 2, "a second connection");
        assert.equal(fake.seen[1]!.lastEventId, "e1:7");
        assert.equal(seen.retries[0]?.error.code, "TIMEOUT");
        assert.ok(seen.states.some((s) => s.from === "open" && s.to === "reconnecting" && s.reason === "transport-lost"));
        assert.deepEqual(rowsOf(sub.table), ["1:p_x:3"]);
      } finally {
        sub.close();
        await fake.close();
      }
    });

    it("applies a delta's ops to its table; a delta whose ops do not fit drops the cursor, and the reconnect's snapshot repairs the table", async () => {
      const delta = (prevVersion: number, ops: unknown[]) =>
        `id: e1:${prevVersion + 1}\nevent: delta\ndata: ${JSON.stringify({ prevVersion, version: prevVersion + 1, ops, total: 3, ts: Date.now() })}\n\n`;
      const rows = [
        { ownerId: "p_a", score: 30 },
        { ownerId: "p_b", score: 20 },
        { ownerId: "p_c", score: 10 },
      ];
      const fake = await fakeStreamServer([
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.write(snapshotEvent(1, rows));
          res.write(delta(1, [["move", 3, 1], ["update", 1, { score: 40 }]])); // p_c overtakes both
          res.write(delta(2, [["remove", 7]])); // does not fit a table of 3 rows
        },
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.write(snapshotEvent(5, [{ ownerId: "p_c", score: 40 }, { ownerId: "p_b", score: 20 }, { ownerId: "p_a", score: 15 }]));
        },
      ]);
      const seen = recorder();
      const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 20 } });
      const tables = new Map<string, string[]>();
      const sub = seen.watch(
        client.leaderboards.subscribe("fake", {}, (message, table) => {
          tables.set(message.id, rowsOf(table));
          seen.handler(message, table);
        }),
      );
      try {
        await waitFor(() => fake.seen.length >= 2 && sub.table?.version === 5, "the reconnect's snapshot");
        assert.deepEqual(tables.get("e1:2"), ["1:p_c:40", "2:p_a:30", "3:p_b:20"], "one move: p_c to the top, the rows between shifted down");
        assert.equal(seen.messages.some((m) => m.id === "e1:3"), false, "the misfit delta never reached the handler");
        assert.equal(fake.seen[1]!.lastEventId, undefined, "the reconnect asks for a snapshot (no Last-Event-ID)");
        assert.equal(seen.retries[0]?.error.code, "BAD_RESPONSE");
        assert.deepEqual(rowsOf(sub.table), ["1:p_c:40", "2:p_b:20", "3:p_a:15"]);
      } finally {
        sub.close();
        await fake.close();
      }
    });

    it("honours Retry-After on 429 and 503 as the floor of its backoff", async () => {
      const json = (status: number, code: string, retryAfter: string) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(status, { "content-type": "application/json", "retry-after": retryAfter });
        res.end(JSON.stringify({ error: { code, message: code } }));
      };
      const fake = await fakeStreamServer([
        json(429, "TOO_MANY_STREAMS", "1"),
        json(503, "DRAINING", "1"),
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.write(snapshotEvent(1));
        },
      ]);
      const seen = recorder();
      const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 20 } });
      const sub = seen.watch(client.leaderboards.subscribe("fake", {}, seen.handler));
      try {
        await waitFor(() => sub.state === "open", "open after two refusals", 10_000);
        assert.deepEqual(
          seen.retries.map((r) => [r.error.code, r.delayMs >= 1000]),
          [
            ["TOO_MANY_STREAMS", true],
            ["DRAINING", true],
          ],
        );
        // The server asked for a second each time; the jittered backoff alone would have waited ≤ 20 ms.
        assert.ok(fake.seen[1]!.at - fake.seen[0]!.at >= 1000);
        assert.ok(fake.seen[2]!.at - fake.seen[1]!.at >= 1000);
      } finally {
        sub.close();
        await fake.close();
      }
    });

    it("on 401 asks getToken once for a new token, then stops with AuthError if that is refused too", async () => {
      const unauthorized = (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "TOKEN_EXPIRED", message: "expired" } }));
      };
      const fake = await fakeStreamServer([
        unauthorized,
        (_req, res) => {
          res.writeHead(200, sseHeaders);
          res.end(snapshotEvent(1)); // the stream ends: reconnect, now refused twice
        },
        unauthorized,
      ]);
      let n = 0;
      const asked: string[] = [];
      const client = createClient({ url: fake.url, backoff: { minMs: 10, maxMs: 20 }, getToken: (req) => (asked.push(req.reason), `t${++n}`) });
      const seen = recorder();
      const sub = seen.watch(client.leaderboards.subscribe("fake", {}, seen.handler));
      try {
        await waitFor(() => sub.state === "closed", "closed", 10_000);
        assert.deepEqual(fake.seen.slice(0, 2).map((s) => s.authorization), ["Bearer t1", "Bearer t2"]);
        assert.equal(seen.messages.length, 1);
        assert.equal(sub.error?.name, "AuthError");
        assert.equal(seen.states.at(-1)?.reason, "unauthorized");
        assert.ok(asked.includes("rejected"));
      } finally {
        sub.close();
        await fake.close();
      }
    });
  });
});
