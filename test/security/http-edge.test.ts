import assert from "node:assert/strict";
import { once } from "node:events";
import net from "node:net";
import { Writable } from "node:stream";
import { gzipSync } from "node:zlib";
import { loadConfig } from "../../server/config.ts";
import { createServer, type AppServer } from "../../server/create-server.ts";
import { createLogger } from "../../server/logger.ts";
import { TokenService } from "../../server/token-service.ts";
import { LogThrottle } from "../../api/logging/log-throttle.ts";
import type { ErrorBody } from "../../shared/index.ts";
import { RedisChild } from "../helpers/redis-child.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { startTestServer, TEST_ADMIN_KEY, TEST_TOKEN_SECRET, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { rawExchange } from "../helpers/http-raw.ts";

/**
 * The HTTP edge, tried as an attacker and as a careless client would:
 * stalled requests are answered 408 and their sockets freed (without cutting
 * long polls or streams), the admin key is checked before any body is read,
 * every bad input gets a 4xx that says what to do, HEAD holds nothing, client
 * aborts do not flood the log.
 */

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(base: string, method: string, path: string, init: { headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { method, headers: init.headers, body: init.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body };
}

const errorOf = (answer: { body: any }) => (answer.body as ErrorBody).error;

describe("security: the HTTP edge", function () {
  this.timeout(30_000);

  describe("stalled requests (HTTP_HEADERS_TIMEOUT_MS=500, HTTP_REQUEST_TIMEOUT_MS=1000)", () => {
    const server = useTestServer({
      env: { HTTP_HEADERS_TIMEOUT_MS: "500", HTTP_REQUEST_TIMEOUT_MS: "1000", LONG_POLL_MAX_WAIT_SECONDS: "3", STREAM_HEARTBEAT_MS: "1500" },
    });

    for (const [what, request] of [
      ["a body that never completes (Content-Length 100, one byte sent)", "POST /v1/auth/guest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"],
      ["headers that never complete", "GET /healthz HTTP/1.1\r\nHost: x\r\n"],
    ] as const) {
      it(`${what} is answered 408 REQUEST_TIMEOUT in the error shape, and the socket is closed`, async () => {
        const answer = await rawExchange(server.port, request, { keepOpen: true });
        if (!answer.closed) await once(answer.socket, "close");
        assert.equal(answer.status, 408, answer.text);
        assert.equal(errorOf(answer).code, "REQUEST_TIMEOUT");
        assert.match(errorOf(answer).message, /send the complete request/);
        assert.equal(answer.headers.connection, "close");
      });
    }

    it("the request timeout bounds receiving only: a long poll held past it and a stream open past it are not cut", async () => {
      const head = (await call(server.httpUrl, "GET", "/v1/leaderboards/rating/changes?wait=0")).body as { cursor: string };
      const stream = new RawSseClient(`${server.httpUrl}/v1/leaderboards/rating/stream`);
      try {
        // Held for LONG_POLL_MAX_WAIT_SECONDS (3 s), three times the request timeout.
        const poll = await call(server.httpUrl, "GET", `/v1/leaderboards/rating/changes?after=${encodeURIComponent(head.cursor)}&wait=25`);
        assert.equal(poll.status, 200);
        assert.equal(poll.body.changed, false);
        await waitFor(() => stream.comments.includes("heartbeat"), "a heartbeat after the request timeout");
        assert.equal(stream.status, 200);
        assert.equal(stream.ended, false);
      } finally {
        stream.destroy();
      }
    });

    it("an admin request without the key is refused before its body is read (the body never comes)", async () => {
      const answer = await rawExchange(
        server.port,
        "POST /v1/admin/leaderboards HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
      );
      assert.equal(answer.status, 403, answer.text);
      assert.equal(errorOf(answer).code, "FORBIDDEN");
      // With the key, the same request waits for its body (and gets the 408 when it does not come).
      const keyed = await rawExchange(
        server.port,
        `POST /v1/admin/leaderboards HTTP/1.1\r\nHost: x\r\nX-Admin-Key: ${TEST_ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`,
      );
      assert.equal(keyed.status, 408, keyed.text);
    });
  });

  it("config refuses a header timeout longer than the whole request's", () => {
    assert.throws(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "5000", HTTP_REQUEST_TIMEOUT_MS: "1000" }), /HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS/);
  });

  describe("clear errors (each says what to do)", () => {
    let token: string;
    const server = useTestServer({ env: { STREAMS_PER_CLIENT: "1" } });
    before(async () => {
      token = (await server.guestToken("Ada")).token;
    });

    for (const encoding of ["gzip", "deflate", "br"]) {
      it(`a body labelled Content-Encoding: ${encoding} that is not ${encoding} is 400 naming the encoding, not 500`, async () => {
        const answer = await call(server.httpUrl, "POST", "/v1/auth/guest", {
          headers: { "content-type": "application/json", "content-encoding": encoding },
          body: JSON.stringify({ name: "Ada" }),
        });
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.equal(errorOf(answer).code, "BAD_REQUEST");
        assert.match(errorOf(answer).message, new RegExp(`Content-Encoding: ${encoding} but is not valid ${encoding} data`));
      });
    }

    it("a body that really is gzip is read", async () => {
      const answer = await call(server.httpUrl, "POST", "/v1/auth/guest", {
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: new Uint8Array(gzipSync(JSON.stringify({ name: "Zip" }))),
      });
      assert.equal(answer.status, 201);
    });

    it("HEAD on a stream answers its headers at once and holds nothing (no slot taken, nothing counted)", async () => {
      for (const path of ["/v1/leaderboards/rating/stream", "/v1/matches/m_notrunning/spectate"]) {
        const head = await call(server.httpUrl, "HEAD", path, { headers: { authorization: `Bearer ${token}` } });
        if (path.endsWith("/stream")) {
          assert.equal(head.status, 200);
          assert.equal(head.headers.get("content-type"), "text/event-stream; charset=utf-8");
        } else assert.equal(head.status, 404, "HEAD says what GET would: no such match");
      }
      for (let i = 0; i < 3; i++) assert.equal((await call(server.httpUrl, "HEAD", "/v1/leaderboards/rating/changes?wait=25", { headers: { authorization: `Bearer ${token}` } })).status, 200);
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      assert.match(metrics, /^sse_streams_open 0$/m);
      // STREAMS_PER_CLIENT=1: the HEADs took no slot, so the stream gets it.
      const stream = new RawSseClient(`${server.httpUrl}/v1/leaderboards/rating/stream`, { authorization: `Bearer ${token}` });
      try {
        await waitFor(() => stream.events.length > 0, "the stream's snapshot");
        assert.equal(stream.status, 200);
      } finally {
        stream.destroy();
      }
    });

    it("table: malformed parameters and bodies get a 400 whose message names the fix", async () => {
      const auth = { authorization: `Bearer ${token}` };
      const cases: { path: string; method?: string; headers?: Record<string, string>; body?: string; status: number; code: string; message: RegExp; not?: RegExp }[] = [
        { path: "/v1/matches/results?after=x:1&wait=abc", headers: auth, status: 400, code: "VALIDATION_FAILED", message: /wait must be a number of seconds from 0 to 3600/, not: /NaN/ },
        { path: "/v1/leaderboards/rating/changes?wait=abc", status: 400, code: "VALIDATION_FAILED", message: /wait must be a number of seconds/, not: /NaN/ },
        { path: "/v1/leaderboards/rating/stream?top=lots", status: 400, code: "VALIDATION_FAILED", message: /top must be a whole number from 1 to 100/, not: /NaN/ },
        { path: "/v1/leaderboards/rating?limit=x", status: 400, code: "VALIDATION_FAILED", message: /limit must be a whole number from 1 to 100/, not: /NaN/ },
        { path: "/v1/leagues/lg_zz", headers: auth, status: 400, code: "VALIDATION_FAILED", message: /not a league id \(lg_ and 16 hex digits/ },
        {
          path: "/v1/auth/guest",
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "   " }),
          status: 400,
          code: "VALIDATION_FAILED",
          message: /name must not be empty/,
          not: /control/,
        },
      ];
      for (const c of cases) {
        const answer = await call(server.httpUrl, c.method ?? "GET", c.path, { headers: c.headers, body: c.body });
        const what = `${c.method ?? "GET"} ${c.path}: ${JSON.stringify(answer.body)}`;
        assert.equal(answer.status, c.status, what);
        assert.equal(errorOf(answer).code, c.code, what);
        assert.match(errorOf(answer).message, c.message, what);
        if (c.not) assert.doesNotMatch(JSON.stringify(answer.body), c.not, what);
      }
    });

    it("refreshing an expired token says to sign in again (an expired token cannot be refreshed)", async () => {
      const yesterday = Math.floor(Date.now() / 1000) - 86_400;
      const expired = await new TokenService({ secret: TEST_TOKEN_SECRET, ttlSeconds: 60, now: () => yesterday }).issue({ playerId: "p_expired00000", name: "Old" });
      const answer = await call(server.httpUrl, "POST", "/v1/auth/refresh", { headers: { authorization: `Bearer ${expired.token}` } });
      assert.equal(answer.status, 401);
      assert.equal(errorOf(answer).code, "TOKEN_EXPIRED");
      assert.match(errorOf(answer).message, /cannot be refreshed; sign in again/);
      assert.doesNotMatch(errorOf(answer).message, /refresh it/);
    });

    it("/favicon.ico is an empty 204 a browser caches, not a JSON 404", async () => {
      const answer = await call(server.httpUrl, "GET", "/favicon.ico");
      assert.equal(answer.status, 204);
      assert.equal(answer.body, "");
      assert.match(answer.headers.get("cache-control") ?? "", /max-age=\d+/);
    });
  });

  it("matchmaking while Redis is down answers 503 STORE_UNAVAILABLE with Retry-After at once", async function () {
    this.timeout(60_000);
    const redis = await RedisChild.start({ persistent: false });
    const server = await startTestServer({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `test:mm-down:${process.pid}:${Date.now()}:` } });
    try {
      const { token } = await server.guestToken("Ada");
      await redis.kill();
      await waitFor(() => !server.server.stores.available, "the store to notice Redis is gone");
      const answer = await call(server.httpUrl, "POST", "/matchmake/joinOrCreate/game", {
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ teamSize: 1 }),
      });
      assert.equal(answer.status, 503, JSON.stringify(answer.body));
      assert.equal(errorOf(answer).code, "STORE_UNAVAILABLE");
      assert.match(errorOf(answer).message, /retry shortly/);
      assert.equal(answer.headers.get("retry-after"), "2");
    } finally {
      await redis.start();
      await server.close();
      await redis.stop();
    }
  });

  describe("log hygiene", () => {
    it("3,000 aborted requests write debug lines, not 3,000 warnings", async function () {
      this.timeout(120_000);
      const lines: { level: number; msg: string }[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line) as { level: number; msg: string });
          done();
        },
      });
      const { config } = loadConfig({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY, LOG_LEVEL: "debug", SHUTDOWN_GRACE_MS: "2000" });
      const server: AppServer = await createServer({ config, logger: createLogger("debug", {}, destination) });
      const { port } = await server.listen();
      try {
        const requests = (kind: string) => lines.filter((l) => l.msg === kind).length;
        const before = requests("request");
        /** A POST whose client hangs up mid-body, once the server has taken the request (it answered 100 Continue). */
        const abortOne = () =>
          new Promise<void>((resolve, reject) => {
            const socket = net.connect(port, "127.0.0.1");
            socket.on("error", reject);
            socket.once("data", () => {
              socket.write("{");
              socket.destroy();
              resolve();
            });
            socket.write("POST /v1/auth/guest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n");
          });
        for (let batch = 0; batch < 30; batch++) await Promise.all(Array.from({ length: 100 }, abortOne));
        await waitFor(() => requests("request") - before >= 3000, "3,000 aborted requests logged as finished", 60_000);
        const warnings = lines.filter((l) => l.level >= 40);
        assert.ok(warnings.length <= 11, `${warnings.length} warn/error lines, e.g. ${JSON.stringify(warnings.slice(0, 3))}`);
        assert.ok(requests("client went away before the answer") > 0, "aborts are logged at debug");
      } finally {
        await server.close();
      }
    });

    it("LogThrottle: repeated lines of one kind are rate-limited and summed up; other kinds are not affected", async () => {
      const lines: { level: number; msg: string; kind?: string; suppressed?: number }[] = [];
      const destination = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
          done();
        },
      });
      const throttle = new LogThrottle(createLogger("info", {}, destination), { perWindow: 5, windowMs: 200 });
      for (let i = 0; i < 3000; i++) throttle.warn("flood", { i }, "the same warning");
      throttle.warn("other", {}, "another kind");
      assert.equal(lines.filter((l) => l.msg === "the same warning").length, 5);
      assert.equal(lines.filter((l) => l.kind === "other").length, 1);
      const summary = await waitFor(() => lines.find((l) => l.suppressed !== undefined), "the summary line at the end of the window");
      assert.equal(summary.suppressed, 2995);
      assert.equal(summary.kind, "flood");
      // A new window writes again.
      throttle.warn("flood", {}, "the same warning");
      assert.equal(lines.filter((l) => l.msg === "the same warning").length, 6);
    });
  });
});
