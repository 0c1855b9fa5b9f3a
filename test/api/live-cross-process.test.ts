import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { createClient } from "redis";
import { applyLeaderboardEvent, type LeaderboardStreamMessage, type LeaderboardTable, type MatchFeedResponse, type MatchResultPollResponse, type RecordedMatchResult } from "../../shared/index.ts";
import { createStores, type Stores } from "../../store/index.ts";
import { deleteKeys, makeResult, REDIS_URL, silentLogger, uniquePrefix } from "../helpers/store-harness.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * Live updates across processes: two real server processes share
 * one Redis; a change on one wakes long polls and SSE streams on the other
 * through the store's change notifications.
 */

let matchCounter = 0;
const newMatchId = () => `m_live${process.pid}x${++matchCounter}x${randomBytes(3).toString("hex")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two fresh players; `home` wins 1-0. */
function resultWithNewPlayers(matchId = newMatchId()) {
  const id = () => `p_live${randomBytes(5).toString("hex")}`;
  const stats = (goals: number) => ({ goals, assists: 0, shots: goals + 1, saves: 0, touches: 5 });
  return makeResult({
    matchId,
    players: [
      { playerId: id(), name: "Home", side: "home", stats: stats(1) },
      { playerId: id(), name: "Away", side: "away", stats: stats(0) },
    ],
  });
}

async function record(server: ServerProcess, result = resultWithNewPlayers()): Promise<RecordedMatchResult> {
  const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
    body: JSON.stringify(result),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { result: RecordedMatchResult }).result;
}

async function metric(server: ServerProcess, series: string): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const parkedOn = (server: ServerProcess, n: number) => waitFor(async () => (await metric(server, "longpoll_pending")) === n, `${n} parked poll(s) on ${server.name}`, 10_000);

interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** Reads a raw SSE response (WHATWG framing) with http.get. */
function subscribe(url: string) {
  const events: SseEvent[] = [];
  let buffer = "";
  let status = 0;
  const request = http.get(url, (res) => {
    status = res.statusCode ?? 0;
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: Partial<SseEvent> & { lines: string[] } = { lines: [] };
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event.event = line.slice(7);
          else if (line.startsWith("id: ")) event.id = line.slice(4);
          else if (line.startsWith("data: ")) event.lines.push(line.slice(6));
        }
        if (event.event) events.push({ event: event.event, id: event.id, data: JSON.parse(event.lines.join("\n")) });
      }
    });
  });
  request.on("error", () => undefined);
  return { events, status: () => status, close: () => request.destroy() };
}

describe("live updates across two server processes sharing Redis", function () {
  this.timeout(60_000);
  const prefix = uniquePrefix("live");
  const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY };
  let a: ServerProcess;
  let b: ServerProcess;
  /** A third participant on the same Redis (what a game room does when a match starts: `results.expect`). */
  let stores: Stores;
  let token: string;

  before(async () => {
    // Assigned one by one, so `after` cleans up whatever started even if another part failed.
    await Promise.all([
      spawnServer("A", env).then((server) => (a = server)),
      spawnServer("B", env).then((server) => (b = server)),
      createStores({ redisUrl: REDIS_URL, keyPrefix: prefix, logger: silentLogger, referenceBoards: false }).then((opened) => (stores = opened)),
    ]);
    const guest = await fetch(`${b.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "watcher" }) });
    token = ((await guest.json()) as { token: string }).token;
  });
  after(async () => {
    await Promise.all([stopServer(a), stopServer(b), stores?.close({ graceMs: 100 })]);
    await deleteKeys(prefix);
  });

  const get = async <T>(server: ServerProcess, path: string): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${server.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as T };
  };

  it("a long poll parked on A is woken by a result recorded on B", async () => {
    const matchId = newMatchId();
    await stores.results.expect(matchId, 60);
    const wakeups = await metric(a, 'longpoll_wakeups_total{kind="match"}');
    const poll = get<MatchResultPollResponse>(a, `/v1/matches/${matchId}/result?wait=25`);
    await parkedOn(a, 1);
    const recorded = await record(b, resultWithNewPlayers(matchId));
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { cursor: `r${recorded.seq}`, final: true, changed: true, result: recorded });
    assert.equal((await metric(a, 'longpoll_wakeups_total{kind="match"}')) - wakeups, 1);
    // A match announced on one process and never recorded is still 404 nowhere: B waits on it too.
    const pending = newMatchId();
    await stores.results.expect(pending, 60);
    assert.deepEqual((await get(b, `/v1/matches/${pending}/result?wait=1&cursor=c`)).body, { cursor: "c", final: false, changed: false });
  });

  it("a feed poll on A returns a result recorded on B", async () => {
    const { cursor } = (await get<MatchFeedResponse>(a, "/v1/matches/results")).body;
    const poll = get<MatchFeedResponse>(a, `/v1/matches/results?after=${cursor}&wait=25`);
    await parkedOn(a, 1);
    const recorded = await record(b);
    const answer = await poll;
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { cursor: `${cursor.split(":")[0]}:${recorded.seq}`, results: [recorded], changed: true });
  });

  it("an SSE subscriber on B gets the wins-board delta caused by a result recorded on A", async () => {
    const stream = subscribe(`${b.httpUrl}/v1/leaderboards/wins/stream?top=5`);
    try {
      await waitFor(() => stream.events.find((e) => e.event === "snapshot"), "the first snapshot on B");
      assert.equal(stream.status(), 200);
      const result = resultWithNewPlayers();
      await record(a, result);
      const winner = result.players.find((p) => p.side === "home")!.playerId;
      // The table the events build (snapshot, then deltas' ops) shows A's winner.
      const row = await waitFor(
        () => {
          let table: LeaderboardTable | undefined;
          for (const e of stream.events) table = applyLeaderboardEvent(table, e as LeaderboardStreamMessage);
          return table?.rows.find((r) => r.ownerId === winner);
        },
        "B's stream to show A's winner",
        10_000,
      );
      const snapshot = stream.events[0]!;
      assert.equal(snapshot.data.boardId, "wins");
      const delta = stream.events.find((e) => e.event === "delta")!;
      assert.equal(delta.id, `${snapshot.data.epoch}:${delta.data.version}`, "a delta's id: the snapshot's epoch, its version");
      assert.equal(row.score, 1);
    } finally {
      stream.close();
    }
  });

  it("following the feed on A across two restarts of A (SIGTERM, then SIGKILL) yields every result exactly once", async function () {
    this.timeout(90_000);
    const total = 45;
    let { cursor } = (await get<MatchFeedResponse>(a, "/v1/matches/results")).body;
    let restarting: Promise<void> = Promise.resolve();
    const restarts: string[] = [];
    const restartA = (signal: NodeJS.Signals) => {
      restarting = restarting.then(async () => {
        await stopServer(a, signal);
        a = await spawnServer("A", env);
        restarts.push(signal);
      });
    };
    const recorded: string[] = [];
    let recording = true;
    const recorder = (async () => {
      for (let i = 0; i < total; i++) {
        if (i % 3 !== 0) await sleep(10 + (i % 7) * 15);
        recorded.push((await record(b)).matchId);
        if (i === 15) restartA("SIGTERM");
        if (i === 30) restartA("SIGKILL");
      }
      recording = false;
    })();

    const seen: string[] = [];
    const stats = { polls: 0, refused: 0, unreachable: 0 };
    for (;;) {
      const wasRecording = recording || restarts.length < 2;
      let answer: { status: number; body: MatchFeedResponse };
      try {
        answer = await get<MatchFeedResponse>(a, `/v1/matches/results?after=${cursor}&limit=${1 + (stats.polls % 5)}&wait=2`);
      } catch {
        // A is down (killed, or its listener closed): poll again once it is back.
        stats.unreachable++;
        await sleep(50);
        continue;
      }
      stats.polls++;
      if (answer.status === 503) {
        stats.refused++;
        await sleep(50);
        continue;
      }
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.reset, undefined, "the feed's epoch survives a process restart");
      seen.push(...answer.body.results.map((r) => r.matchId));
      cursor = answer.body.cursor;
      if (!answer.body.changed && !wasRecording) break;
    }
    await recorder;
    await restarting;
    assert.deepEqual(restarts, ["SIGTERM", "SIGKILL"]);
    assert.ok(stats.unreachable > 0, `the follower ran into A's downtime: ${JSON.stringify(stats)}`);
    assert.equal(seen.length, total, JSON.stringify(stats));
    assert.equal(new Set(seen).size, total, "no duplicate");
    assert.deepEqual(seen, recorded, "in recording order");
  });

  it("when Redis loses the feed (new epoch), a follower gets reset:true and its next held poll is woken, not left to time out", async () => {
    const { cursor: old } = (await get<MatchFeedResponse>(a, "/v1/matches/results")).body;
    assert.ok(Number(old.split(":")[1]) > 1, "A has followed a feed with results");
    // What a Redis restored from nothing looks like to the feed: no epoch, no seq, no entries.
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      await redis.del([`${prefix}results:epoch`, `${prefix}results:seq`, `${prefix}results:feed`]);
    } finally {
      await redis.quit();
    }
    const restarted = await get<MatchFeedResponse>(a, `/v1/matches/results?after=${old}&wait=25`);
    assert.equal(restarted.body.reset, true);
    assert.deepEqual(restarted.body.results, []);
    const [epoch, seq] = restarted.body.cursor.split(":");
    assert.notEqual(epoch, old.split(":")[0]);
    assert.equal(seq, "0");
    const woken = await metric(a, 'longpoll_answers_total{outcome="woken"}');
    const poll = get<MatchFeedResponse>(a, `/v1/matches/results?after=${restarted.body.cursor}&wait=25`);
    await parkedOn(a, 1);
    const recorded = await record(b);
    assert.equal(recorded.seq, 1);
    assert.deepEqual((await poll).body, { cursor: `${epoch}:1`, results: [recorded], changed: true });
    assert.equal((await metric(a, 'longpoll_answers_total{outcome="woken"}')) - woken, 1, "woken by the result, not by the hold timing out");
  });
});
