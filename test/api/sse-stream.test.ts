import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { formatCursor, formatEvent, parseCursor } from "../../api/sse/event-format.ts";
import { SseStream, type SseCloseReason, type SseStreamOptions } from "../../api/sse/sse-stream.ts";
import type { LeaderboardDeltaEvent } from "../../shared/leaderboard-table.ts";
import type { SpectateStateEvent } from "../../shared/spectate.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * Compile-time checks (tsc runs over this file; this function never runs):
 * the event writer takes only the shared SSE events (shared/sse-events.ts),
 * each with its own payload.
 */
export function sseEventTypes(frame: SpectateStateEvent): void {
  formatEvent("state", undefined, frame);
  // @ts-expect-error: not an event of any stream
  formatEvent("snapshots", undefined, frame);
  // @ts-expect-error: a spectate frame is not a leaderboard delta
  formatEvent("delta", "e:1", frame);
}

/** A raw HTTP server whose every request becomes an SseStream (exact control of the stream in tests). */
async function serveStreams(options: Partial<SseStreamOptions>, onStream: (stream: SseStream) => void) {
  const closes: SseCloseReason[] = [];
  const server = http.createServer((_req, res) => {
    const stream = new SseStream(res, {
      heartbeatMs: 15_000,
      lifetimeMs: 600_000,
      retryMs: 2000,
      writeDeadlineMs: 5000,
      ...options,
      onClose: (reason) => closes.push(reason),
    });
    stream.open();
    onStream(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    closes,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function read(url: string) {
  const chunks: string[] = [];
  let response!: http.IncomingMessage;
  const request = http.get(url, (res) => {
    response = res;
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => chunks.push(chunk));
  });
  request.on("error", () => undefined);
  return { text: () => chunks.join(""), response: () => response, request };
}

describe("SSE stream", () => {
  it("formats events once as WHATWG SSE and round-trips cursors", () => {
    const delta: LeaderboardDeltaEvent = { prevVersion: 6, version: 7, ops: [["update", 1, { name: "x\ny" }]], total: 1, ts: 1 };
    assert.equal(formatEvent("delta", "e1:7", delta).toString(), `event: delta\nid: e1:7\ndata: ${JSON.stringify(delta)}\n\n`);
    assert.doesNotMatch(JSON.stringify(delta), /\n/, "one data: line: JSON escapes the newline");
    assert.deepEqual(parseCursor("abc-1:42"), { epoch: "abc-1", offset: 42 });
    assert.equal(formatCursor({ epoch: "abc-1", offset: 42 }), "abc-1:42");
    for (const bad of ["", "abc", "abc:", ":1", "a:b", "a:-1", "a b:1", `${"x".repeat(65)}:1`, "a:1234567890123456"]) {
      assert.equal(parseCursor(bad), undefined, bad);
    }
  });

  it("answers 200 with the SSE headers and sends retry + a comment at once, then heartbeats", async () => {
    const served = await serveStreams({ heartbeatMs: 40 }, () => undefined);
    const client = read(served.url);
    try {
      await waitFor(() => client.text().includes(": stream open"), "opening bytes");
      const res = client.response();
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers["content-type"], "text/event-stream; charset=utf-8");
      assert.equal(res.headers["cache-control"], "no-cache, no-store");
      assert.equal(res.headers["x-accel-buffering"], "no");
      assert.equal(res.headers["content-encoding"], undefined);
      assert.match(client.text(), /^retry: \d+\n\n: stream open\n\n/);
      await waitFor(() => (client.text().match(/: heartbeat\n\n/g) ?? []).length >= 2, "two heartbeats");
    } finally {
      client.request.destroy();
      await served.close();
    }
  });

  it("ends the stream at its lifetime, and never later than notAfter", async () => {
    const served = await serveStreams({ lifetimeMs: 60_000, notAfter: Date.now() + 150 }, () => undefined);
    const client = read(served.url);
    try {
      await waitFor(() => served.closes.includes("lifetime"), "the stream to end at notAfter", 3000);
      await waitFor(() => client.response()?.complete, "the response to complete cleanly");
    } finally {
      await served.close();
    }
  });

  it("drops a client that stops reading once the write deadline passes", async () => {
    let stream!: SseStream;
    const served = await serveStreams({ writeDeadlineMs: 200 }, (s) => (stream = s));
    const client = read(served.url);
    try {
      await waitFor(() => client.response(), "response");
      client.response().pause(); // the client stops reading
      // Like a conflating publisher: write only while the socket is not congested.
      const chunk = Buffer.alloc(256 * 1024, "x");
      let sawCongestion = false;
      const publisher = setInterval(() => {
        if (stream.congested) sawCongestion = true;
        else stream.write(chunk);
      }, 5);
      try {
        await waitFor(() => served.closes.includes("slow-consumer"), "the slow consumer to be dropped", 10_000);
      } finally {
        clearInterval(publisher);
      }
      assert.ok(sawCongestion, "the socket reported backpressure");
      assert.ok(stream.closed);
    } finally {
      client.request.destroy();
      await served.close();
    }
  });

  it("notices a client that goes away", async () => {
    const served = await serveStreams({}, () => undefined);
    const client = read(served.url);
    await waitFor(() => client.text().includes("stream open"), "open");
    client.request.destroy();
    await waitFor(() => served.closes.includes("client-closed"), "close noticed");
    await served.close();
  });
});
