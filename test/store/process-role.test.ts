import assert from "node:assert/strict";
import { Client, MatchMakeError, type Room } from "@colyseus/sdk";
import { RedisPresence } from "@colyseus/redis-presence";
import { requestFromIPC } from "@colyseus/core/IPC";
import { createClient as createRedis } from "redis";
import { createClient, JoinError, type RoomRetryEvent } from "../../client-sdk/index.ts";
import { loadConfig, ConfigError } from "../../server/config.ts";
import { API_PROCESS_V8_FLAGS, SERVER_V8_FLAGS } from "../../server/node-flags.ts";
import { NO_ROOM_HOST, ROOM_REFUSED_HERE, ROOMLESS_PROCESSES_KEY, STALE_MARK_MS } from "../../server/room-placement.ts";
import { GameState, type MatchFinishedMessage } from "../../shared/index.ts";
import { spawnServer, stopServer, type ServerProcess } from "../helpers/server-process.ts";
import { TEST_ADMIN_KEY, TEST_TOKEN_SECRET } from "../helpers/test-server.ts";
import { deleteKeys, REDIS_URL, uniquePrefix } from "../helpers/store-harness.ts";
import { waitFor, within } from "../helpers/wait.ts";

/**
 * PROCESS_ROLE=api (server/room-placement.ts): a process that serves the API,
 * streams, polls and matchmaking but never hosts a room. Real processes on
 * one Redis, joined through the stock and the project SDK.
 */
describe("PROCESS_ROLE=api: a process that hosts no rooms", function () {
  this.timeout(90_000);

  it("needs REDIS_URL (alone it would have nowhere to create rooms) and takes only all|api", () => {
    const base = { NODE_ENV: "test", TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY };
    assert.equal(loadConfig(base).config.processRole, "all");
    assert.equal(loadConfig({ ...base, PROCESS_ROLE: "api", REDIS_URL }).config.processRole, "api");
    const refused = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems.map((p) => `${p.variable}: ${p.message}`).join("\n");
      }
      assert.fail("the configuration was accepted");
    };
    assert.match(refused({ PROCESS_ROLE: "api" }), /^PROCESS_ROLE: .*needs REDIS_URL/);
    assert.match(refused({ PROCESS_ROLE: "rooms", REDIS_URL }), /^PROCESS_ROLE: /);
  });

  it("V8's heap-growing factor: 50 on room processes, 25 on api processes; V8_HEAP_GROWING_PERCENT overrides both (0: V8's own)", () => {
    const base = { NODE_ENV: "test", TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY, REDIS_URL };
    const flags = (env: Record<string, string>) => loadConfig({ ...base, ...env }).config.v8Flags;
    assert.deepEqual(flags({}), ["--heap-growing-percent=50"]);
    assert.deepEqual(flags({ PROCESS_ROLE: "api" }), ["--heap-growing-percent=25"]);
    assert.deepEqual(flags({ V8_HEAP_GROWING_PERCENT: "0" }), []);
    assert.deepEqual(flags({ PROCESS_ROLE: "api", V8_HEAP_GROWING_PERCENT: "0" }), []);
    assert.deepEqual(flags({ PROCESS_ROLE: "api", V8_HEAP_GROWING_PERCENT: "30" }), ["--heap-growing-percent=30"]);
    assert.deepEqual(flags({ V8_HEAP_GROWING_PERCENT: "80" }), ["--heap-growing-percent=80"]);
    assert.throws(() => flags({ V8_HEAP_GROWING_PERCENT: "-1" }), ConfigError);
  });

  describe("one api process (A) and one room process (R) on one Redis", () => {
    const prefix = uniquePrefix("role");
    const roomlessKey = `${prefix}colyseus:${ROOMLESS_PROCESSES_KEY}`;
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, TOKEN_SECRET: TEST_TOKEN_SECRET, ADMIN_KEY: TEST_ADMIN_KEY };
    const redis = createRedis({ url: REDIS_URL });
    let api: ServerProcess;
    let rooms: ServerProcess | undefined;

    before(async () => {
      await redis.connect();
      // Marks left by api processes that crashed: an old one is dropped when the next api process starts, a fresh one is kept.
      await redis.hSet(roomlessKey, { crashedLongAgo: String(Date.now() - STALE_MARK_MS - 5_000), crashedJustNow: String(Date.now()) });
      api = await spawnServer("A (api)", { ...env, PROCESS_ROLE: "api" });
      rooms = await spawnServer("R (all)", env);
    });
    after(async () => {
      await Promise.all([stopServer(api), stopServer(rooms)]);
      await deleteKeys(prefix);
      await redis.quit();
    });

    const guest = async (server: ServerProcess, name: string) => {
      const response = await fetch(`${server.httpUrl}/v1/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
      assert.equal(response.status, 201);
      return (await response.json()) as { token: string; player: { playerId: string } };
    };
    const matchmake = async (server: ServerProcess, token: string, method: string, room: string, options: object) =>
      fetch(`${server.httpUrl}/matchmake/${method}/${room}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(options) });
    const roomsOpen = async (server: ServerProcess) => {
      const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
      return [...text.matchAll(/^rooms_open\{room="[^"]+"\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    };

    it("A, started before any room process, warns once that rooms cannot be created yet; R does not", () => {
      const warning = /^PROCESS_ROLE=api: no process that hosts rooms shares this Redis and REDIS_KEY_PREFIX yet/;
      assert.equal(api.startupLog.filter((entry) => entry.level === 40 && warning.test(String(entry.msg))).length, 1, JSON.stringify(api.startupLog.map((e) => e.msg)));
      assert.ok(!rooms!.startupLog.some((entry) => warning.test(String(entry.msg))));
    });

    it("marks itself room-less in presence, and drops a crashed api process's old mark", async () => {
      const marks = await redis.hGetAll(roomlessKey);
      assert.deepEqual(Object.keys(marks).sort(), ["crashedJustNow", processIdOf(marks)].sort());
      const live = Object.keys(await redis.hGetAll(`${prefix}colyseus:roomcount`));
      assert.ok(live.includes(processIdOf(marks)), "the api process is in Colyseus's process list");
      assert.equal(live.length, 2);
    });

    it("each process gives itself its role's V8 settings (old space collected at 1.25× live on A, 1.5× on R) and logs them with its role", () => {
      const starting = (server: ServerProcess) => server.startupLog.find((entry) => entry.msg === "starting");
      assert.deepEqual(starting(api)?.v8Flags, [...API_PROCESS_V8_FLAGS]);
      assert.equal(starting(api)?.role, "api");
      assert.deepEqual(starting(rooms!)?.v8Flags, [...SERVER_V8_FLAGS]);
      assert.equal(starting(rooms!)?.role, "all");
      assert.ok(SERVER_V8_FLAGS.includes("--heap-growing-percent=50") && API_PROCESS_V8_FLAGS.includes("--heap-growing-percent=25"));
    });

    it("every room created through A lives on R, though A has fewer rooms (Colyseus's default would pick A)", async () => {
      const { token } = await guest(api, "Creator");
      const apiId = processIdOf(await redis.hGetAll(roomlessKey));
      for (let i = 0; i < 2; i++) assert.equal((await matchmake(rooms!, token, "create", "game", { teamSize: 1 })).status, 200);
      // Colyseus persists each process's room count at most once a second; wait until R's shows.
      await waitFor(async () => {
        const counts = await redis.hGetAll(`${prefix}colyseus:roomcount`);
        return Object.entries(counts).some(([id, value]) => id !== apiId && Number(value.split(",")[0]) >= 2);
      }, "R's room count in presence", 10_000);
      for (let i = 0; i < 6; i++) {
        const response = await matchmake(api, token, "create", "game", { teamSize: 1 });
        const body = (await response.json()) as { roomId?: string; publicAddress?: string; error?: string };
        assert.equal(response.status, 200, JSON.stringify(body));
        // The seat reservation sends the client to the room's process.
        assert.equal(body.publicAddress, rooms!.publicAddress, `room ${i + 1} was placed on ${body.publicAddress}`);
      }
      assert.equal(await roomsOpen(api), 0);
      assert.ok((await roomsOpen(rooms!)) >= 8);
    });

    it("a stock SDK client matchmade through A plays on R; the result is answered by a long poll held on A", async () => {
      const [host, guestPlayer] = await Promise.all([guest(api, "Host"), guest(api, "Guest")]);
      const clients = [host, guestPlayer].map(({ token }) => {
        const client = new Client(api.wsUrl);
        client.auth.token = token;
        return client;
      });
      const joined: Room<GameState>[] = [];
      try {
        const first = await within(clients[0]!.create("game", { teamSize: 1, matchSeconds: 1, countdownSeconds: 0.2, kickoffPauseSeconds: 0.2, postMatchSeconds: 0.5 }, GameState), "the room created through A", 15_000);
        joined.push(first);
        first.onMessage("*", () => undefined);
        const finished = new Promise<MatchFinishedMessage>((resolve) => first.onMessage("match.finished", resolve));
        const second = await within(clients[1]!.joinById(first.roomId, {}, GameState), "the second seat", 15_000);
        joined.push(second);
        second.onMessage("*", () => undefined);
        await waitFor(() => first.state.players.size === 2 && first.state.matchId !== "", "both players in the room");
        const matchId = first.state.matchId;
        // Held on A (no rooms) until the room on R records the result.
        const poll = fetch(`${api.httpUrl}/v1/matches/${matchId}/result?wait=25`, { headers: { authorization: `Bearer ${host.token}` } });
        const { result } = await within(finished, "match.finished", 20_000);
        const answer = await within(poll, "the long poll on A", 20_000);
        assert.equal(answer.status, 200);
        const body = (await answer.json()) as { final: boolean; result: { matchId: string } };
        assert.equal(body.final, true);
        assert.equal(body.result.matchId, result.matchId);
        assert.equal(await roomsOpen(api), 0);
      } finally {
        await Promise.all(joined.map((room) => room.leave().catch(() => undefined)));
      }
    });

    it("a creation sent to A by a process that does not know the mark is refused there", async () => {
      const processId = processIdOf(await redis.hGetAll(roomlessKey));
      const { hostname, port } = new URL(REDIS_URL);
      // What an older process (Colyseus's default placement) does: ask A over presence to create the room.
      const presence = new RedisPresence({ host: hostname, port: Number(port), keyPrefix: `${prefix}colyseus:` });
      try {
        await assert.rejects(requestFromIPC(presence, `p:${processId}`, undefined, ["game", { teamSize: 1 }, undefined, "refusedRoom1"], 5_000), (error: Error) => error.message === ROOM_REFUSED_HERE);
      } finally {
        presence.shutdown();
      }
      assert.equal(await roomsOpen(api), 0);
    });

    it("with no room process left, creation answers SERVER_BUSY (retryable) instead of hosting the room on A; the SDK gets in once a room process is back", async () => {
      await stopServer(rooms);
      rooms = undefined;
      const { token } = await guest(api, "Stranded");
      const response = await matchmake(api, token, "create", "game", { teamSize: 1 });
      const body = (await response.json()) as { code: number; error: string };
      assert.equal(body.error, NO_ROOM_HOST);
      assert.equal(body.code, 523);
      // The stock SDK shows the message.
      const stock = new Client(api.wsUrl);
      stock.auth.token = token;
      await assert.rejects(stock.create("game", { teamSize: 1 }), (error: unknown) => error instanceof MatchMakeError && error.code === 523 && error.message === NO_ROOM_HOST);
      // The project's SDK types it as SERVER_BUSY and keeps trying, like any retryable refusal.
      const sdk = createClient({ url: api.httpUrl, network: null, backoff: { minMs: 100, maxMs: 300 } });
      await sdk.auth.signInAsGuest("Patient");
      const connection = sdk.rooms.game.connect("create", { teamSize: 1 });
      try {
        const retries: RoomRetryEvent[] = [];
        connection.on("retry", (event) => retries.push(event));
        await waitFor(() => retries.length >= 2, "the SDK retrying while no process hosts rooms");
        for (const retry of retries) {
          assert.ok(retry.error instanceof JoinError, String(retry.error));
          assert.equal(retry.error.code, "SERVER_BUSY");
        }
        assert.equal(await roomsOpen(api), 0);
        rooms = await spawnServer("R (all), back", env);
        await within(connection.ready(), "the connection once a room process is back", 20_000);
        assert.equal(await roomsOpen(api), 0);
        assert.equal(await roomsOpen(rooms), 1);
      } finally {
        await connection.leave().catch(() => undefined);
      }
    });

    it("a clean stop removes the process's mark", async () => {
      const processId = processIdOf(await redis.hGetAll(roomlessKey));
      assert.equal(await stopServer(api), 0);
      const marks = await redis.hGetAll(roomlessKey);
      assert.ok(!(processId in marks), JSON.stringify(marks));
    });
  });
});

/** The one mark that is not a planted one. */
function processIdOf(marks: Record<string, string>): string {
  const ids = Object.keys(marks).filter((id) => !id.startsWith("crashed"));
  assert.equal(ids.length, 1, JSON.stringify(marks));
  return ids[0]!;
}
