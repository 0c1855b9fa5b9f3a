import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import { makeResult } from "../helpers/store-harness.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * Limits that used to be literals, each through its configuration variable:
 * the HTTP keep-alive timeout and the `retry:` hints of SSE streams.
 */
describe("named limits: keep-alive timeout and SSE retry hints come from the configuration", function () {
  this.timeout(30_000);
  const server = useTestServer({ env: { HTTP_KEEP_ALIVE_TIMEOUT_MS: "1000", STREAM_RETRY_MS: "20000", SPECTATE_RETRY_MS: "40000", HTTP_LISTEN_BACKLOG: "1234" } });

  it("HTTP_LISTEN_BACKLOG: the listening socket's backlog, as the kernel reports it (ss: Send-Q of a listener)", function () {
    let out: string;
    try {
      out = execFileSync("ss", ["-ltnH", `sport = :${server.port}`], { encoding: "utf8" });
    } catch {
      // No iproute2 on this machine: nothing to read the backlog with.
      return this.skip();
    }
    const [, , sendQ] = out.trim().split(/\s+/);
    assert.equal(Number(sendQ), 1234, out);
  });

  it("HTTP_KEEP_ALIVE_TIMEOUT_MS: the server closes a keep-alive connection left idle after a request", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    let received = "";
    let closed = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("close", () => (closed = true));
    socket.on("error", () => undefined);
    try {
      socket.write("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n");
      await waitFor(() => received.includes("\r\n\r\n") && received.includes('"status"'), "the answer");
      assert.match(received, /^HTTP\/1\.1 200 /);
      assert.match(received, /keep-alive: timeout=1\b/i, "the Keep-Alive header names the configured timeout");
      // The default (65 s) would outlast this wait by far.
      await waitFor(() => closed, "the server to close the idle connection", 10_000);
    } finally {
      socket.destroy();
    }
  });

  it("STREAM_RETRY_MS: a leaderboard stream opens with its retry hint (±50%)", async () => {
    const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/rating/stream?top=3`);
    try {
      const retry = await waitFor(() => client.retry, "the retry hint");
      assert.ok(retry >= 10_000 && retry <= 30_000, `retry: ${retry}`);
    } finally {
      client.destroy();
    }
  });

  it("SPECTATE_RETRY_MS: a spectator stream opens with its own retry hint (±50%)", async () => {
    const result = makeResult();
    const recorded = await fetch(`${server.httpUrl}/v1/admin/match-results`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
      body: JSON.stringify(result),
    });
    assert.equal(recorded.status, 201, await recorded.text());
    const viewer = new RawSseClient(`${server.httpUrl}/v1/matches/${result.matchId}/spectate`);
    try {
      await waitFor(() => viewer.ended, "the recorded match's stream to end");
      assert.deepEqual(viewer.events.map((e) => e.event), ["finished"]);
      assert.ok(viewer.retry !== undefined && viewer.retry >= 20_000 && viewer.retry <= 60_000, `retry: ${viewer.retry}`);
    } finally {
      viewer.destroy();
    }
  });
});
