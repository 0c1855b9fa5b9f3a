import assert from "node:assert/strict";
import net from "node:net";
import { createClient, JoinError, type LeaderboardSubscription, type MatchFeed, type RoomConnection, type SdkError, type StateChange } from "../../client-sdk/index.ts";
import type { GameContract } from "../../client-sdk/index.ts";
import type { LeaderboardPage, MatchResult, RecordedMatchResult } from "../../shared/index.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { followFeed } from "../helpers/feed-follower.ts";
import { waitFor } from "../helpers/wait.ts";
import { deleteKeys, makeResult, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";

/**
 * Faults: one of two processes sharing Redis is SIGKILLed.
 *
 * Topology as in production (docs/operations.md): HTTP, SSE, long polls and
 * `/matchmake` go through a load balancer to any live process; a room's
 * WebSocket goes straight to the PUBLIC_ADDRESS of the process that owns it.
 * The balancer here is a TCP forwarder with a preferred process per client
 * group (stickiness) that fails over to the other when a connection is refused.
 *
 * What the SDK does for the clients of a room that died with its process
 * (docs/protocol.md "Process crash"): the socket drops (1006, `reconnecting`),
 * the reconnect fails (the seat died with the room), `joinById` the same room
 * answers 522 (gone), then the ORIGINAL join runs again: a matchmaking join
 * (`joinOrCreate`, `create`) lands in a room on the surviving process; a
 * `joinById` original has nothing to fall back to and closes (`failed`,
 * JoinError NOT_FOUND).
 */

type GameConnection = RoomConnection<GameContract>;

/** A TCP load balancer in miniature; `order()` lists the backends to try, first choice first. */
async function startBalancer(order: () => { host: string; port: number }[]) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    client.pause();
    const targets = order();
    const tryTarget = (i: number) => {
      if (i >= targets.length) return client.destroy();
      let connected = false;
      const upstream = net.connect(targets[i]);
      upstream.on("error", () => {
        // Refused (a dead process): the next backend. Broken later: cut the client too, as a balancer does.
        if (!connected) tryTarget(i + 1);
        else client.destroy();
      });
      upstream.once("connect", () => {
        connected = true;
        sockets.add(upstream);
        upstream.on("close", () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.on("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryTarget(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const endpoint = (server: ServerProcess) => {
  const url = new URL(server.httpUrl);
  return { host: url.hostname, port: Number(url.port) };
};

/** The process a room connection's WebSocket is connected to (the seat reservation's PUBLIC_ADDRESS). */
const processOf = (connection: GameConnection, servers: ServerProcess[]) => {
  const wsUrl = (connection.room as unknown as { connection: { url: string } }).connection.url;
  return servers.find((s) => new URL(wsUrl).host === s.publicAddress)?.name;
};

const rowsOf = (rows: { rank: number; ownerId: string; score: number }[] | undefined) => (rows ?? []).map((r) => `${r.rank}:${r.ownerId}:${r.score}`).join();

interface Player {
  connection: GameConnection;
  states: StateChange[];
  /** State patches received since `mark()`. */
  patches: number;
}

interface Game {
  /** `pair`: create + joinById (teamSize 1, playing). `open`: two joinOrCreate (teamSize 2, waiting for more). */
  kind: "pair" | "open";
  roomId: string;
  on: string;
  teamSize: number;
  host: Player;
  guest: Player;
}

describe("reliability: SIGKILL of one of two server processes sharing Redis", function () {
  this.timeout(60_000);
  const prefix = uniquePrefix("sigkill");
  let a: ServerProcess;
  let b: ServerProcess;
  const cleanups: (() => unknown)[] = [];

  before(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY, STREAM_HEARTBEAT_MS: "1000", LONG_POLL_MAX_WAIT_SECONDS: "3" };
    [a, b] = await Promise.all([spawnServer("A", env), spawnServer("B", env)]);
  });
  after(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    await Promise.all([stopServer(a, "SIGKILL"), stopServer(b)]);
    await deleteKeys(prefix);
  });

  it("clients of the survivor are untouched; clients of the dead process recover through the SDK as documented", async () => {
    const viaA = await startBalancer(() => [endpoint(a), endpoint(b)]);
    const viaB = await startBalancer(() => [endpoint(b), endpoint(a)]);
    cleanups.push(() => viaA.close(), () => viaB.close());
    const servers = [a, b];
    const newClient = async (url: string, name: string) => {
      const client = createClient({ url, backoff: { minMs: 100, maxMs: 1000 } });
      await client.auth.signInAsGuest(name);
      return client;
    };
    const player = (connection: GameConnection): Player => {
      const p: Player = { connection, states: [], patches: 0 };
      connection.on("state", (change) => p.states.push(change));
      connection.onStateChange(() => p.patches++);
      cleanups.push(() => connection.leave());
      return p;
    };

    // --- Rooms: the matchmaker places each new room on the process with the fewest; create until both kinds are where we need them.
    const games: Game[] = [];
    const need = () => ["pair:A", "pair:B", "open:A"].filter((k) => !games.some((g) => `${g.kind}:${g.on}` === k));
    let openRooms = 0;
    for (let i = 0; need().length > 0; i++) {
      assert.ok(i < 8, `could not place the rooms (missing ${need().join(", ")})`);
      const kind = need()[0].startsWith("pair") ? "pair" : "open";
      const url = i % 2 === 0 ? viaA.url : viaB.url;
      const [hostClient, guestClient] = await Promise.all([newClient(url, `Host${i}`), newClient(url, `Guest${i}`)]);
      let host: GameConnection;
      let guest: GameConnection;
      const teamSize = kind === "pair" ? 1 : 2 + openRooms++;
      if (kind === "pair") {
        host = await hostClient.rooms.game.create({ teamSize: 1, matchSeconds: 120, countdownSeconds: 0 });
        guest = await guestClient.rooms.game.joinById(host.roomId!);
      } else {
        // A teamSize no other room here has, so the joinOrCreate pair finds only its own room (joinOrCreate filters by teamSize).
        host = await hostClient.rooms.game.joinOrCreate({ teamSize, matchSeconds: 120 });
        guest = await guestClient.rooms.game.joinOrCreate({ teamSize, matchSeconds: 120 });
        assert.equal(guest.roomId, host.roomId);
      }
      games.push({ kind, roomId: host.roomId!, on: processOf(host, servers)!, teamSize, host: player(host), guest: player(guest) });
    }
    await waitFor(() => games.filter((g) => g.kind === "pair").every((g) => g.host.connection.state?.phase === "playing"), "the pairs to kick off", 10_000);

    // --- Streams and polls: one group pinned to A by the balancer, one to B.
    const subscriptions: { via: string; transport: "sse" | "long-poll"; sub: LeaderboardSubscription; errors: SdkError[]; states: StateChange[] }[] = [];
    const feeds: { via: string; feed: MatchFeed; got: RecordedMatchResult[]; done: Promise<void> }[] = [];
    const stopFeeds = new AbortController();
    cleanups.push(() => stopFeeds.abort());
    for (const [via, url] of [["A", viaA.url], ["B", viaB.url]] as const) {
      for (const transport of ["sse", "long-poll"] as const) {
        const client = createClient({ url, backoff: { minMs: 100, maxMs: 1000 } });
        const sub = client.leaderboards.subscribe("goals", { top: 20, transport, heartbeatMs: 1000, pollWaitSeconds: 3 }, () => undefined);
        const errors: SdkError[] = [];
        const states: StateChange[] = [];
        sub.on("retry", (event) => errors.push(event.error));
        sub.on("state", (change) => states.push(change));
        cleanups.push(() => sub.close());
        subscriptions.push({ via, transport, sub, errors, states });
      }
      const client = await newClient(url, `Feed${via}`);
      feeds.push({ via, ...followFeed(client.matches.feed({ wait: 3, signal: stopFeeds.signal })) });
    }
    await waitFor(() => subscriptions.every((s) => s.sub.state === "open" && s.sub.table) && feeds.every((f) => f.feed.cursor !== undefined), "streams open, feeds at the head", 10_000);

    const accepted: MatchResult[] = [];
    const record = async (server: ServerProcess, count: number) => {
      for (let i = 0; i < count; i++) {
        const result = makeResult();
        const response = await fetch(`${server.httpUrl}/v1/admin/match-results`, { method: "POST", headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY }, body: JSON.stringify(result) });
        assert.equal(response.status, 201, await response.text());
        accepted.push(result);
      }
    };
    await record(a, 3);
    await record(b, 3);
    await waitFor(() => feeds.every((f) => f.got.length === 6), "the feeds to see the first results", 10_000);

    // --- SIGKILL A.
    for (const game of games) for (const p of [game.host, game.guest]) p.patches = 0;
    const statesBefore = new Map(games.flatMap((g) => [g.host, g.guest]).map((p) => [p, p.states.length]));
    const timeLeftBefore = new Map(games.map((g) => [g, g.host.connection.state!.timeLeftMs]));
    await stopServer(a, "SIGKILL");
    await record(b, 3);

    const onA = games.filter((g) => g.on === "A");
    const onB = games.filter((g) => g.on === "B");
    const settled = (p: Player) => p.connection.status === "closed" || (p.connection.status === "open" && p.states.length > statesBefore.get(p)!);
    await waitFor(() => onA.every((g) => settled(g.host) && settled(g.guest)), "every client of A's rooms to settle", 20_000, 50);

    // Clients of the surviving process: never left `open`, and their match kept ticking.
    for (const game of onB) {
      for (const p of [game.host, game.guest]) {
        assert.equal(p.connection.status, "open");
        assert.deepEqual(p.states.slice(statesBefore.get(p)!), [], `${game.kind} on B: no state change after the kill`);
        // A playing match patches its clock and players continuously; a waiting room has nothing to send.
        if (game.kind === "pair") assert.ok(p.patches >= 10, `${game.kind} on B: state patches kept coming (${p.patches})`);
        assert.equal(p.connection.roomId, game.roomId);
      }
      if (game.kind === "pair") assert.ok(game.host.connection.state!.timeLeftMs < timeLeftBefore.get(game)!, "the clock on B kept running");
    }

    // Clients of the dead process: dropped (1006) → reconnecting → the documented outcome.
    for (const game of onA) {
      for (const p of [game.host, game.guest]) {
        const after = p.states.slice(statesBefore.get(p)!);
        assert.deepEqual([after[0]?.from, after[0]?.to, after[0]?.reason, after[0]?.closeCode], ["open", "reconnecting", "transport-lost", 1006], `${game.kind} on A: the drop`);
      }
      const rejoined = (p: Player) => {
        assert.equal(p.connection.status, "open", `${game.kind} on A: back in a room`);
        assert.equal(p.states.at(-1)?.reason, "reconnected");
        assert.notEqual(p.connection.roomId, game.roomId, "a new room (the old one died with its process)");
        assert.equal(processOf(p.connection, servers), "B", "on the surviving process");
      };
      if (game.kind === "open") {
        // joinOrCreate: both players rejoin through matchmaking, on B.
        rejoined(game.host);
        rejoined(game.guest);
        assert.equal(game.host.connection.state!.teamSize, game.teamSize, "the original join's options");
        assert.equal(game.guest.connection.state!.teamSize, game.teamSize, "the original join's options");
      } else {
        // create: the host's original join creates a fresh room on B; joinById: nothing to fall back to.
        rejoined(game.host);
        assert.equal(game.host.connection.state!.phase, "waiting");
        const closing = game.guest.states.at(-1)!;
        assert.equal(game.guest.connection.status, "closed");
        assert.equal(closing.reason, "failed");
        assert.ok(game.guest.connection.error instanceof JoinError, `a JoinError, got ${game.guest.connection.error?.name}`);
        assert.equal(game.guest.connection.error.code, "NOT_FOUND", game.guest.connection.error.message);
      }
    }

    // Streams and polls: A's group resumed through the balancer on B; B's group never noticed.
    await record(b, 2);
    const board = async () => (await (await fetch(`${b.httpUrl}/v1/leaderboards/goals?limit=20`)).json()) as LeaderboardPage;
    await waitFor(async () => {
      const page = await board();
      return subscriptions.every((s) => s.sub.table && rowsOf(s.sub.table.rows) === rowsOf(page.records));
    }, "every live table to equal B's board", 15_000, 100);
    for (const { via, transport, sub, errors, states } of subscriptions) {
      assert.equal(sub.state, "open", `${transport} subscription via ${via}`);
      const moves = states.map((c) => `${c.to}:${c.reason}`);
      if (via === "B") {
        assert.deepEqual(errors.map((e) => e.code), [], `${transport} via B never retried`);
        // (`idle → connecting` happens inside subscribe(), before a listener can be attached.)
        assert.deepEqual(moves, ["open:opened"], `${transport} via B never left open`);
      } else if (transport === "sse") {
        // The stream to A was open when A died: it broke and resumed on B. (A poll may fall between two requests and not notice.)
        assert.deepEqual(moves.slice(0, 2), ["open:opened", "reconnecting:transport-lost"], `the SSE stream via A noticed the crash: ${moves.join(" ")}`);
        assert.equal(moves.at(-1), "open:reconnected");
      }
    }
    const expected = new Set(accepted.map((r) => r.matchId));
    await waitFor(() => feeds.every((f) => f.got.length >= expected.size), "every feed follower to catch up", 15_000);
    stopFeeds.abort();
    await Promise.all(feeds.map((f) => f.done));
    for (const { via, got } of feeds) {
      const ids = got.map((r) => r.matchId);
      assert.equal(new Set(ids).size, ids.length, `feed via ${via}: no result twice`);
      assert.deepEqual([...expected].filter((id) => !ids.includes(id)), [], `feed via ${via}: no result lost`);
    }
    assert.equal(b.process.exitCode, null, "B is still running");
    assert.equal((await fetch(`${b.httpUrl}/readyz`)).status, 200, "B is ready");
  });
});
