import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  createClient,
  type FetchLike,
  type LeaderboardStreamMessage,
  type LeaderboardSubscription,
  type LeaderboardTransportChange,
  type RecordedMatchResult,
  type StateChange,
} from "../../client-sdk/index.ts";
import { arenaProxyConfig, freePort, PRODUCTION_PROXY_CONFIG, README_PROXY_CONFIG, startNginx, type NginxChild } from "../../loadtest/nginx.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { makeResult } from "../helpers/store-harness.ts";

/**
 * Proxy behaviour: SSE, long polls and a room WebSocket through a
 * real nginx (Debian's package, a child process) with `proxy_read_timeout 3s`
 * and the config docs/operations.md shows (loadtest/nginx.ts). Heartbeats,
 * holds under the timeout and WebSocket pings keep every connection alive for
 * more than three timeouts; a control run without them shows nginx does cut
 * idle connections, so the first run proves something.
 */

const READ_TIMEOUT_S = 3;
/** Longer than three proxy timeouts. */
const HOLD_MS = 3 * READ_TIMEOUT_S * 1000 + 1000;

/**
 * A location that would hold SSE back: nginx's default `proxy_buffering on`
 * plus gzip for event streams. Only the server's `X-Accel-Buffering: no`
 * makes it stream; `honourHeader: false` is a proxy that ignores the header.
 */
function bufferingGzipSite(port: number, options: { honourHeader: boolean }): string {
  return [
    "server {",
    `  listen 127.0.0.1:${port};`,
    "  location / {",
    "    proxy_pass http://arena;",
    "    proxy_http_version 1.1;",
    "    proxy_set_header Connection '';",
    `    proxy_read_timeout ${READ_TIMEOUT_S}s;`,
    "    gzip on;",
    "    gzip_types text/event-stream;",
    "    gzip_min_length 0;",
    ...(options.honourHeader ? [] : ["    proxy_ignore_headers X-Accel-Buffering;"]),
    "  }",
    "}",
  ].join("\n");
}

interface Exchange {
  path: string;
  status: number;
  body?: unknown;
}

/** The platform fetch, logging every answer (status, and the JSON body of non-stream answers). */
function recordingFetch() {
  const log: Exchange[] = [];
  const fetchImpl: FetchLike = async (input, init) => {
    const response = await fetch(input, init);
    const entry: Exchange = { path: new URL(input).pathname, status: response.status };
    log.push(entry);
    if (!entry.path.endsWith("/stream")) {
      response
        .clone()
        .text()
        .then(
          (text) => {
            try {
              entry.body = JSON.parse(text);
            } catch {
              entry.body = text;
            }
          },
          () => undefined,
        );
    }
    return response;
  };
  return { fetch: fetchImpl, log };
}

/** Everything one SDK subscription reported. */
function watch(subscription: LeaderboardSubscription, messages: LeaderboardStreamMessage[]) {
  const seen = { messages, states: [] as StateChange[], retries: 0, transports: [] as LeaderboardTransportChange[] };
  subscription.on("state", (change) => seen.states.push(change));
  subscription.on("retry", () => seen.retries++);
  subscription.on("transport", (change) => seen.transports.push(change));
  return seen;
}

async function admin(server: TestServer, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${server.httpUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const statesOf = (changes: StateChange[]) => changes.map((c) => `${c.from}>${c.to}:${c.reason}`);
/** Access-log lines with a given status (`"GET /x HTTP/1.1" 504 …`). */
const linesWithStatus = (log: string, status: number) => log.split("\n").filter((line) => line.includes(`" ${status} `));
const NEWCOMER = "owner-new";
const carriesNewcomer = (events: { event: string; data: unknown }[]) => events.some((e) => e.event === "delta" && JSON.stringify(e.data).includes(NEWCOMER));
const heartbeats = (raw: RawSseClient) => raw.comments.filter((c) => c === "heartbeat").length;

describe("reliability: SSE, long polls and room WebSockets through nginx (proxy_read_timeout 3s)", function () {
  this.timeout(60_000);

  describe(`with heartbeats (1 s), holds under the timeout (2 s) and WebSocket pings (1 s), for ${HOLD_MS / 1000} s`, () => {
    let nginx: NginxChild;
    /** nginx's ports: the proxy, a buffering gzip site that honours X-Accel-Buffering, one that ignores it. */
    let ports: [number, number, number];
    const boardId = `proxy-${Date.now().toString(36)}`;
    const seen = {} as {
      raw: RawSseClient;
      rawGzip: RawSseClient;
      rawGzipIgnoring: RawSseClient;
      sdk: ReturnType<typeof watch>;
      sdkGzip: ReturnType<typeof watch>;
      sdkGzipIgnoring: ReturnType<typeof watch>;
      fetchLog: Exchange[];
      feedPollsInWindow: number;
      resultPollsInWindow: number;
      feedYielded: RecordedMatchResult[];
      awaited: RecordedMatchResult;
      recorded: RecordedMatchResult;
      roomStates: StateChange[];
      readyAfterWindow: boolean;
      metricsStatus: number;
      /** Raw streams still open once the deltas arrived (before the test closes them). */
      rawOpenAtEnd: boolean[];
      accessLog: string;
      errorLog: string;
    };

    before(async () => {
      ports = await Promise.all([freePort(), freePort(), freePort()]);
    });
    after(() => nginx?.stop());
    const server = useTestServer(() => ({
      env: {
        STREAM_HEARTBEAT_MS: "1000",
        LONG_POLL_MAX_WAIT_SECONDS: "2",
        WS_PING_INTERVAL_MS: "1000",
        // Seat reservations send the SDK's WebSocket to the proxy, not straight to the process.
        PUBLIC_ADDRESS: `127.0.0.1:${ports[0]}`,
      },
    }));
    before(async function () {
      this.timeout(45_000);
      const [port, gzipPort, gzipIgnoringPort] = ports;
      const config = arenaProxyConfig({ upstreams: [`127.0.0.1:${server.port}`], servers: [{ listen: `127.0.0.1:${port}`, readTimeout: `${READ_TIMEOUT_S}s` }] });
      nginx = await startNginx({
        httpBlocks: [config, bufferingGzipSite(gzipPort, { honourHeader: true }), bufferingGzipSite(gzipIgnoringPort, { honourHeader: false })].join("\n"),
        ports: [port, gzipPort, gzipIgnoringPort],
      });
      const url = `http://127.0.0.1:${port}`;
      const gzipUrl = `http://127.0.0.1:${gzipPort}`;
      const gzipIgnoringUrl = `http://127.0.0.1:${gzipIgnoringPort}`;

      await admin(server, "/v1/admin/leaderboards", { id: boardId, operator: "best" });
      await admin(server, `/v1/admin/leaderboards/${boardId}/records`, {
        records: Array.from({ length: 5 }, (_, i) => ({ ownerId: `owner-${i}`, name: `Owner ${i}`, score: 100 + i })),
      });

      const metrics = await fetch(`${url}/metrics`);
      seen.metricsStatus = metrics.status;
      await metrics.arrayBuffer();

      // Everything opens at once and stays open through the window.
      const streamPath = `/v1/leaderboards/${boardId}/stream?top=10`;
      seen.raw = new RawSseClient(`${url}${streamPath}`);
      seen.rawGzip = new RawSseClient(`${gzipUrl}${streamPath}`, { "accept-encoding": "gzip" });
      seen.rawGzipIgnoring = new RawSseClient(`${gzipIgnoringUrl}${streamPath}`, { "accept-encoding": "gzip" });

      const recording = recordingFetch();
      seen.fetchLog = recording.log;
      const backoff = { minMs: 50, maxMs: 500 };
      const client = createClient({ url, fetch: recording.fetch, backoff });
      await client.auth.signInAsGuest("Behind Nginx");
      const stop = new AbortController();
      const subscribe = (base: string, extra: { firstByteTimeoutMs?: number } = {}) => {
        const messages: LeaderboardStreamMessage[] = [];
        const sdk = base === url ? client : createClient({ url: base, backoff });
        return watch(sdk.leaderboards.subscribe(boardId, { top: 10, heartbeatMs: 1000, signal: stop.signal, ...extra }, (m) => messages.push(m)), messages);
      };
      seen.sdk = subscribe(url);
      seen.sdkGzip = subscribe(gzipUrl);
      seen.sdkGzipIgnoring = subscribe(gzipIgnoringUrl, { firstByteTimeoutMs: 1500 });

      // Long polls with the SDK's default wait (25 s): the server clamps each hold to LONG_POLL_MAX_WAIT_SECONDS.
      const head = await client.http.call("GET /v1/matches/results", { query: {} });
      seen.feedYielded = [];
      const feedDone = (async () => {
        for await (const result of client.matches.feed({ after: head.cursor, signal: stop.signal })) seen.feedYielded.push(result);
      })().catch((error: unknown) => {
        if (!stop.signal.aborted) throw error;
      });
      const result = makeResult();
      await server.server.stores.results.expect(result.matchId, 120);
      const awaiting = client.matches.waitForResult(result.matchId, { signal: stop.signal });

      // A game room waiting for its opponent sends nothing: only pings cross the proxy.
      const game = await client.rooms.game.create({ teamSize: 1, private: true });
      seen.roomStates = [];
      game.on("state", (change) => seen.roomStates.push(change));

      await sleep(HOLD_MS);
      const feedPolls = () => seen.fetchLog.filter((e) => e.path === "/v1/matches/results").length;
      seen.feedPollsInWindow = feedPolls() - 1; // minus the head read
      seen.resultPollsInWindow = seen.fetchLog.filter((e) => e.path === `/v1/matches/${result.matchId}/result`).length;

      // After the window, through the same connections: a score change and a result.
      await admin(server, `/v1/admin/leaderboards/${boardId}/records`, { records: [{ ownerId: NEWCOMER, name: "Newcomer", score: 1000 }] });
      seen.recorded = ((await admin(server, "/v1/admin/match-results", result)) as { result: RecordedMatchResult }).result;
      await waitFor(() => carriesNewcomer(seen.raw.events), "the delta through proxy_buffering off");
      await waitFor(() => carriesNewcomer(seen.rawGzip.events), "the delta through buffering + gzip, X-Accel-Buffering honoured");
      for (const [sdk, what] of [[seen.sdk, "off"], [seen.sdkGzip, "gzip"], [seen.sdkGzipIgnoring, "gzip, header ignored"]] as const) {
        await waitFor(() => carriesNewcomer(sdk.messages), `the delta through the SDK subscription (${what})`);
      }
      seen.awaited = await awaiting;
      await waitFor(() => seen.feedYielded.some((r) => r.matchId === result.matchId), "the result in the SDK feed");
      // Two more feed answers after the one carrying the result: room for a duplicate to show up.
      const answered = feedPolls();
      await waitFor(() => feedPolls() >= answered + 2, "two more feed polls", 10_000);

      game.send("ready", { ready: true });
      seen.readyAfterWindow = await waitFor(() => [...game.state!.players.values()].some((p) => p.ready), "the ready flag after the idle window").then(
        () => true,
        () => false,
      );
      seen.rawOpenAtEnd = [seen.raw, seen.rawGzip].map((raw) => !raw.ended);
      await game.leave();
      stop.abort();
      await feedDone;
      for (const raw of [seen.raw, seen.rawGzip, seen.rawGzipIgnoring]) raw.destroy();
      // nginx logs a request when it ends: wait for the room's WebSocket (101) line.
      await waitFor(() => linesWithStatus(nginx.accessLog(), 101).length > 0, "the WebSocket line in the access log");
      seen.accessLog = nginx.accessLog();
      seen.errorLog = nginx.errorLog();
    });

    it("raw SSE (proxy_buffering off) stays open on heartbeats and delivers a later delta", () => {
      assert.equal(seen.raw.status, 200);
      assert.equal(seen.rawOpenAtEnd[0], true, "open from before the window to after the delta");
      assert.ok(heartbeats(seen.raw) >= 3, `heartbeats: ${heartbeats(seen.raw)}`);
      assert.equal(seen.raw.events[0]?.event, "snapshot");
      assert.ok(carriesNewcomer(seen.raw.events));
    });

    it("raw SSE through buffering + gzip streams too, because nginx honours X-Accel-Buffering: no", () => {
      assert.equal(seen.rawGzip.status, 200);
      assert.equal(seen.rawGzip.response?.headers["content-encoding"], "gzip", "the location really gzips the stream");
      assert.equal(seen.rawOpenAtEnd[1], true, "open from before the window to after the delta");
      assert.ok(heartbeats(seen.rawGzip) >= 3, `heartbeats: ${heartbeats(seen.rawGzip)}`);
      assert.ok(carriesNewcomer(seen.rawGzip.events));
    });

    it("control: the same location ignoring X-Accel-Buffering holds back every byte (not even the headers pass)", () => {
      assert.equal(seen.rawGzipIgnoring.status, undefined);
      assert.deepEqual(seen.rawGzipIgnoring.comments, []);
      assert.deepEqual(seen.rawGzipIgnoring.events, []);
    });

    it("the SDK's leaderboards.subscribe stays on SSE without a reconnect, and gets the delta", () => {
      for (const sdk of [seen.sdk, seen.sdkGzip]) {
        assert.deepEqual(statesOf(sdk.states), ["connecting>open:opened", "open>closed:aborted"]);
        assert.equal(sdk.retries, 0);
        assert.deepEqual(sdk.transports, [], "no fallback to long polling");
        assert.ok(carriesNewcomer(sdk.messages));
      }
      assert.equal(seen.fetchLog.filter((e) => e.path.endsWith("/stream")).length, 1, "one stream request, never reopened");
    });

    it("behind the proxy that buffers, the SDK falls back to long polling (held under the timeout) and still gets the delta", () => {
      const sdk = seen.sdkGzipIgnoring;
      assert.deepEqual(
        sdk.transports.map((t) => `${t.from}>${t.to}:${t.reason}`),
        ["sse>long-poll:fallback"],
      );
      assert.deepEqual(statesOf(sdk.states), ["connecting>open:opened", "open>closed:aborted"]);
      assert.equal(sdk.retries, 0);
      assert.ok(carriesNewcomer(sdk.messages));
    });

    it("SDK long polls (feed, waitForResult) re-poll on no-change answers held under the timeout, never a 504, and get the result once", () => {
      assert.ok(seen.feedPollsInWindow >= 3, `feed polls in the window: ${seen.feedPollsInWindow}`);
      assert.ok(seen.resultPollsInWindow >= 3, `result polls in the window: ${seen.resultPollsInWindow}`);
      const polls = seen.fetchLog.filter((e) => e.path.startsWith("/v1/matches/"));
      assert.deepEqual([...new Set(polls.map((e) => e.status))], [200], "every poll answered 200");
      const matchId = seen.recorded.matchId;
      const resultPolls = polls.filter((e) => e.path === `/v1/matches/${matchId}/result`).map((e) => e.body as { final: boolean; changed: boolean });
      assert.ok(resultPolls.slice(0, -1).every((b) => b.final === false && b.changed === false), "no-change answers before the result");
      assert.equal(resultPolls.at(-1)?.final, true);
      assert.equal(seen.awaited.seq, seen.recorded.seq);
      // Exactly once: in one feed answer on the wire, and yielded once.
      const feedAnswers = polls.filter((e) => e.path === "/v1/matches/results").slice(1);
      assert.equal(feedAnswers.filter((e) => JSON.stringify(e.body).includes(matchId)).length, 1, "one feed answer carries the result");
      assert.ok(feedAnswers.every((e) => JSON.stringify(e.body).includes(matchId) || (e.body as { changed: boolean }).changed === false));
      assert.deepEqual(
        seen.feedYielded.map((r) => r.matchId),
        [matchId],
      );
    });

    it("the SDK game room's WebSocket, through the proxy, survives the idle window on pings", () => {
      assert.deepEqual(statesOf(seen.roomStates), ["open>closed:client-close"]);
      assert.equal(seen.readyAfterWindow, true, "a message after the idle window reached the room");
      const upgrades = linesWithStatus(seen.accessLog, 101);
      assert.equal(upgrades.length, 1, `one WebSocket through nginx, never reopened:\n${upgrades.join("\n")}`);
    });

    it("nginx answered no 504 and timed nothing out", () => {
      assert.deepEqual(linesWithStatus(seen.accessLog, 504), []);
      assert.doesNotMatch(seen.errorLog, /timed out/);
    });

    it("the proxy does not publish /metrics", () => {
      assert.equal(seen.metricsStatus, 404);
    });
  });

  it("docs/operations.md shows this config verbatim, with production timeouts", () => {
    const doc = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");
    assert.ok(doc.includes("```nginx\n" + PRODUCTION_PROXY_CONFIG + "```"), "paste PRODUCTION_PROXY_CONFIG (loadtest/nginx.ts) into docs/operations.md");
  });

  it("the README's \"Scaling out\" shows the two-process config verbatim (test/security/http-client-ip.test.ts runs it), and no other nginx block", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    assert.ok(readme.includes("```nginx\n" + README_PROXY_CONFIG + "```"), "paste README_PROXY_CONFIG (loadtest/nginx.ts) into the README");
    assert.equal(readme.split("```nginx").length - 1, 1, "one nginx block in the README");
    assert.doesNotMatch(readme, /TRUST_PROXY=true/, "the README's config trusts one hop (TRUST_PROXY=1)");
  });

  describe("control: heartbeats (60 s), holds (6 s) and pings (off) longer than the timeout", () => {
    let nginx: NginxChild;
    let port: number;
    let url: string;

    before(async () => {
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
    });
    after(() => nginx?.stop());
    const server = useTestServer(() => ({
      env: { STREAM_HEARTBEAT_MS: "60000", LONG_POLL_MAX_WAIT_SECONDS: "6", WS_PING_INTERVAL_MS: "0", RECONNECT_WINDOW_SECONDS: "0", PUBLIC_ADDRESS: `127.0.0.1:${port}` },
    }));
    before(async () => {
      nginx = await startNginx({
        httpBlocks: arenaProxyConfig({ upstreams: [`127.0.0.1:${server.port}`], servers: [{ listen: `127.0.0.1:${port}`, readTimeout: `${READ_TIMEOUT_S}s` }] }),
        ports: [port],
      });
    });

    it("nginx cuts the silent SSE stream, answers the long hold with 504 and drops the idle WebSocket", async () => {
      const boardId = `proxy-ctl-${Date.now().toString(36)}`;
      await admin(server, "/v1/admin/leaderboards", { id: boardId, operator: "best" });
      const raw = new RawSseClient(`${url}/v1/leaderboards/${boardId}/stream`);
      const client = createClient({ url, backoff: { minMs: 50, maxMs: 500 } });
      await client.auth.signInAsGuest("Control");
      const head = await client.http.call("GET /v1/matches/results", { query: {} });
      const held = fetch(`${url}/v1/matches/results?after=${encodeURIComponent(head.cursor)}&wait=6`, {
        headers: { authorization: `Bearer ${client.auth.token}` },
      });
      const game = await client.rooms.game.create({ teamSize: 1, private: true });
      const roomStates: StateChange[] = [];
      game.on("state", (change) => roomStates.push(change));
      try {
        await waitFor(() => raw.ended, "nginx to end the silent stream", 15_000);
        assert.equal(raw.status, 200);
        assert.deepEqual(raw.comments, ["stream open"], "no heartbeat reached the client");
        const answer = await held;
        assert.equal(answer.status, 504, "the hold outlived proxy_read_timeout");
        await answer.arrayBuffer();
        const lost = await waitFor(() => roomStates.find((c) => c.to === "reconnecting"), "the WebSocket to drop", 15_000);
        assert.equal(lost.reason, "transport-lost");
        assert.equal(lost.closeCode, 1006);
      } finally {
        raw.destroy();
        await game.leave().catch(() => undefined);
      }
      const errors = nginx.errorLog();
      assert.match(errors, /upstream timed out .* while reading upstream, .*\/stream/);
      assert.match(errors, /upstream timed out .* while proxying upgraded connection/);
    });
  });
});
