import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, HttpError, SdkError, type FetchLike, type RecordedMatchResult, type SpectateMessage } from "../../client-sdk/index.ts";
import type { MatchResult } from "../../shared/index.ts";
import { TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { makeResult } from "../helpers/store-harness.ts";

async function record(server: TestServer, result: MatchResult): Promise<RecordedMatchResult> {
  const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(result),
  });
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return (JSON.parse(text) as { result: RecordedMatchResult }).result;
}

/** The platform fetch, counting requests per path (to see re-polls without timing them). */
function countingFetch() {
  const counts = new Map<string, number>();
  const fetchImpl: FetchLike = (input, init) => {
    const path = new URL(input).pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    return fetch(input, init);
  };
  return { fetch: fetchImpl, count: (path: string) => counts.get(path) ?? 0 };
}

describe("sdk: client.matches (long polling)", function () {
  this.timeout(30_000);

  const server = useTestServer();

  it("waitForResult re-polls across several timeouts and resolves when the result is recorded", async () => {
    const counter = countingFetch();
    const client = createClient({ url: server.httpUrl, fetch: counter.fetch });
    await client.auth.signInAsGuest("Waiter");
    const result = makeResult();
    await server.server.stores.results.expect(result.matchId, 60);
    const path = `/v1/matches/${result.matchId}/result`;
    const waiting = client.matches.waitForResult(result.matchId, { wait: 1 });
    await waitFor(() => counter.count(path) >= 3, "three polls (two timed out)", 10_000);
    const recorded = await record(server, result);
    const got = await waiting;
    assert.equal(got.matchId, result.matchId);
    assert.equal(got.seq, recorded.seq);
    assert.deepEqual(got.teams, result.teams);
  });

  it("waitForResult answers at once for a recorded match, and get/history read it", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Reader");
    const result = makeResult();
    await record(server, result);
    assert.equal((await client.matches.waitForResult(result.matchId)).matchId, result.matchId);
    assert.equal((await client.matches.get(result.matchId)).seq, (await client.matches.waitForResult(result.matchId)).seq);
    const history = await client.matches.history(result.players[0]!.playerId, { limit: 100 });
    assert.ok(history.results.some((r) => r.matchId === result.matchId));
  });

  it("waitForResult rejects with HttpError NOT_FOUND for a match that can never answer", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Lost");
    await assert.rejects(client.matches.waitForResult("m_neverexisted01", { wait: 1 }), (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 404);
      assert.equal(error.code, "NOT_FOUND");
      return true;
    });
    await assert.rejects(client.matches.get("m_neverexisted01"), (error: unknown) => error instanceof HttpError && error.status === 404);
  });

  it("waitForResult stops when its signal aborts", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Quitter");
    const result = makeResult();
    await server.server.stores.results.expect(result.matchId, 60);
    const controller = new AbortController();
    const waiting = client.matches.waitForResult(result.matchId, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(waiting, (error: unknown) => error instanceof SdkError && error.code === "ABORTED");
  });

  it("feed yields every result exactly once, in order, across a stream of results", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Feeder");
    const head = await client.http.call("GET /v1/matches/results", { query: {} });
    const controller = new AbortController();
    const feed = client.matches.feed({ after: head.cursor, wait: 1, limit: 3, signal: controller.signal });
    const seen: RecordedMatchResult[] = [];
    const total = 15;
    const reading = (async () => {
      for await (const result of feed) {
        seen.push(result);
        if (seen.length === total) break;
      }
    })();
    const recorded: string[] = [];
    for (let i = 0; i < total; i++) {
      const result = makeResult();
      recorded.push(result.matchId);
      await record(server, result);
      // Random gaps: some results land while a poll is parked, some between polls, some in one batch.
      if (Math.random() < 0.5) await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
    }
    await reading;
    controller.abort();
    assert.deepEqual(
      seen.map((r) => r.matchId),
      recorded,
    );
    assert.ok(seen.every((r, i) => i === 0 || r.seq === seen[i - 1]!.seq + 1));
    assert.equal(feed.cursor?.split(":")[1], String(seen.at(-1)!.seq));
  });

  it("feed starts over from the epoch's beginning on a cursor from another epoch (reset), each result once", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Resetter");
    const earlier = await record(server, makeResult());
    const controller = new AbortController();
    const feed = client.matches.feed({ after: "someotherepoch:5", wait: 1, limit: 100, signal: controller.signal });
    const seen: string[] = [];
    const later = makeResult();
    for await (const result of feed) {
      seen.push(result.matchId);
      if (result.matchId === earlier.matchId) await record(server, later);
      if (result.matchId === later.matchId) break;
    }
    controller.abort();
    assert.ok(seen.includes(earlier.matchId));
    assert.equal(new Set(seen).size, seen.length);
    assert.equal(seen.at(-1), later.matchId);
  });

  it("spectate gets live state frames, then `finished` with the result, and closes", async () => {
    const client = createClient({ url: server.httpUrl });
    const result = makeResult();
    await server.server.stores.results.expect(result.matchId, 60);
    const messages: SpectateMessage[] = [];
    const states: string[] = [];
    const spectator = client.matches.spectate(result.matchId, (message) => messages.push(message));
    spectator.on("state", (change) => states.push(`${change.to}:${change.reason}`));
    await waitFor(() => spectator.state === "open", "the spectate stream open");
    // A game room publishes frames through the store's spectator feed; here the test plays the room.
    for (let seq = 1; seq <= 3; seq++) server.server.stores.spectators.publish({ matchId: result.matchId, seq, ts: Date.now(), state: { phase: "playing", seq } });
    await waitFor(() => messages.length >= 3, "three frames");
    await record(server, result);
    await waitFor(() => spectator.state === "closed", "closed after finished");
    const last = messages.at(-1)!;
    assert.equal(last.event, "finished");
    if (last.event === "finished") assert.equal(last.data.result.matchId, result.matchId);
    assert.deepEqual(
      messages.filter((m) => m.event === "state").map((m) => (m.event === "state" ? m.data.seq : -1)),
      [1, 2, 3],
    );
    assert.equal(spectator.result?.matchId, result.matchId);
    assert.equal(spectator.error, undefined);
    // The loop starts after the constructor returns (as rooms and league streams do), so a listener sees the whole lifecycle.
    assert.deepEqual(states, ["connecting:connect", "open:opened", "closed:server-close"]);
  });

  it("spectate closes with HttpError NOT_FOUND for an unknown match", async () => {
    const client = createClient({ url: server.httpUrl });
    const spectator = client.matches.spectate("m_neverexisted02", () => undefined);
    await waitFor(() => spectator.state === "closed", "closed");
    assert.ok(spectator.error instanceof HttpError);
    assert.equal(spectator.error.status, 404);
  });

  it("refreshes the token once on 401 while waiting (a fake server)", async () => {
    const auths: (string | undefined)[] = [];
    const fake = http.createServer((req, res) => {
      auths.push(req.headers.authorization);
      if (req.headers.authorization !== "Bearer t2") {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "TOKEN_EXPIRED", message: "expired" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ cursor: "r1", final: true, changed: true, result: { ...makeResult({ matchId: "m_fakeresult02" }), seq: 1, recordedAt: "" } }));
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    try {
      let n = 0;
      const client = createClient({ url: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, getToken: () => `t${++n}` });
      assert.equal((await client.matches.waitForResult("m_fakeresult02")).matchId, "m_fakeresult02");
      assert.deepEqual(auths, ["Bearer t1", "Bearer t2"]);
    } finally {
      fake.closeAllConnections();
      await new Promise<void>((resolve) => fake.close(() => resolve()));
    }
  });

  it("honours Retry-After on 503 while waiting (a fake server)", async () => {
    const at: number[] = [];
    const fake = http.createServer((_req, res) => {
      at.push(Date.now());
      if (at.length === 1) {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
        res.end(JSON.stringify({ error: { code: "DRAINING", message: "draining" } }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ cursor: "r1", final: true, changed: true, result: { ...makeResult({ matchId: "m_fakeresult01" }), seq: 1, recordedAt: "" } }));
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    try {
      const client = createClient({ url: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`, getToken: () => "t", backoff: { minMs: 10, maxMs: 20 } });
      const result = await client.matches.waitForResult("m_fakeresult01");
      assert.equal(result.matchId, "m_fakeresult01");
      // The backoff alone would have waited ≤ 20 ms; the server asked for a second.
      assert.ok(at[1]! - at[0]! >= 1000);
    } finally {
      fake.closeAllConnections();
      await new Promise<void>((resolve) => fake.close(() => resolve()));
    }
  });
});
