import assert from "node:assert/strict";
import { JoinAttemptLimiter } from "../../api/middleware/join-attempts.ts";
import { HttpError, createClient, type RoomRetryEvent } from "../../client-sdk/index.ts";
import { projectRooms } from "../../rooms/index.ts";
import type { ErrorBody } from "../../shared/index.ts";
import { probeRoom } from "../helpers/probe-room.ts";
import { RedisChild } from "../helpers/redis-child.ts";
import { makeResult } from "../helpers/store-harness.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { startTestServer, TEST_ADMIN_KEY, useTestServer, type TestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { probeContract } from "../helpers/probe-contract.ts";
import { openSeat, rawJoin, type SeatReservation } from "../helpers/raw-join.ts";

/**
 * The HTTP-side limits (docs/operations.md "Limits"), each through its named option and
 * documented error: join attempts (JOIN_ATTEMPTS_PER_MINUTE), concurrent
 * streams per player vs per IP (STREAMS_PER_CLIENT), the body limit
 * (HTTP_BODY_LIMIT_BYTES), the long-poll hold (LONG_POLL_MAX_WAIT_SECONDS) and
 * the WebSocket liveness pings (WS_PING_INTERVAL_MS, WS_PING_MAX_RETRIES),
 * the result outbox while Redis is down (RESULT_OUTBOX_LIMIT), the stream
 * resume history (STREAM_HISTORY).
 * Pending polls per player (POLLS_PER_CLIENT) are in test/api/match-polling.test.ts.
 */

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function call(server: TestServer, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.httpUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (Colyseus's own errors are JSON too; kept raw otherwise)
  }
  return { status: response.status, headers: response.headers, body };
}

const matchmake = (server: TestServer, path: string, token?: string, headers?: Record<string, string>) => call(server, "POST", `/matchmake/${path}`, { token, body: {}, headers });

/** A matchmake answer that reserved a seat: take it and leave (an untaken reservation holds a timer past the server's close). */
async function seated(server: TestServer, answer: Answer, token: string): Promise<number> {
  if (answer.status === 200) {
    const seat = await openSeat(server, token, answer.body as SeatReservation);
    await seat.leave();
  }
  return answer.status;
}

function assertRateLimited(answer: Answer, what: string): void {
  assert.equal(answer.status, 429, `${what}: ${JSON.stringify(answer.body)}`);
  assert.equal((answer.body as ErrorBody).error.code, "RATE_LIMITED", what);
  assert.deepEqual((answer.body as ErrorBody).error.details, { limit: "JOIN_ATTEMPTS_PER_MINUTE", perMinute: 1 }, what);
  // One attempt a minute: the next one is allowed in (just under) 60 s.
  const retryAfter = Number(answer.headers.get("retry-after"));
  assert.ok(retryAfter >= 59 && retryAfter <= 60, `${what}: Retry-After ${retryAfter}`);
}

describe("reliability: limits", function () {
  this.timeout(20_000);

  describe("join attempts (JOIN_ATTEMPTS_PER_MINUTE=1: refills one per minute, so nothing refills during a test)", () => {
    const server = useTestServer({ env: { JOIN_ATTEMPTS_PER_MINUTE: "1" }, rooms: (deps) => [...projectRooms(deps), probeRoom(deps)] });

    it("matchmaking joins: one budget per player, any outcome counts; other players, and reconnects, are not affected", async () => {
      const ada = (await server.guestToken("Ada")).token;
      const bo = (await server.guestToken("Bo")).token;
      // The first attempt goes through to the matchmaker (an unknown room type: Colyseus's 520), and counts.
      assert.equal((await matchmake(server, "joinOrCreate/no_such_room", ada)).status, 520);
      for (const path of ["joinOrCreate/probe", "create/probe", "join/probe", "joinById/abcdefgh"]) {
        assertRateLimited(await matchmake(server, path, ada), `Ada ${path}`);
      }
      // Another player from the same IP has a budget of their own.
      assert.equal(await seated(server, await matchmake(server, "create/probe", bo), bo), 200);
      assertRateLimited(await matchmake(server, "create/probe", bo), "Bo's second");
      // A reconnect is not a join attempt: it reaches the matchmaker (which refuses the made-up token).
      const reconnect = await call(server, "POST", "/matchmake/reconnect/abcdefgh", { body: { reconnectionToken: "abcdefgh:nope" } });
      assert.notEqual(reconnect.status, 429);
      // CORS preflights are not attempts either.
      const preflight = await fetch(`${server.httpUrl}/matchmake/joinOrCreate/probe`, { method: "OPTIONS", headers: { origin: "http://game.example", "access-control-request-method": "POST" } });
      assert.equal(preflight.status, 204);
    });

    it("league joins by invite code share the player's budget", async () => {
      const cy = (await server.guestToken("Cy")).token;
      const first = await call(server, "POST", "/v1/leagues/join", { token: cy, body: { inviteCode: "ABCDEFGH", teamName: "Guessers" } });
      assert.equal(first.status, 404, "an unknown invite code, counted");
      assertRateLimited(await call(server, "POST", "/v1/leagues/join", { token: cy, body: { inviteCode: "ABCDEFGJ", teamName: "Guessers" } }), "second guess");
      assertRateLimited(await matchmake(server, "create/probe", cy), "then a room join");
      // Reading leagues is not a join.
      assert.equal((await call(server, "GET", "/v1/leagues", { token: cy })).status, 200);
    });

    it("without a valid token the budget is the client IP's (a made-up token cannot buy a fresh one)", async () => {
      // Anonymous: the matchmaker's onAuth refuses it (525), but it counts against 127.0.0.1.
      assert.equal((await matchmake(server, "create/probe")).status, 525);
      assertRateLimited(await matchmake(server, "create/probe"), "anonymous second");
      assertRateLimited(await matchmake(server, "create/probe", "forged.token.value"), "a forged token counts as the IP");
      // A player from that IP is keyed by the player.
      const di = (await server.guestToken("Di")).token;
      assert.equal(await seated(server, await matchmake(server, "create/probe", di), di), 200);
    });

    it("the SDK surfaces it as a typed, retryable HttpError and its room retry waits at least Retry-After", async () => {
      const { token } = await server.guestToken("Eve");
      let matchmakeCalls = 0;
      const client = createClient({
        url: server.httpUrl,
        getToken: () => token,
        rooms: { probe: probeContract },
        backoff: { minMs: 10, maxMs: 50 },
        fetch: (input, init) => {
          if (String(input).includes("/matchmake/")) matchmakeCalls++;
          return fetch(input, init);
        },
      });
      const first = await client.rooms.probe.joinOrCreate();
      await first.leave();

      const joinError = await client.leagues.join("ABCDEFGH", "Eve's").then(
        () => assert.fail("the league join should be refused"),
        (error: unknown) => error,
      );
      assert.ok(joinError instanceof HttpError, String(joinError));
      assert.equal(joinError.code, "RATE_LIMITED");
      assert.equal(joinError.status, 429);
      assert.equal(joinError.retryable, true);
      assert.ok(joinError.retryAfterMs! >= 59_000 && joinError.retryAfterMs! <= 60_000, `retryAfterMs ${joinError.retryAfterMs}`);

      const connection = client.rooms.probe.connect("joinOrCreate");
      const retries: RoomRetryEvent[] = [];
      connection.on("retry", (event) => retries.push(event));
      try {
        await waitFor(() => retries.length === 1, "the first retry to be scheduled");
        const [retry] = retries;
        assert.ok(retry!.error instanceof HttpError);
        assert.equal(retry!.error.code, "RATE_LIMITED");
        // The backoff alone would wait ≤ 50 ms; Retry-After is the floor.
        assert.ok(retry!.delayMs >= 59_000, `delay ${retry!.delayMs} honours Retry-After`);
        assert.equal(connection.status, "reconnecting");
        assert.equal(matchmakeCalls, 2, "no further attempt while it waits");
      } finally {
        await connection.leave();
      }
      assert.equal(connection.status, "closed");
    });
  });

  it("behind a trusted proxy the IP budget is X-Forwarded-For's client", async () => {
    const server = await startTestServer({ env: { JOIN_ATTEMPTS_PER_MINUTE: "1", TRUST_PROXY: "true" } });
    try {
      const from = (ip: string) => ({ "x-forwarded-for": ip });
      assert.equal((await matchmake(server, "create/game", undefined, from("203.0.113.1"))).status, 525);
      assertRateLimited(await matchmake(server, "create/game", undefined, from("203.0.113.1")), "same client");
      assert.equal((await matchmake(server, "create/game", undefined, from("203.0.113.2"))).status, 525, "another client behind the proxy");
    } finally {
      await server.close();
    }
  });

  it("GUEST_SIGNUPS_PER_MINUTE: one address cannot mint guest identities past its budget; another address can; the SDK gets a typed error", async () => {
    const server = await startTestServer({ env: { GUEST_SIGNUPS_PER_MINUTE: "2", TRUST_PROXY: "true" } });
    try {
      const signUp = (ip: string) =>
        fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": ip }, body: JSON.stringify({ name: "Minter" }) });
      assert.equal((await signUp("203.0.113.7")).status, 201);
      assert.equal((await signUp("203.0.113.7")).status, 201);
      const refused = await signUp("203.0.113.7");
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
      const body = (await refused.json()) as ErrorBody;
      assert.equal(body.error.code, "RATE_LIMITED");
      assert.deepEqual(body.error.details, { limit: "GUEST_SIGNUPS_PER_MINUTE", perMinute: 2 });
      assert.equal((await signUp("203.0.113.8")).status, 201, "another address has its own budget");
      // The SDK (from 127.0.0.1, no X-Forwarded-For: its own budget) surfaces the refusal as a typed, retryable error.
      const client = createClient({ url: server.httpUrl });
      await client.auth.signInAsGuest("One");
      await client.auth.signInAsGuest("Two");
      await assert.rejects(client.auth.signInAsGuest("Three"), (error: unknown) => error instanceof HttpError && error.code === "RATE_LIMITED" && error.retryable && (error.retryAfterMs ?? 0) >= 1000);
    } finally {
      await server.close();
    }
  });

  it("the join limiter forgets idle clients (memory bounded by recent clients) and computes Retry-After from the refill", () => {
    let now = 0;
    const limiter = new JoinAttemptLimiter({ perMinute: 30, now: () => now });
    for (let i = 0; i < 1000; i++) assert.equal(limiter.take(`ip:10.0.${i >> 8}.${i & 255}`), 0);
    assert.equal(limiter.size, 1000);
    for (let i = 1; i < 30; i++) assert.equal(limiter.take("player:p"), 0);
    assert.equal(limiter.take("player:p"), 0, "the 30th of a burst of 30");
    assert.equal(limiter.take("player:p"), 2, "30/min refills one every 2 s");
    now += 1_500;
    assert.equal(limiter.take("player:p"), 1, "half a second to go rounds up to 1");
    now += 60_000;
    assert.equal(limiter.take("player:p"), 0);
    assert.equal(limiter.size, 1, "the idle clients' (full) buckets were dropped");
  });

  describe("streams per client (STREAMS_PER_CLIENT=2)", () => {
    const server = useTestServer({ env: { STREAMS_PER_CLIENT: "2" } });

    const open: RawSseClient[] = [];
    afterEach(() => open.splice(0).forEach((client) => client.destroy()));
    const stream = (token?: string) => {
      const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/rating/stream`, token ? { authorization: `Bearer ${token}` } : {});
      open.push(client);
      return client;
    };
    const refusal = async (token?: string) => {
      const answer = await call(server, "GET", "/v1/leaderboards/rating/stream", { token });
      return [answer.status, (answer.body as ErrorBody).error?.code, answer.headers.get("retry-after")];
    };

    it("an authenticated player is capped by player (not by IP); anonymous clients by IP", async () => {
      const ada = (await server.guestToken("Ada")).token;
      const bo = (await server.guestToken("Bo")).token;
      const adas = [stream(ada), stream(ada)];
      await waitFor(() => adas.every((c) => c.events.length >= 1), "Ada's two streams open");
      assert.deepEqual(await refusal(ada), [429, "TOO_MANY_STREAMS", "5"]);
      // The same IP, another player: a budget of their own.
      const bos = [stream(bo), stream(bo)];
      await waitFor(() => bos.every((c) => c.events.length >= 1), "Bo's two streams open");
      assert.deepEqual(await refusal(bo), [429, "TOO_MANY_STREAMS", "5"]);
      // Anonymous streams from that IP are counted apart from the players'.
      const anonymous = [stream(), stream()];
      await waitFor(() => anonymous.every((c) => c.events.length >= 1), "two anonymous streams open");
      assert.deepEqual(await refusal(), [429, "TOO_MANY_STREAMS", "5"]);
      // The change poll (the stream's long-poll twin) takes a slot from the same cap.
      const poll = await call(server, "GET", "/v1/leaderboards/rating/changes?wait=0", { token: ada });
      assert.equal(poll.status, 429);
      assert.equal((poll.body as ErrorBody).error.code, "TOO_MANY_STREAMS");
      // A closed stream gives its slot back.
      adas[0]!.destroy();
      await waitFor(async () => (await call(server, "GET", "/v1/leaderboards/rating/changes?wait=0", { token: ada })).status === 200, "Ada's slot freed");
    });
  });

  it("HTTP_BODY_LIMIT_BYTES: a body over the configured limit is 413 PAYLOAD_TOO_LARGE, one under it is parsed", async () => {
    const server = await startTestServer({ env: { HTTP_BODY_LIMIT_BYTES: "1024" } });
    try {
      const over = await call(server, "POST", "/v1/auth/guest", { body: { name: "a".repeat(1100) } });
      assert.equal(over.status, 413);
      assert.equal((over.body as ErrorBody).error.code, "PAYLOAD_TOO_LARGE");
      // Under the limit it reaches validation (a 64 KiB default would not refuse the one above either).
      const under = await call(server, "POST", "/v1/auth/guest", { body: { name: "a".repeat(900) } });
      assert.equal(under.status, 400);
      assert.equal((under.body as ErrorBody).error.code, "VALIDATION_FAILED");
    } finally {
      await server.close();
    }
  });

  it("LONG_POLL_MAX_WAIT_SECONDS clamps the hold of match-result and leaderboard-change polls (wait=25 answers after ≈1 s)", async function () {
    // Without the clamp these polls would hold 25 s, past this test's timeout.
    this.timeout(10_000);
    const server = await startTestServer({ env: { LONG_POLL_MAX_WAIT_SECONDS: "1" } });
    try {
      const { token } = await server.guestToken("Waiter");
      const matchId = "m_clamp0000001";
      await server.server.stores.results.expect(matchId, 60);
      const poll = await call(server, "GET", `/v1/matches/${matchId}/result?wait=25`, { token });
      assert.equal(poll.status, 200);
      assert.deepEqual([poll.body.final, poll.body.changed], [false, false]);
      const snapshot = await call(server, "GET", "/v1/leaderboards/rating/changes?wait=0");
      assert.equal(snapshot.status, 200);
      const held = await call(server, "GET", `/v1/leaderboards/rating/changes?after=${encodeURIComponent(snapshot.body.cursor)}&wait=25`);
      assert.equal(held.status, 200);
      assert.equal(held.body.changed, false);
    } finally {
      await server.close();
    }
  });

  it("WS_PING_INTERVAL_MS / WS_PING_MAX_RETRIES: a room client that never answers pings is dropped; one that does stays", async () => {
    // No reconnection window: the dropped seat is not held (nor its timer) past the test.
    const server = await startTestServer({ env: { WS_PING_INTERVAL_MS: "100", WS_PING_MAX_RETRIES: "2", RECONNECT_WINDOW_SECONDS: "0" } });
    try {
      const deaf = await rawJoin(server, (await server.guestToken("Deaf")).token, { create: "game" }, { autoPong: false });
      const alive = await rawJoin(server, (await server.guestToken("Alive")).token, { roomId: deaf.roomId });
      assert.equal(await deaf.closed, 1006, "terminated without a close frame");
      // Several ping rounds later the answering client is still seated.
      let pings = 0;
      alive.ws.on("ping", () => pings++);
      await waitFor(() => pings >= 5, "five more pings to the live client");
      assert.equal(alive.ws.readyState, alive.ws.OPEN);
      assert.equal(await alive.leave(), 4000);
    } finally {
      await server.close();
    }
  });

  it("RESULT_OUTBOX_LIMIT: with Redis down, results past the outbox bound answer 503 STORE_UNAVAILABLE; the held ones land once it is back", async function () {
    this.timeout(40_000);
    const redis = await RedisChild.start();
    const server = await startTestServer({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: "outbox-limit:", RESULT_OUTBOX_LIMIT: "2" } });
    const post = (result: unknown) => call(server, "POST", "/v1/admin/match-results", { body: result, headers: { "x-admin-key": TEST_ADMIN_KEY } });
    const ready = async () => (await fetch(`${server.httpUrl}/readyz`)).status;
    try {
      const [a, b, c] = [makeResult(), makeResult(), makeResult()];
      await redis.kill();
      await waitFor(async () => (await ready()) === 503, "/readyz to see the outage", 10_000);
      assert.equal((await post(a)).status, 202);
      assert.equal((await post(b)).status, 202);
      assert.equal((await post(a)).status, 202, "a result already held takes no second place");
      const refused = await post(c);
      assert.equal(refused.status, 503);
      assert.equal((refused.body as ErrorBody).error.code, "STORE_UNAVAILABLE");
      assert.ok(Number(refused.headers.get("retry-after")) >= 1);
      await redis.start();
      await waitFor(async () => (await ready()) === 200, "/readyz to recover (the outbox written)", 20_000);
      assert.equal((await post(c)).status, 201, "accepted once the outbox has drained");
      const feed = await server.server.stores.results.after(0, 10);
      assert.deepEqual(feed.map((r) => r.matchId), [a.matchId, b.matchId, c.matchId]);
    } finally {
      await server.close({ graceMs: 500 });
      await redis.stop();
    }
  });

  it("STREAM_HISTORY: a resume within the kept changes is replayed; one from further back gets a snapshot", async () => {
    const server = await startTestServer({ env: { STREAM_HISTORY: "3" } });
    const admin = (path: string, body: unknown) => call(server, "POST", `/v1/admin${path}`, { body, headers: { "x-admin-key": TEST_ADMIN_KEY } });
    const clients: RawSseClient[] = [];
    const stream = (lastEventId?: string) => {
      const client = new RawSseClient(`${server.httpUrl}/v1/leaderboards/history/stream`, lastEventId ? { "last-event-id": lastEventId } : {});
      clients.push(client);
      return client;
    };
    try {
      assert.equal((await admin("/leaderboards", { id: "history", operator: "set" })).status, 201);
      const live = stream();
      await waitFor(() => live.events.length === 1, "the first snapshot");
      const submit = async (i: number) => {
        const before = live.events.length;
        assert.equal((await admin("/leaderboards/history/records", { records: [{ ownerId: `o${i}`, name: `o${i}`, score: i }] })).status, 200);
        await waitFor(() => live.events.length === before + 1, `change ${i}`);
      };
      // The first record on an empty board comes as a snapshot; from then on, one delta per change.
      await submit(0);
      for (let i = 1; i <= 6; i++) await submit(i);
      const tail = live.events.slice(-7);
      assert.deepEqual(tail.map((e) => e.event), ["snapshot", "delta", "delta", "delta", "delta", "delta", "delta"]);
      const ids = tail.map((e) => e.id!);
      // Two changes behind: within a history of 3, replayed as those two deltas.
      const recent = stream(ids[4]);
      await waitFor(() => recent.events.length === 2, "the replayed changes");
      assert.deepEqual(recent.events.map((e) => [e.event, e.id]), [["delta", ids[5]], ["delta", ids[6]]]);
      // Six changes behind: past the history, one snapshot at the head instead.
      const old = stream(ids[0]);
      await waitFor(() => old.events.length === 1, "the resume answer");
      assert.deepEqual([old.events[0]!.event, old.events[0]!.id], ["snapshot", ids[6]]);
    } finally {
      clients.forEach((client) => client.destroy());
      await server.close();
    }
  });
});
