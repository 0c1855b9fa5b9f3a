import assert from "node:assert/strict";
import { createClient, type LeaderboardSubscription, type LeaderboardTable, type MatchFeed, type SdkError } from "../../client-sdk/index.ts";
import { applyLeaderboardEvent, eventEpoch, type LeaderboardPage, type LeaderboardStreamMessage, type MatchResult, type RecordedMatchResult } from "../../shared/index.ts";
import { RedisChild } from "../helpers/redis-child.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { RawSseClient } from "../helpers/sse-client.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { followFeed } from "../helpers/feed-follower.ts";
import { waitFor } from "../helpers/wait.ts";
import { RedisConnection } from "../../store/redis/connection.ts";
import { RedisPipelineBackend } from "../../store/redis/pipeline-backend.ts";
import { deleteKeys, makeResult, REDIS_URL, silentLogger, uniquePrefix } from "../helpers/store-harness.ts";

/**
 * Faults: Redis is SIGKILLed under a running server process while
 * scores and results are being written, and restarted on the same port with
 * its AOF (the production setting, docs/operations.md "Redis"). Everything
 * that watches the server must end where the server ends: live leaderboards
 * (SDK over SSE and long polling, and a raw SSE reader) equal the boards read
 * back, every feed follower sees every result exactly once (those queued in
 * the outbox during the outage included), the game room that finished during
 * the outage gets its result to its waiter, and the process never went down.
 */

const POOL = Array.from({ length: 12 }, (_, i) => `p_fault${String(i).padStart(6, "0")}`);
const SET_BOARD = "fault-set";
const TOP = 20;

function matchOf(i: number): MatchResult {
  // Four players of the pool per match, rotating; home scores 1..3, away 0..1.
  const ids = [0, 1, 2, 3].map((k) => POOL[(i * 3 + k) % POOL.length]);
  const stats = (goals: number) => ({ goals, assists: 0, shots: goals, saves: 0, touches: 3 });
  return makeResult({
    players: [
      { playerId: ids[0], name: ids[0].slice(-4), side: "home", stats: stats(1 + (i % 3)) },
      { playerId: ids[1], name: ids[1].slice(-4), side: "home", stats: stats(0) },
      { playerId: ids[2], name: ids[2].slice(-4), side: "away", stats: stats(i % 2) },
      { playerId: ids[3], name: ids[3].slice(-4), side: "away", stats: stats(0) },
    ],
  });
}

/** Every non-2xx answer an SDK client saw: status, error code, Retry-After. */
interface SeenError {
  url: string;
  status: number;
  code?: string;
  retryAfter: string | null;
}

/** A fetch that records every error answer (without consuming bodies the SDK reads). */
function recordingFetch(seen: SeenError[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!response.ok) {
      let code: string | undefined;
      try {
        code = ((await response.clone().json()) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      seen.push({ url: String(input), status: response.status, code, retryAfter: response.headers.get("retry-after") });
    }
    return response;
  };
}

const rowsOf = (rows: { rank: number; ownerId: string; score: number }[] | undefined) => (rows ?? []).map((r) => `${r.rank}:${r.ownerId}:${r.score}`);

describe("reliability: Redis SIGKILLed and restarted (AOF) under a server process with live streams, polls and rooms", function () {
  this.timeout(60_000);
  let redis: RedisChild;
  let server: ServerProcess;
  /** Everything the test opens, closed in `after` whatever happened. */
  const cleanups: (() => unknown)[] = [];

  before(async () => {
    redis = await RedisChild.start({ persistent: true });
    server = await spawnServer("redis-fault", {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: "fault:",
      TOKEN_SECRET: TEST_TOKEN_SECRET,
      ADMIN_KEY: TEST_ADMIN_KEY,
      // Fast heartbeats so the SDK watchdog (2.5 × heartbeat) is exercised within the test.
      STREAM_HEARTBEAT_MS: "1000",
      LONG_POLL_MAX_WAIT_SECONDS: "3",
      SHUTDOWN_GRACE_MS: "1000",
    });
  });
  after(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    await stopServer(server);
    await redis?.stop();
  });

  const admin = (path: string, body: unknown) =>
    fetch(`${server.httpUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY }, body: JSON.stringify(body) });
  const status = async (path: string) => (await fetch(`${server.httpUrl}${path}`)).status;
  const boardPage = async (boardId: string) => {
    const response = await fetch(`${server.httpUrl}/v1/leaderboards/${boardId}?limit=${TOP}`);
    return response.status === 200 ? ((await response.json()) as LeaderboardPage) : undefined;
  };

  it("subscribers converge to the boards, feeds get every result exactly once, the room's result is not lost, the process stays up", async () => {
    const seen: SeenError[] = [];
    const newClient = () => createClient({ url: server.httpUrl, fetch: recordingFetch(seen), backoff: { minMs: 100, maxMs: 1000 } });
    assert.equal((await admin("/v1/admin/leaderboards", { id: SET_BOARD, operator: "set" })).status, 201);

    // --- Watchers: K SDK subscribers (SSE and long polling), a raw SSE reader, M feed followers.
    const subscriptions: { boardId: string; sub: LeaderboardSubscription; messages: LeaderboardStreamMessage[]; errors: SdkError[] }[] = [];
    const subscribe = (boardId: string, transport: "sse" | "long-poll" | "auto") => {
      const messages: LeaderboardStreamMessage[] = [];
      const errors: SdkError[] = [];
      const sub = newClient().leaderboards.subscribe(boardId, { top: TOP, transport, heartbeatMs: 1000, pollWaitSeconds: 3 }, (message) => messages.push(message));
      sub.on("retry", (event) => errors.push(event.error));
      cleanups.push(() => sub.close());
      subscriptions.push({ boardId, sub, messages, errors });
    };
    subscribe("goals", "sse");
    subscribe("goals", "auto");
    subscribe("wins", "long-poll");
    subscribe(SET_BOARD, "sse");
    subscribe(SET_BOARD, "long-poll");
    const raw = new RawSseClient(`${server.httpUrl}/v1/leaderboards/goals/stream?top=${TOP}`);
    cleanups.push(() => raw.destroy());

    const feeds: { feed: MatchFeed; got: RecordedMatchResult[]; done: Promise<void> }[] = [];
    const stopFeeds = new AbortController();
    cleanups.push(() => stopFeeds.abort());
    for (let i = 0; i < 3; i++) {
      const client = newClient();
      await client.auth.signInAsGuest(`Feed${i}`);
      feeds.push(followFeed(client.matches.feed({ wait: 3, signal: stopFeeds.signal })));
    }
    await waitFor(() => subscriptions.every((s) => s.sub.state === "open" && s.sub.table), "every subscription to open with a table", 10_000);
    await waitFor(() => raw.events.length > 0, "the raw SSE reader's snapshot", 10_000);
    await waitFor(() => feeds.every((f) => f.feed.cursor !== undefined), "every feed to hold the head cursor", 10_000);

    // --- A game room that will finish while Redis is down; its result must not be lost.
    const host = newClient();
    const guest = newClient();
    await Promise.all([host.auth.signInAsGuest("Host"), guest.auth.signInAsGuest("Guest")]);
    const game = await host.rooms.game.create({ teamSize: 1, matchSeconds: 3, countdownSeconds: 0, kickoffPauseSeconds: 0, postMatchSeconds: 1 });
    cleanups.push(() => game.leave());
    const finished = new Promise<MatchResult>((resolve) => game.onMessage("match.finished", (message) => resolve(message.result)));
    const opponent = await guest.rooms.game.joinById(game.roomId!);
    cleanups.push(() => opponent.leave());
    const gameMatchId = game.state!.matchId;
    await waitFor(() => game.state?.phase === "playing", "the game to kick off", 10_000);
    const stopWaiter = new AbortController();
    cleanups.push(() => stopWaiter.abort());
    const waiter = host.matches.waitForResult(gameMatchId, { wait: 3, signal: stopWaiter.signal });
    waiter.catch(() => undefined);

    // --- Writers: match results (admin API) and a `set` board, both retried until accepted.
    const accepted = new Map<string, { result: MatchResult; status: number }>();
    const writerErrors: SeenError[] = [];
    const setModel = new Map<string, number>();
    let writing = true;
    cleanups.push(() => (writing = false));
    let setWrites = 0;
    const note = async (response: Response, url: string) => {
      const body = (await response.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
      writerErrors.push({ url, status: response.status, code: body?.error?.code, retryAfter: response.headers.get("retry-after") });
    };
    const resultWriter = (async () => {
      for (let i = 0; writing; i++) {
        const result = matchOf(i);
        for (;;) {
          const response = await admin("/v1/admin/match-results", result).catch(() => undefined);
          if (response && [200, 201, 202].includes(response.status)) {
            accepted.set(result.matchId, { result, status: response.status });
            await response.body?.cancel();
            break;
          }
          if (response) await note(response, "POST /v1/admin/match-results");
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();
    const setWriter = (async () => {
      for (let i = 0; writing; i++) {
        const ownerId = POOL[i % POOL.length];
        const score = 1000 + ((i * 37) % 500);
        for (;;) {
          const response = await admin(`/v1/admin/leaderboards/${SET_BOARD}/records`, { records: [{ ownerId, name: ownerId.slice(-4), score }] }).catch(() => undefined);
          if (response?.status === 200) {
            setModel.set(ownerId, score);
            setWrites++;
            await response.body?.cancel();
            break;
          }
          if (response) await note(response, `POST /v1/admin/leaderboards/${SET_BOARD}/records`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();

    try {
      await waitFor(() => accepted.size >= 15 && setWrites >= 10, "writes before the outage", 10_000);

      // --- The outage: SIGKILL, mid-writes.
      await redis.kill();
      await waitFor(async () => (await status("/readyz")) === 503, "/readyz to report the outage", 10_000);
      const queuedBefore = [...accepted.values()].filter((a) => a.status === 202).length;
      await waitFor(() => [...accepted.values()].filter((a) => a.status === 202).length >= queuedBefore + 8, "results queued (202) during the outage", 10_000);
      await waitFor(() => writerErrors.filter((e) => e.url.includes(SET_BOARD)).length >= 3, "score writes refused during the outage", 10_000);
      const matchResult = await finished; // the room kept playing to the end with Redis down
      assert.equal(matchResult.matchId, gameMatchId);
      assert.equal(await status("/healthz"), 200, "liveness holds during the outage");
      // A fresh stream during the outage: either served (from the process's live view) or a documented 503.
      const during = new RawSseClient(`${server.httpUrl}/v1/leaderboards/goals/stream?top=${TOP}`);
      await waitFor(() => during.status !== undefined, "an answer to a stream opened during the outage", 5_000);
      if (during.status !== 200) {
        await waitFor(() => during.ended, "the error body", 5_000);
        assert.equal(during.status, 503);
        assert.equal(JSON.parse(during.body).error.code, "STORE_UNAVAILABLE");
      }
      during.destroy();

      // --- Redis returns on the same port with its AOF.
      await redis.start();
      await waitFor(async () => (await status("/readyz")) === 200, "/readyz to recover (outbox drained)", 15_000);
      const afterRestart = accepted.size;
      await waitFor(() => accepted.size >= afterRestart + 10 && [...accepted.values()].slice(-5).every((a) => a.status === 201), "writes after the restart", 10_000);
    } finally {
      writing = false;
      await Promise.all([resultWriter, setWriter]);
    }

    // --- Outcomes.
    const recorded = await waiter;
    assert.equal(recorded.matchId, gameMatchId, "the waiter got the result the room finished during the outage");
    const expectedIds = new Set([...accepted.keys(), gameMatchId]);
    await waitFor(() => feeds.every((f) => f.got.length >= expectedIds.size), "every feed follower to catch up", 15_000);
    stopFeeds.abort();
    await Promise.all(feeds.map((f) => f.done));
    for (const [i, { got }] of feeds.entries()) {
      const counts = new Map<string, number>();
      for (const r of got) counts.set(r.matchId, (counts.get(r.matchId) ?? 0) + 1);
      const doubled = [...counts].filter(([, n]) => n > 1);
      assert.deepEqual(doubled, [], `follower ${i}: no result twice`);
      assert.deepEqual([...expectedIds].filter((id) => !counts.has(id)), [], `follower ${i}: no result lost`);
      assert.deepEqual([...counts.keys()].filter((id) => !expectedIds.has(id)), [], `follower ${i}: nothing unknown`);
      const seqs = got.map((r) => r.seq);
      assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `follower ${i}: in feed order`);
    }

    // Boards: the server's effects count each result exactly once (model from what was accepted).
    const goals = new Map<string, number>();
    const wins = new Map<string, number>();
    for (const { result } of accepted.values()) {
      for (const p of result.players) {
        if (p.stats.goals > 0) goals.set(p.playerId, (goals.get(p.playerId) ?? 0) + p.stats.goals);
        if (p.side === result.winner) wins.set(p.playerId, (wins.get(p.playerId) ?? 0) + 1);
      }
    }
    const scoresOf = (page: LeaderboardPage | undefined) => new Map(page!.records.filter((r) => POOL.includes(r.ownerId)).map((r) => [r.ownerId, r.score]));
    // Effects are applied by the result pipeline after recording: wait for them to settle, then compare.
    const same = (a: Map<string, number>, b: Map<string, number>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
    await waitFor(async () => same(scoresOf(await boardPage("goals")), goals) && same(scoresOf(await boardPage("wins")), wins), "the boards to apply every accepted result", 15_000, 100).catch(() => undefined);
    assert.deepEqual(scoresOf(await boardPage("goals")), goals, "goals board = sum of accepted results");
    assert.deepEqual(scoresOf(await boardPage("wins")), wins, "wins board = wins of accepted results");
    assert.deepEqual(scoresOf(await boardPage(SET_BOARD)), setModel, "the set board = the last accepted write per owner");

    // Live tables converge to the authoritative board, rank for rank, at the same version.
    const converged = async () => {
      for (const { boardId, sub } of subscriptions) {
        const page = await boardPage(boardId);
        if (!page || !sub.table || sub.table.version !== page.version || sub.table.epoch !== page.epoch) return false;
        if (rowsOf(sub.table.rows).join() !== rowsOf(page.records).join()) return false;
      }
      return true;
    };
    await waitFor(converged, "every live table to equal its board", 15_000, 100);
    for (const { boardId, sub, messages } of subscriptions) {
      const table = sub.table!;
      assert.equal(new Set(table.rows.map((r) => r.ownerId)).size, table.rows.length, `${boardId}: no duplicate rows`);
      assert.deepEqual(table.rows.map((r) => r.rank), table.rows.map((_, i) => i + 1), `${boardId}: ranks 1..n, none missing`);
      assert.equal(sub.state, "open", `${boardId}: still open`);
      assertChain(messages, boardId);
    }
    // The raw reader: every event applies without a gap and ends on the board.
    const goalsPage = (await boardPage("goals"))!;
    await waitFor(() => raw.events.at(-1)?.data.version === goalsPage.version, "the raw SSE reader to reach the board's version", 10_000);
    let rawTable: LeaderboardTable | undefined;
    for (const event of raw.events) rawTable = applyLeaderboardEvent(rawTable, { event: event.event, id: event.id, data: event.data } as LeaderboardStreamMessage) ?? rawTable;
    assert.equal(rowsOf(rawTable?.rows).join(), rowsOf(goalsPage.records).join(), "the raw SSE table equals the goals board");
    raw.destroy();

    // Every error anyone saw was a documented one: 503 STORE_UNAVAILABLE with Retry-After.
    const errors = [...seen, ...writerErrors];
    assert.ok(writerErrors.length > 0, "the outage was observed by the writers");
    for (const error of errors) {
      assert.equal(error.status, 503, `${error.url}: ${error.status} ${error.code}`);
      assert.equal(error.code, "STORE_UNAVAILABLE", error.url);
      assert.ok(error.retryAfter, `${error.url}: Retry-After`);
    }
    for (const { boardId, errors: subErrors } of subscriptions) {
      for (const error of subErrors) assert.ok(["STORE_UNAVAILABLE", "NETWORK_ERROR", "TIMEOUT"].includes(error.code), `${boardId}: retry after ${error.code}: ${error.message}`);
    }
    assert.equal(server.process.exitCode, null, "the server process is still running");
    assert.equal(await status("/healthz"), 200);
  });
});

describe("reliability: the result pipeline's lease after a Redis outage", () => {
  it("a process re-takes the lease its interrupted run could not release (no TTL wait); another process still cannot", async () => {
    const prefix = uniquePrefix("lease");
    const [mine, theirs] = await Promise.all([RedisConnection.connect({ url: REDIS_URL, logger: silentLogger }), RedisConnection.connect({ url: REDIS_URL, logger: silentLogger })]);
    // acquire() needs only the connection and the prefix; commit() (unused here) needs the board store.
    const backend = (redis: RedisConnection) => new RedisPipelineBackend({ redis, prefix, leaderboards: undefined as never, ratingsKey: `${prefix}ratings`, leaseMs: 60_000 });
    const processA = backend(mine);
    const processB = backend(theirs);
    try {
      // A run takes the lease, then Redis goes away before it can release it: the lease stays, with its TTL.
      assert.ok(await processA.acquire(), "the first run takes the lease");
      const again = await processA.acquire();
      assert.ok(again, "the same process takes it again at once (the results queued during the outage get applied)");
      assert.equal(await processB.acquire(), undefined, "another process still waits for it");
      await again.release();
      assert.ok(await processB.acquire(), "released: the other process may take it");
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
      await deleteKeys(prefix);
    }
  });
});

/** The events a subscriber applied form one chain: each delta follows the previous event (a snapshot may restart it). */
function assertChain(messages: LeaderboardStreamMessage[], boardId: string): void {
  let previous: { epoch: string; version: number } | undefined;
  for (const message of messages) {
    if (message.event === "delta") {
      assert.ok(previous, `${boardId}: a delta before any snapshot`);
      assert.equal(eventEpoch(message.id), previous.epoch, `${boardId}: delta ${message.id} in another epoch`);
      assert.equal(message.data.prevVersion, previous.version, `${boardId}: delta ${message.id} does not follow ${previous.epoch}:${previous.version}`);
    }
    previous = { epoch: eventEpoch(message.id), version: message.data.version };
  }
}


