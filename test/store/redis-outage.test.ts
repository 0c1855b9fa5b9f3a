import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { Client } from "@colyseus/sdk";
import type { MatchResult } from "../../shared/index.ts";
import type { StoreEvent } from "../../store/index.ts";
import { echoRoom, EchoState } from "../helpers/echo-room.ts";
import { freePort, RedisChild } from "../helpers/redis-child.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { makeResult } from "../helpers/store-harness.ts";

const player = (playerId: string, side: "home" | "away", goals = 0) => ({ playerId, name: playerId.slice(2, 8), side, stats: { goals, assists: 0, shots: goals, saves: 0, touches: 5 } });
const POOL = ["p_out000000001", "p_out000000002", "p_out000000003", "p_out000000004"];

function matchOf(i: number): MatchResult {
  // Rotating line-ups; home always scores more, so home players win.
  const [h1, h2, a1, a2] = [0, 1, 2, 3].map((k) => POOL[(i + k) % POOL.length]);
  return makeResult({ players: [player(h1, "home", 2), player(h2, "home"), player(a1, "away", 1), player(a2, "away")] });
}

describe("Redis outage while running (own redis-server, killed and restarted)", function () {
  this.timeout(60_000);
  let redis: RedisChild;

  before(async () => {
    redis = await RedisChild.start();
  });
  const server = useTestServer(() => ({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: "outage:" }, rooms: (deps) => [echoRoom(deps)] }), { graceMs: 500 });
  after(() => redis?.stop());

  const admin = (path: string, body: unknown) =>
    fetch(`${server.httpUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY }, body: JSON.stringify(body) });
  const readyStatus = async () => (await fetch(`${server.httpUrl}/readyz`)).status;

  it("rooms keep playing, results wait in the outbox, /readyz is 503 until Redis is back; nothing lost, nothing applied twice", async () => {
    const { stores } = server.server;
    const events: StoreEvent[] = [];
    const unsubscribe = stores.notifications.subscribe((event) => events.push(event));
    const client = new Client(server.wsUrl);
    client.auth.token = (await server.guestToken("Outage")).token;
    const room = await client.joinOrCreate("echo", {}, EchoState);
    const echo = (text: string) =>
      new Promise<string>((resolve) => {
        const off = room.onMessage("echoed", (message: { text: string }) => {
          if (message.text === text) {
            off();
            resolve(message.text);
          }
        });
        room.send("echo", { text });
      });

    try {
      const matches = Array.from({ length: 9 }, (_, i) => matchOf(i));
      // Before: recorded and applied normally.
      for (const match of matches.slice(0, 3)) assert.equal((await admin("/v1/admin/match-results", match)).status, 201);
      await stores.pipeline.settled();
      assert.equal(await readyStatus(), 200);

      await redis.kill();
      await waitFor(async () => (await readyStatus()) === 503, "/readyz to report the outage", 10_000);
      const readyBody = (await (await fetch(`${server.httpUrl}/readyz`)).json()) as { status: string; checks: Record<string, { ok: boolean }> };
      assert.equal(readyBody.status, "not-ready");
      assert.equal(readyBody.checks.store.ok, false);

      // The room keeps playing.
      assert.equal(await echo("still here"), "still here");

      // Results recorded during the outage are held (HTTP answers 202), duplicates included.
      for (const match of matches.slice(3, 7)) {
        const response = await admin("/v1/admin/match-results", match);
        assert.equal(response.status, 202);
        assert.deepEqual(await response.json(), { status: "queued", matchId: match.matchId });
      }
      assert.equal((await admin("/v1/admin/match-results", matches[3])).status, 202, "a duplicate during the outage");
      // A room's record waits for the store rather than failing.
      const roomRecords = [stores.results.record(matches[7]), stores.results.record(matches[8]), stores.results.record(matches[4])];
      assert.equal(stores.results.pending, 6);
      // Reads answer 503 STORE_UNAVAILABLE with Retry-After.
      const read = await fetch(`${server.httpUrl}/v1/leaderboards/wins`);
      assert.equal(read.status, 503);
      assert.ok(read.headers.get("retry-after"));
      assert.equal(((await read.json()) as { error: { code: string } }).error.code, "STORE_UNAVAILABLE");
      assert.equal(await echo("during the outage"), "during the outage");

      await redis.start();
      const recorded = await Promise.all(roomRecords);
      assert.deepEqual(recorded.map((r) => r.result.matchId), [matches[7].matchId, matches[8].matchId, matches[4].matchId]);
      await waitFor(async () => (await readyStatus()) === 200, "/readyz to recover", 15_000);
      await stores.pipeline.settled();
      assert.ok(events.some((e) => e.type === "resync"), "listeners were told they may have missed events");

      // Nothing lost: every result exists once, in the feed, in order.
      const feed = await stores.results.after(0, 100);
      assert.deepEqual(feed.map((r) => r.seq), Array.from({ length: 9 }, (_, i) => i + 1));
      assert.deepEqual(new Set(feed.map((r) => r.matchId)), new Set(matches.map((m) => m.matchId)));
      // Nothing applied twice: boards and ratings count each match once.
      const wins = new Map<string, number>();
      const played = new Map<string, number>();
      for (const match of matches) {
        for (const p of match.players) {
          played.set(p.playerId, (played.get(p.playerId) ?? 0) + 1);
          if (p.side === match.winner) wins.set(p.playerId, (wins.get(p.playerId) ?? 0) + 1);
        }
      }
      const ratings = await stores.ratings.get(POOL);
      for (const id of POOL) {
        const record = (await stores.leaderboards.record("wins", id)).record;
        assert.equal(record?.score ?? 0, wins.get(id) ?? 0, `${id} wins`);
        assert.equal(record?.numScore ?? 0, wins.get(id) ?? 0, `${id} win submissions`);
        assert.equal(ratings.get(id)?.matches, played.get(id), `${id} rated matches`);
      }
      assert.equal(await echo("after"), "after");
    } finally {
      unsubscribe();
      await room.leave().catch(() => undefined);
    }
  });
});

describe("Redis down at start-up (distributed mode)", () => {
  it("the process fails clearly and exits non-zero", async function () {
    this.timeout(20_000);
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: new URL("../..", import.meta.url),
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        TOKEN_SECRET: TEST_TOKEN_SECRET,
        ADMIN_KEY: TEST_ADMIN_KEY,
        REDIS_URL: `redis://127.0.0.1:${port}`,
        REDIS_CONNECT_TIMEOUT_MS: "500",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(child, "exit");
    const lines: { level: number; msg: string }[] = [];
    for await (const line of createInterface({ input: child.stdout! })) lines.push(JSON.parse(line));
    const [code] = (await exited) as [number | null];
    assert.equal(code, 1);
    const fatal = lines.find((l) => l.level === 60);
    assert.ok(fatal, "a fatal log line");
    assert.match(fatal.msg, new RegExp(`failed to start: Redis at redis://127\\.0\\.0\\.1:${port}/? is unreachable`));
    assert.ok(!lines.some((l) => l.msg === "listening"), "it never listened");
  });
});
