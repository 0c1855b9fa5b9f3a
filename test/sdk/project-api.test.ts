import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { HttpError, RoomMessageError, createClient } from "../../client-sdk/index.ts";
import { GameState } from "../../shared/index.ts";
import { projectMessageSchemas } from "../../client-sdk/validation.ts";
import { TEST_ADMIN_KEY, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** The SDK's typed surfaces over the project's real endpoints and rooms (not the probe). */
describe("sdk: project rooms and leaderboard reads", () => {
  const board = `sdk-${Date.now().toString(36)}`;

  const server = useTestServer();
  before(async () => {
    const admin = (path: string, body: unknown) =>
      fetch(`${server.httpUrl}/v1/admin${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-admin-key": TEST_ADMIN_KEY },
        body: JSON.stringify(body),
      }).then(async (response) => assert.ok(response.ok, `${path}: ${response.status} ${await response.text()}`));
    await admin("/leaderboards", { id: board, title: "SDK test board" });
    await admin(`/leaderboards/${board}/records`, {
      records: ["a", "b", "c", "d", "e"].map((name, i) => ({ ownerId: `p_${name.repeat(10)}`, name: name.toUpperCase(), score: 100 - i * 10 })),
    });
  });

  it("reads leaderboards: list, top with a keyset cursor, a player's record, around a player", async () => {
    const client = createClient({ url: server.httpUrl });
    const boards = await client.leaderboards.list();
    assert.ok(boards.some((b) => b.id === board && b.title === "SDK test board"));

    const first = await client.leaderboards.top(board, { limit: 2 });
    assert.deepEqual(first.records.map((r) => [r.name, r.rank, r.score]), [["A", 1, 100], ["B", 2, 90]]);
    assert.equal(first.total, 5);
    assert.ok(first.nextCursor);
    const second = await client.leaderboards.top(board, { limit: 2, cursor: first.nextCursor! });
    assert.deepEqual(second.records.map((r) => r.rank), [3, 4]);

    const record = await client.leaderboards.get(board, "p_cccccccccc");
    assert.equal(record.record.rank, 3);
    const around = await client.leaderboards.around(board, "p_cccccccccc", { limit: 3 });
    assert.deepEqual(around.records.map((r) => r.rank), [2, 3, 4]);

    await assert.rejects(client.leaderboards.get(board, "p_zzzzzzzzzz"), (error: unknown) => error instanceof HttpError && error.status === 404 && error.code === "NOT_FOUND");
    await assert.rejects(client.leaderboards.top("no such board!"), (error: unknown) => error instanceof HttpError && error.code === "VALIDATION_FAILED");
  });

  it("joins the game room through its typed handle (shared GameState, typed messages)", async () => {
    const client = createClient({ url: server.httpUrl });
    await client.auth.signInAsGuest("Striker");
    const game = await client.rooms.game.joinOrCreate({ teamSize: 1, private: true });
    try {
      assert.ok(game.state instanceof GameState);
      await waitFor(() => [...game.state!.players.values()].some((p) => p.name === "Striker"), "seated in the game");
      const errors: RoomMessageError[] = [];
      game.on("error", (error) => errors.push(error));
      game.send("ready", { ready: true });
      await waitFor(() => [...game.state!.players.values()].some((p) => p.ready), "ready flag synced");
      // Without message schemas the SDK sends it; the room refuses it, typed, and changes nothing.
      game.send("input", { seq: 0, dir: { x: 2, y: 0 } });
      await waitFor(() => errors.length === 1, "the room's error");
      assert.equal(errors[0]!.code, "VALIDATION_FAILED");
      assert.equal(errors[0]!.local, false);
      assert.equal(errors[0]!.type, "input");
    } finally {
      await game.leave();
    }
  });

  it("with the project's message schemas (opt-in), an invalid payload is refused before it is sent", async () => {
    const client = createClient({ url: server.httpUrl, messageSchemas: projectMessageSchemas });
    await client.auth.signInAsGuest("Checked");
    const game = await client.rooms.game.joinOrCreate({ teamSize: 1, private: true });
    try {
      const errors: RoomMessageError[] = [];
      game.on("error", (error) => errors.push(error));
      assert.throws(
        () => game.send("input", { seq: 0, dir: { x: 2, y: 0 } }),
        (error: unknown) => error instanceof RoomMessageError && error.local && error.code === "VALIDATION_FAILED" && /seq|dir/.test(error.message),
      );
      assert.throws(() => (game.send as (type: string, payload: unknown) => void)("nope", {}), (error: unknown) => error instanceof RoomMessageError && error.code === "UNKNOWN_MESSAGE");
      game.send("ready", { ready: true });
      await waitFor(() => [...game.state!.players.values()].some((p) => p.ready), "a valid payload still goes out");
      assert.deepEqual(errors, []);
    } finally {
      await game.leave();
    }
  });

  it("the README's quickstart example runs to the end against the server", async function () {
    this.timeout(20_000);
    const child = spawn(process.execPath, ["--import", "tsx", "client-sdk/examples/quickstart.ts", server.httpUrl], {
      cwd: new URL("../..", import.meta.url),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    const [code] = await once(child, "exit");
    assert.equal(code, 0, output);
    assert.match(output, /^signed in as p_/m);
    assert.match(output, /ready: true/);
    assert.match(output, new RegExp(`leaderboards: .*${board}`));
    assert.match(output, /^left$/m);
  });
});
