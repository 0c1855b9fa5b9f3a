import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import {
  AuthError,
  JoinError,
  RoomClosedError,
  RoomMessageError,
  createClient,
  defineRoom,
  type ClientOptions,
  type RoomConnection,
  type RoomRetryEvent,
  type StateChange,
} from "../../client-sdk/index.ts";
import { projectRooms } from "../../rooms/index.ts";
import { CloseCodes } from "../../shared/index.ts";
import { ProbeState, probeRoom } from "../helpers/probe-room.ts";
import { startTestServer, useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { probeContract } from "../helpers/probe-contract.ts";

/** `from>to:reason` of every state change, for compact assertions. */
function recordStates(connection: RoomConnection<any>): string[] {
  const seen: string[] = [];
  connection.on("state", (change: StateChange) => seen.push(`${change.from}>${change.to}:${change.reason}`));
  return seen;
}

/**
 * The server side of a connection's seat (in-process: the matchmaker is
 * process-wide), once the server has the client's JOIN acknowledgement:
 * Colyseus holds a seat for reconnection only for a client that finished
 * joining (`_enqueuedMessages` is cleared then).
 */
async function serverClientOf(connection: RoomConnection<any>) {
  const room = matchMaker.getLocalRoomById(connection.roomId!);
  assert.ok(room, "the room lives in this process");
  const client = await waitFor(() => {
    const seated = room.clients.find((c) => c.sessionId === connection.sessionId) as any;
    return seated && seated._enqueuedMessages === undefined ? seated : undefined;
  }, "the server finished seating the client");
  return client as { ref: { terminate(): void }; leave(code?: number, reason?: string): void };
}

/** A fetch that counts matchmake calls and can play dead. */
function instrumentedFetch() {
  const state = { offline: false, matchmakeCalls: 0, override: undefined as undefined | ((url: string) => Response | undefined) };
  const fetchImpl = async (input: string, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/matchmake/")) state.matchmakeCalls++;
    if (state.offline) throw new TypeError("fetch failed (test: offline)");
    const override = state.override?.(url);
    if (override) return override;
    return fetch(url, init);
  };
  return { state, fetch: fetchImpl };
}

const fastBackoff = { minMs: 20, maxMs: 200 };

describe("sdk: room connections against the real server", () => {
  const server = useTestServer({ rooms: (deps) => [...projectRooms(deps), probeRoom(deps)] });

  async function signedInClient(name: string, extra: Omit<ClientOptions, "url" | "rooms"> = {}) {
    const client = createClient({ url: server.httpUrl, rooms: { probe: probeContract }, backoff: fastBackoff, ...extra });
    await client.auth.signInAsGuest(name);
    return client;
  }

  it("joins a typed room, sends typed messages and syncs the shared schema state", async () => {
    const client = await signedInClient("Ada");
    const connection = await client.rooms.probe.joinOrCreate();
    try {
      assert.equal(connection.status, "open");
      assert.ok(connection.state instanceof ProbeState, "the shared schema class decodes the state");
      await waitFor(() => [...connection.state!.players.values()].includes("Ada"), "own player in the state");
      const patches: string[] = [];
      connection.onStateChange((state) => patches.push(state.said));
      connection.send("say", { text: "hello" });
      await waitFor(() => connection.state!.said === "hello", "patched state");
      assert.ok(patches.includes("hello"));
    } finally {
      await connection.leave();
    }
    assert.equal(connection.status, "closed");
    assert.equal(connection.error, undefined, "leaving is not an error");
  });

  it("surfaces room `error` messages as typed events, and refuses invalid payloads before sending", async () => {
    const client = await signedInClient("Bea");
    const connection = await client.rooms.probe.joinOrCreate();
    try {
      const errors: RoomMessageError[] = [];
      connection.on("error", (error) => errors.push(error));
      connection.send("forbidden", {});
      connection.send("crash", {});
      await waitFor(() => errors.length === 2, "two room errors");
      assert.deepEqual(
        errors.map((e) => [e.code, e.type, e.local]),
        [
          ["FORBIDDEN", "forbidden", false],
          ["INTERNAL", "crash", false],
        ],
      );
      assert.throws(
        () => connection.send("say", { text: "" }),
        (error: unknown) => error instanceof RoomMessageError && error.code === "VALIDATION_FAILED" && error.local && error.type === "say",
      );
      assert.throws(() => connection.send("nope" as "say", { text: "x" }), (error: unknown) => error instanceof RoomMessageError && error.code === "UNKNOWN_MESSAGE");
      assert.equal(connection.status, "open", "a rejected message does not close the connection");
    } finally {
      await connection.leave();
    }
  });

  it("reconnects with the reconnection token after the server kills the socket (1006), keeping the seat and queued messages", async () => {
    const client = await signedInClient("Cy");
    const connection = await client.rooms.probe.joinOrCreate();
    const states = recordStates(connection);
    const rooms: string[] = [];
    connection.onRoom((room) => rooms.push(room.sessionId));
    try {
      const { roomId, sessionId } = connection;
      connection.on("state", (change) => {
        // Sent while the socket is down: queued and delivered after the reconnect.
        if (change.to === "reconnecting") connection.send("say", { text: "sent while away" });
      });
      (await serverClientOf(connection)).ref.terminate();
      await waitFor(() => connection.status === "open" && states.length === 2, "reconnected");
      assert.deepEqual(states, ["open>reconnecting:transport-lost", "reconnecting>open:reconnected"]);
      assert.equal(connection.roomId, roomId);
      assert.equal(connection.sessionId, sessionId, "same seat");
      await waitFor(() => connection.state!.reconnected === 1 && connection.state!.dropped === 1, "server saw drop + reconnect");
      await waitFor(() => connection.state!.said === "sent while away", "queued message delivered");
      assert.deepEqual(rooms, [sessionId, sessionId], "onRoom ran for the first room and its replacement");
    } finally {
      await connection.leave();
    }
  });

  it("stops for good on a final close code with a typed error, and never retries", async () => {
    const net = instrumentedFetch();
    const client = await signedInClient("Dee", { fetch: net.fetch });
    const connection = await client.rooms.probe.joinOrCreate();
    const states: StateChange[] = [];
    connection.on("state", (change) => states.push(change));
    const callsBefore = net.state.matchmakeCalls;
    (await serverClientOf(connection)).leave(CloseCodes.KICKED.code, "test kick");
    await connection.closed();
    assert.equal(states.length, 1);
    assert.equal(states[0]!.to, "closed");
    assert.equal(states[0]!.reason, "server-close");
    assert.equal(states[0]!.closeCode, 4105);
    assert.ok(connection.error instanceof RoomClosedError);
    assert.equal(connection.error.closeName, "KICKED");
    assert.equal(connection.error.action, "final");
    assert.equal(net.state.matchmakeCalls, callsBefore, "no rejoin attempt");
    assert.throws(() => connection.send("say", { text: "x" }), (error: any) => error.code === "NOT_CONNECTED");
  });

  it("fails for good, without retrying, on an unknown room name or a missing token", async () => {
    const client = await signedInClient("Eve");
    const nowhere = client.roomHandle(defineRoom()({ name: "no-such-room", messages: {} }));
    await assert.rejects(nowhere.joinOrCreate(), (error: unknown) => error instanceof JoinError && error.code === "NOT_FOUND" && error.matchmakeCode === 520);

    const anonymous = createClient({ url: server.httpUrl, rooms: { probe: probeContract }, backoff: fastBackoff });
    const connection = anonymous.rooms.probe.connect("joinOrCreate");
    const states = recordStates(connection);
    await assert.rejects(connection.ready(), (error: unknown) => error instanceof AuthError && error.code === "UNAUTHORIZED");
    assert.deepEqual(states, ["idle>connecting:connect", "connecting>closed:unauthorized"]);
  });

  it("reconnects at once when the browser's `online` event fires, without waiting out the backoff", async () => {
    const net = instrumentedFetch();
    const network = new EventTarget();
    // A backoff far longer than the test's timeout: only the online event can bring it back. A game room
    // holding the seat for an hour, so the seat window (which caps the delay at a fifth of it) leaves it at 60 s.
    const client = await signedInClient("Fay", { fetch: net.fetch, network, backoff: { minMs: 60_000, maxMs: 60_000 } });
    const connection = await client.rooms.game.create({ teamSize: 1, private: true, reconnectSeconds: 3600 });
    try {
      const retries: RoomRetryEvent[] = [];
      connection.on("retry", (event) => retries.push(event));
      net.state.offline = true;
      (await serverClientOf(connection)).ref.terminate();
      await waitFor(() => retries.length === 1, "first reconnect attempt failed (offline)");
      assert.equal(retries[0]!.error.code, "NETWORK_ERROR");
      assert.equal(retries[0]!.delayMs, 60_000);
      net.state.offline = false;
      network.dispatchEvent(new Event("online"));
      await waitFor(() => connection.status === "open", "reconnected after online");
      assert.equal(connection.seat, "held");
      await waitFor(() => connection.state!.players.get(connection.sessionId!)?.connected === true, "the same seat, connected again");
    } finally {
      await connection.leave();
    }
  });

  it("honours the matchmaker's Retry-After (503) as a floor, and runs on the injected WebSocket", async () => {
    const net = instrumentedFetch();
    let busy = 1;
    net.state.override = (url) => {
      if (!url.includes("/matchmake/") || busy-- <= 0) return undefined;
      return new Response(JSON.stringify({ error: { code: "DRAINING", message: "busy" } }), { status: 503, headers: { "content-type": "application/json", "retry-after": "1" } });
    };
    const sockets: string[] = [];
    class CountingWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(String(url));
      }
    }
    const client = await signedInClient("Gus", { fetch: net.fetch, WebSocket: CountingWebSocket });
    const connection = client.rooms.probe.connect("joinOrCreate");
    const retries: RoomRetryEvent[] = [];
    connection.on("retry", (event) => retries.push(event));
    const states = recordStates(connection);
    try {
      await connection.ready();
      assert.equal(retries.length, 1);
      assert.equal(retries[0]!.error.code, "DRAINING");
      assert.ok(retries[0]!.delayMs >= 1000, `delay ${retries[0]!.delayMs} honours Retry-After: 1`);
      assert.deepEqual(states, ["idle>connecting:connect", "connecting>reconnecting:connect-failed", "reconnecting>open:reconnected"]);
      assert.equal(sockets.length, 1);
      assert.ok(!sockets[0]!.includes("_authToken"), "the token never travels in the WebSocket URL");
    } finally {
      await connection.leave();
    }
  });

  it("leave() while reconnecting stops at once (no timers left behind)", async () => {
    const net = instrumentedFetch();
    const client = await signedInClient("Hal", { fetch: net.fetch, backoff: { minMs: 60_000, maxMs: 60_000 } });
    const connection = await client.rooms.probe.joinOrCreate();
    const retries: RoomRetryEvent[] = [];
    connection.on("retry", (event) => retries.push(event));
    net.state.offline = true;
    (await serverClientOf(connection)).ref.terminate();
    await waitFor(() => retries.length === 1, "waiting in backoff");
    await connection.leave();
    assert.equal(connection.status, "closed");
    assert.equal(connection.error, undefined);
  });

  it("takes a seat reserved by the server (as a team matchmaker hands one over), and recovers it after a drop", async () => {
    const client = await signedInClient("Gil");
    const reservation = await matchMaker.joinOrCreate("probe", {}, { token: client.auth.token } as never);
    const connection = await client.rooms.probe.consumeSeatReservation(reservation);
    const states = recordStates(connection);
    try {
      assert.equal(connection.roomId, reservation.roomId);
      assert.equal(connection.sessionId, reservation.sessionId);
      (await serverClientOf(connection)).ref.terminate();
      await waitFor(() => states.length === 2, "reconnected");
      assert.equal(connection.sessionId, reservation.sessionId, "same seat after the drop");
    } finally {
      await connection.leave();
    }
  });

  it("an AbortSignal cancels a connection", async () => {
    const client = await signedInClient("Ida");
    const controller = new AbortController();
    const connection = client.rooms.probe.connect("joinOrCreate", {}, { signal: controller.signal });
    await connection.ready();
    controller.abort();
    await connection.closed();
    assert.equal(connection.error?.code, "ABORTED");
  });
});

describe("sdk: room connections when the seat is gone", () => {
  const server = useTestServer({ rooms: (deps) => [...projectRooms(deps), probeRoom(deps)], env: { RECONNECT_WINDOW_SECONDS: "0" } });

  it("falls back to joining again when reconnecting with the token fails", async () => {
    const client = createClient({ url: server.httpUrl, rooms: { probe: probeContract }, backoff: fastBackoff });
    await client.auth.signInAsGuest("Jo");
    const connection = await client.rooms.probe.joinOrCreate();
    const states = recordStates(connection);
    const firstSession = connection.sessionId;
    try {
      (await serverClientOf(connection)).ref.terminate();
      await waitFor(() => states.length === 2, "back open");
      assert.deepEqual(states, ["open>reconnecting:transport-lost", "reconnecting>open:reconnected"]);
      assert.notEqual(connection.sessionId, firstSession, "a new seat");
      await waitFor(() => [...connection.state!.players.values()].includes("Jo"), "seated again");
      connection.send("say", { text: "back" });
      await waitFor(() => connection.state!.said === "back", "new room works");
    } finally {
      await connection.leave();
    }
  });
});

describe("sdk: room connections across a server restart", () => {
  it("rejoins through matchmaking after the server closes with SERVER_SHUTDOWN and comes back on the same port", async function () {
    this.timeout(20_000);
    const rooms = (deps: Parameters<typeof probeRoom>[0]) => [...projectRooms(deps), probeRoom(deps)];
    let server = await startTestServer({ rooms });
    const port = server.port;
    try {
      const client = createClient({ url: server.httpUrl, rooms: { probe: probeContract }, backoff: { minMs: 50, maxMs: 300 } });
      await client.auth.signInAsGuest("Kit");
      const connection = await client.rooms.probe.joinOrCreate();
      const states: StateChange[] = [];
      connection.on("state", (change) => states.push(change));
      const retries: RoomRetryEvent[] = [];
      connection.on("retry", (event) => retries.push(event));
      const firstRoom = connection.roomId;

      await server.close();
      await waitFor(() => states.length >= 1, "dropped", 10_000);
      assert.equal(states[0]!.to, "reconnecting");
      assert.equal(states[0]!.reason, "server-rejoin");
      assert.ok([CloseCodes.SERVER_SHUTDOWN.code, CloseCodes.DRAINING.code].includes(states[0]!.closeCode as 4001 | 4106));

      // The server is gone: the SDK keeps trying with backoff (refused connections are retryable).
      await waitFor(() => retries.some((retry) => retry.error.code === "NETWORK_ERROR"), "retrying while the server is down", 10_000);
      server = await startTestServer({ rooms, env: { PORT: String(port) } });
      await waitFor(() => connection.status === "open", "rejoined the restarted server", 15_000);
      assert.equal(states[1]!.reason, "reconnected");
      assert.notEqual(connection.roomId, firstRoom, "a new room on the new process");
      for (const retry of retries) {
        if (retry.error.code === "DRAINING") assert.ok(retry.delayMs >= 2000, "the drain's Retry-After is a floor");
      }
      await waitFor(() => [...connection.state!.players.values()].includes("Kit"), "seated in the new room");
      connection.send("say", { text: "after restart" });
      await waitFor(() => connection.state!.said === "after restart", "works after restart");
      await connection.leave();
    } finally {
      await server.close();
    }
  });
});
