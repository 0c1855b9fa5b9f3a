import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { once } from "node:events";
import { HeldConnection } from "../../api/held-connection.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * Open SSE streams and parked long polls are held outside Node's HTTP server
 * (api/held-connection.ts): the parser, request, response and Koa context are
 * released while they wait, and the head and body are written to the socket.
 * Seen from a raw socket, nothing may differ from an ordinary answer: the
 * same headers, the same framing, and a kept-alive connection that serves
 * the client's next request.
 */

/** One raw HTTP/1.1 connection that reads responses one after another (Content-Length or chunked). */
class RawConnection {
  readonly socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  closed = false;

  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    this.socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    this.socket.on("close", () => {
      this.closed = true;
      this.#wake();
    });
    this.socket.on("error", () => undefined);
  }

  get pending(): string {
    return this.#buffer.toString("latin1");
  }

  send(request: string): void {
    this.socket.write(request);
  }

  /** The next complete response: status, lower-cased headers, body (chunked bodies de-framed). */
  async response(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    for (;;) {
      const parsed = this.#parse();
      if (parsed) return parsed;
      if (this.closed) throw new Error(`connection closed with ${JSON.stringify(this.pending)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Waits until `predicate` holds for the bytes received so far (or the connection closes). */
  async until(predicate: (text: string) => boolean): Promise<string> {
    while (!predicate(this.pending)) {
      if (this.closed) throw new Error(`connection closed with ${JSON.stringify(this.pending)}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.pending;
  }

  async closedByServer(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #parse(): { status: number; headers: Record<string, string>; body: string } | undefined {
    const text = this.#buffer.toString("latin1");
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) return undefined;
    const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine.split(" ")[1]);
    let rest = text.slice(end + 4);
    let body = "";
    let consumed: number;
    if (headers["transfer-encoding"] === "chunked") {
      let offset = 0;
      for (;;) {
        const lineEnd = rest.indexOf("\r\n", offset);
        if (lineEnd < 0) return undefined;
        const size = parseInt(rest.slice(offset, lineEnd), 16);
        if (rest.length < lineEnd + 2 + size + 2) return undefined;
        body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
        offset = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      consumed = end + 4 + offset;
    } else {
      const length = Number(headers["content-length"] ?? 0);
      if (rest.length < length) return undefined;
      body = rest.slice(0, length);
      consumed = end + 4 + length;
    }
    rest = "";
    this.#buffer = this.#buffer.subarray(consumed);
    return { status, headers, body };
  }
}

async function metric(server: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

async function record(server: TestServer, matchId: string) {
  const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(makeResult({ matchId })),
  });
  assert.equal(response.status, 201, await response.clone().text());
}

const get = (path: string, headers: Record<string, string> = {}) =>
  `GET ${path} HTTP/1.1\r\nHost: test\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;

let matchCounter = 0;
const newMatchId = () => `m_held${process.pid}x${++matchCounter}`;

describe("streams and parked polls held outside Node's HTTP server", function () {
  this.timeout(30_000);
  const server = useTestServer({ env: { STREAM_LIFETIME_MS: "1500", STREAM_HEARTBEAT_MS: "60000", HTTP_KEEP_ALIVE_TIMEOUT_MS: "1500" } });

  /** The feed's head cursor, and a token. */
  async function feedStart() {
    const { token } = await server.guestToken();
    const head = (await (await fetch(`${server.httpUrl}/v1/matches/results`, { headers: { authorization: `Bearer ${token}` } })).json()) as { cursor: string };
    return { token, cursor: head.cursor };
  }

  it("a parked poll is held (the gauge counts it), answered with the chain's headers, and the same connection serves the next request", async () => {
    const { token, cursor } = await feedStart();
    const connection = new RawConnection(server.port);
    try {
      const before = await metric(server, "http_held_connections");
      connection.send(get(`/v1/matches/results?after=${cursor}&wait=20`, { Authorization: `Bearer ${token}`, "X-Request-Id": "held-poll-1", Origin: "https://game.example" }));
      await waitFor(async () => (await metric(server, "http_held_connections")) === before + 1, "the parked poll to be held");
      const matchId = newMatchId();
      await record(server, matchId);
      const answer = await connection.response();
      assert.equal(answer.status, 200);
      assert.equal(answer.headers["x-request-id"], "held-poll-1");
      assert.equal(answer.headers["cache-control"], "no-store");
      assert.equal(answer.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(answer.headers["access-control-allow-origin"], "https://game.example");
      assert.equal(answer.headers.connection, "keep-alive");
      assert.equal(Number(answer.headers["content-length"]), Buffer.byteLength(answer.body));
      assert.ok(answer.headers.date, "a Date header, as Node writes");
      const body = JSON.parse(answer.body) as { changed: boolean; results: { matchId: string }[] };
      assert.equal(body.changed, true);
      assert.deepEqual(
        body.results.map((r) => r.matchId),
        [matchId],
      );
      assert.equal(await metric(server, "http_held_connections"), before);
      // Keep-alive: the next request on the same socket is parsed by Node again.
      connection.send(get("/healthz"));
      const next = await connection.response();
      assert.equal(next.status, 200);
      assert.equal(connection.closed, false);
    } finally {
      connection.destroy();
    }
  });

  it("a held poll's request is logged and measured when it is answered (http_request_duration_seconds counts the route)", async () => {
    const series = 'http_request_duration_seconds_count{method="GET",route="/v1/matches/results"}';
    const count = () => metric(server, series);
    const { token, cursor } = await feedStart();
    const before = await count();
    const connection = new RawConnection(server.port);
    try {
      connection.send(get(`/v1/matches/results?after=${cursor}&wait=1`, { Authorization: `Bearer ${token}` }));
      await waitFor(async () => (await metric(server, "longpoll_pending")) === 1, "the poll to park");
      assert.equal(await count(), before, "not counted while held");
      const answer = await connection.response();
      assert.equal(answer.status, 200);
      await waitFor(async () => (await count()) === before + 1, "the held poll to be counted once answered");
    } finally {
      connection.destroy();
    }
  });

  it("a client that leaves a held poll frees its slot and its connection", async () => {
    const { token, cursor } = await feedStart();
    const before = await metric(server, "http_held_connections");
    const connection = new RawConnection(server.port);
    connection.send(get(`/v1/matches/results?after=${cursor}&wait=20`, { Authorization: `Bearer ${token}` }));
    await waitFor(async () => (await metric(server, "http_held_connections")) === before + 1, "the poll to be held");
    assert.equal(await metric(server, "longpoll_pending"), 1);
    connection.destroy();
    await waitFor(async () => (await metric(server, "http_held_connections")) === before, "the held connection to be released");
    await waitFor(async () => (await metric(server, "longpoll_pending")) === 0, "the waiter to be cancelled");
  });

  it("bytes pipelined behind a held poll are not read: the answer says Connection: close and the connection ends", async () => {
    const { token, cursor } = await feedStart();
    const connection = new RawConnection(server.port);
    try {
      connection.send(get(`/v1/matches/results?after=${cursor}&wait=1`, { Authorization: `Bearer ${token}` }));
      await waitFor(async () => (await metric(server, "longpoll_pending")) === 1, "the poll to park");
      connection.send(get("/healthz"));
      const answer = await connection.response();
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.connection, "close");
      assert.deepEqual(JSON.parse(answer.body).results, []);
      await connection.closedByServer();
      assert.equal(connection.pending, "", "nothing after the answer: the pipelined request is left for a new connection");
    } finally {
      connection.destroy();
    }
  });

  it("a kept-alive connection left idle after a held answer is closed silently after HTTP_KEEP_ALIVE_TIMEOUT_MS (no 408)", async () => {
    const { token, cursor } = await feedStart();
    const connection = new RawConnection(server.port);
    try {
      connection.send(get(`/v1/matches/results?after=${cursor}&wait=1`, { Authorization: `Bearer ${token}` }));
      const answer = await connection.response();
      assert.equal(answer.status, 200);
      assert.equal(answer.headers["keep-alive"], "timeout=1");
      await connection.closedByServer();
      assert.equal(connection.pending, "");
    } finally {
      connection.destroy();
    }
  });

  it("an SSE stream is held: chunked events with the stream's headers, and when its lifetime ends the connection serves the next request", async () => {
    const created = await fetch(`${server.httpUrl}/v1/admin/leaderboards`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify({ id: "held", operator: "set" }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const connection = new RawConnection(server.port);
    try {
      const before = await metric(server, "http_held_connections");
      connection.send(get("/v1/leaderboards/held/stream?top=3", { Accept: "text/event-stream", Origin: "https://page.example" }));
      const opened = await connection.until((text) => text.includes("event: snapshot"));
      assert.match(opened, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(opened, /\r\ncontent-type: text\/event-stream; charset=utf-8\r\n/i);
      assert.match(opened, /\r\ntransfer-encoding: chunked\r\n/i);
      assert.match(opened, /\r\naccess-control-allow-origin: https:\/\/page\.example\r\n/i);
      assert.match(opened, /\r\nx-accel-buffering: no\r\n/i);
      await waitFor(async () => (await metric(server, "http_held_connections")) === before + 1, "the stream to be held");
      // STREAM_LIFETIME_MS=1500: the server ends the stream with the last chunk and keeps the connection.
      const stream = await connection.response();
      assert.equal(stream.status, 200);
      assert.match(stream.body, /^retry: \d+\n\n: stream open\n\n/);
      assert.match(stream.body, /event: snapshot\nid: [^\n]+\ndata: \{/);
      connection.send(get("/healthz"));
      const next = await connection.response();
      assert.equal(next.status, 200);
    } finally {
      connection.destroy();
    }
  });
});

describe("a held connection's handle acts only on its own request", () => {
  it("one connection held for request after request: an earlier request's handle can no longer answer, write or drop it", async () => {
    // A plain node:http server that holds every request, as the long-poll and SSE routes do.
    const handles: (HeldConnection | undefined)[] = [];
    const closed: number[] = [];
    const server = http.createServer((req, res) => {
      const round = handles.length + 1;
      res.setHeader("X-Round", String(round));
      // Once the request is complete (a route takes it after its awaits).
      req.resume().on("end", () => setImmediate(() => handles.push(HeldConnection.take(req, res, () => closed.push(round)))));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const connection = new RawConnection((server.address() as net.AddressInfo).port);
    try {
      connection.send(get("/one"));
      await waitFor(() => handles.length === 1, "the first request to be held");
      const first = handles[0]!;
      assert.ok(first, "Node 22/24 take the held path");
      first.answer(200, { "Content-Type": "text/plain" }, "first");
      const one = await connection.response();
      assert.deepEqual([one.status, one.headers["x-round"], one.headers.connection, one.body], [200, "1", "keep-alive", "first"]);

      connection.send(get("/two"));
      await waitFor(() => handles.length === 2, "the second request to be held on the same connection");
      const second = handles[1]!;
      assert.ok(second, "held again");
      assert.equal(second.socket, first.socket, "the same socket");
      // The first handle's request is over: each of these must leave the second request alone.
      first.answer(500, {}, "stale");
      assert.equal(first.write(Buffer.from("stale bytes")), false);
      first.endChunked();
      first.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(connection.closed, false, "the connection is still open");
      assert.equal(connection.pending, "", "nothing was written for the first handle");
      second.answer(200, { "Content-Type": "text/plain" }, "second");
      const two = await connection.response();
      assert.deepEqual([two.status, two.headers["x-round"], two.body], [200, "2", "second"]);

      // A third request, then the client leaves: only the third's onClose runs.
      connection.send(get("/three"));
      await waitFor(() => handles.length === 3, "the third request to be held");
      connection.destroy();
      await waitFor(() => closed.length === 1, "the held request's onClose");
      assert.deepEqual(closed, [3]);
    } finally {
      connection.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});
