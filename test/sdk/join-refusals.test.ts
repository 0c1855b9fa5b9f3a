import assert from "node:assert/strict";
import { createClient, JoinError, type ArenaClient, type Logger } from "../../client-sdk/index.ts";
import { useTestServer } from "../helpers/test-server.ts";

/** Every console method, recorded (and silenced) while `run` runs. */
async function withConsoleWatched<T>(run: () => Promise<T>): Promise<{ result: T; printed: string[] }> {
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((name) => console[name]);
  const printed: string[] = [];
  for (const name of methods) console[name] = (...args: unknown[]) => void printed.push(`${name}: ${args.map(String).join(" ")}`);
  try {
    return { result: await run(), printed };
  } finally {
    methods.forEach((name, i) => (console[name] = saved[i]!));
  }
}

/**
 * Join refusals carry the room's own code as a typed JoinError, whether the
 * matchmaker refused over HTTP (onCreate, onAuth) or the room refused over
 * the socket (onJoin), and the SDK prints nothing (unless given a logger).
 */
describe("sdk: join refusals keep their code, silently", function () {
  this.timeout(30_000);
  const clients: ArenaClient<{}>[] = [];

  const server = useTestServer();

  /** A signed-in client whose WebSockets can be awaited until closed (so a late console line would be seen). */
  async function player(name: string, logger?: Logger) {
    const sockets: Promise<void>[] = [];
    class TrackedWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        // Registered before the SDK sets `onclose`, so it runs first: awaiting it means the SDK's handler ran too.
        sockets.push(new Promise((resolve) => this.addEventListener("close", () => resolve(), { once: true })));
      }
    }
    const client = createClient({ url: server.httpUrl, backoff: { minMs: 10, maxMs: 50 }, network: null, logger, WebSocket: TrackedWebSocket });
    await client.auth.signInAsGuest(name);
    clients.push(client);
    return Object.assign(client, { socketsClosed: () => Promise.all(sockets) });
  }

  const refusedWith = (code: string, pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof JoinError, `a JoinError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    assert.equal(error.retryable, false);
    return true;
  };

  it("a full team (socket-level refusal): CONFLICT, not NOT_FOUND; a second player in a 1v1 seat: CONFLICT", async () => {
    const { printed } = await withConsoleWatched(async () => {
      const captain = await player("Cap");
      const team = await captain.rooms.team.create({ name: "Solo", size: 1 });
      const other = await player("Other");
      const states: string[] = [];
      const attempt = other.rooms.team.connect("join", { code: team.state!.code });
      attempt.on("state", (change) => states.push(`${change.to}:${change.reason}`));
      await assert.rejects(attempt.ready(), refusedWith("CONFLICT", /^The team is full$/));
      assert.deepEqual(states, ["connecting:connect", "closed:failed"], "refused once, not retried");
      assert.equal(attempt.error?.code, "CONFLICT");
      await other.socketsClosed();

      const host = await player("Host");
      const game = await host.rooms.game.create({ teamSize: 1, private: true });
      const a = await player("A");
      const seated = await a.rooms.game.joinById(game.roomId!);
      const b = await player("B");
      await assert.rejects(b.rooms.game.joinById(game.roomId!), refusedWith("CONFLICT", /seats are taken|started/));
      await b.socketsClosed();
      await Promise.all([team.leave(), game.leave(), seated.leave()]);
    });
    assert.deepEqual(printed, [], "nothing on the console");
  });

  it("an outsider joining a league's draft: FORBIDDEN; bad join options: VALIDATION_FAILED (socket) and bad room options (HTTP)", async () => {
    const { printed } = await withConsoleWatched(async () => {
      const commissioner = await player("Commish");
      const league = await commissioner.leagues.create({ name: "Closed league", teamName: "Commish FC" });
      const outsider = await player("Outsider");
      await assert.rejects(outsider.rooms.draft.join(league.id), refusedWith("FORBIDDEN", /managers and the commissioner/));
      await outsider.socketsClosed();

      const host = await player("Host2");
      const game = await host.rooms.game.create({ teamSize: 2, private: true });
      const guest = await player("Guest");
      await assert.rejects(guest.rooms.game.joinById(game.roomId!, { side: "left" as never }), refusedWith("VALIDATION_FAILED", /Invalid join options/));
      await assert.rejects(guest.rooms.game.create({ teamSize: 99 }), refusedWith("VALIDATION_FAILED", /teamSize/));
      await guest.socketsClosed();
      await game.leave();
    });
    assert.deepEqual(printed, []);
  });

  it("with a logger, the refused socket is reported there (debug), still not on the console", async () => {
    const lines: string[] = [];
    const logger: Logger = { debug: (message) => lines.push(message) };
    const { printed } = await withConsoleWatched(async () => {
      const captain = await player("Cap2");
      const team = await captain.rooms.team.create({ size: 1 });
      const other = await player("Other2", logger);
      await assert.rejects(other.rooms.team.joinByCode(team.state!.code), refusedWith("CONFLICT", /full/));
      await other.socketsClosed();
      await team.leave();
    });
    assert.deepEqual(printed, []);
    assert.ok(lines.some((line) => /closed before the join completed \(4002\)/.test(line)), lines.join("\n"));
  });
});
