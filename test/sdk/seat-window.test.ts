import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import { createClient, SeatWindow, type RoomConnection, type RoomRetryEvent, type SeatChange, type StateChange } from "../../client-sdk/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/** A fetch that can play dead (the matchmaker's reconnect goes through it). */
function switchableFetch() {
  const state = { offline: false, reconnects: 0 };
  const fetchImpl = async (input: string, init?: RequestInit) => {
    if (String(input).includes("/matchmake/reconnect/")) state.reconnects++;
    if (state.offline) throw new TypeError("fetch failed (test: offline)");
    return fetch(input, init);
  };
  return { state, fetch: fetchImpl };
}

async function dropFromServer(connection: RoomConnection<any>) {
  const room = matchMaker.getLocalRoomById(connection.roomId!);
  const client = await waitFor(() => {
    const seated = room?.clients.find((c) => c.sessionId === connection.sessionId) as any;
    return seated && seated._enqueuedMessages === undefined ? seated : undefined;
  }, "the server finished seating the client");
  client.ref.terminate();
}

function watch(connection: RoomConnection<any>) {
  const seats: SeatChange[] = [];
  const retries: RoomRetryEvent[] = [];
  const states: StateChange[] = [];
  connection.on("seat", (change) => seats.push(change));
  connection.on("retry", (event) => retries.push(event));
  connection.on("state", (change) => states.push(change));
  return { seats, retries, states };
}

describe("sdk: reconnects fit the seat window the room announces", function () {
  this.timeout(30_000);
  const WINDOW_SECONDS = 3;

  const server = useTestServer();

  async function host(net: ReturnType<typeof switchableFetch>, rejoin?: false) {
    // The default backoff (0.5 s .. 20 s): without the window its later waits would outlast a 3 s seat.
    const client = createClient({ url: server.httpUrl, fetch: net.fetch, network: null });
    await client.auth.signInAsGuest("Seated");
    return client.rooms.game.create({ teamSize: 1, private: true, reconnectSeconds: WINDOW_SECONDS }, { rejoin });
  }

  it("a short outage: attempts at most a fifth of the window apart get the same seat back inside it", async () => {
    const net = switchableFetch();
    const connection = await host(net);
    const seen = watch(connection);
    const sessionId = connection.sessionId;
    try {
      assert.equal(connection.seat, "held");
      net.state.offline = true;
      // The network returns after two failed attempts (an outage of a few hundred ms to a couple of seconds).
      connection.on("retry", (event) => {
        if (event.attempt === 2) net.state.offline = false;
      });
      await dropFromServer(connection);
      await waitFor(() => seen.states.some((s) => s.to === "open"), "open again");
      assert.equal(connection.sessionId, sessionId, "the same seat");
      assert.equal(seen.states.at(-1)?.reason, "reconnected");
      assert.deepEqual(seen.seats.map((s) => s.seat), ["reserved", "held"]);
      const reserved = seen.seats[0]!;
      assert.ok(reserved.expiresAt! > Date.now() - WINDOW_SECONDS * 1000 && reserved.expiresAt! <= Date.now() + WINDOW_SECONDS * 1000, "the window the room announced");
      assert.ok(seen.retries.length >= 2);
      for (const retry of seen.retries) assert.ok(retry.delayMs <= (WINDOW_SECONDS * 1000) / 5, `a wait of ${retry.delayMs} ms in a ${WINDOW_SECONDS} s window`);
    } finally {
      await connection.leave();
    }
  });

  it("past the window the seat is `lost`: no more reconnects; with `rejoin: false` it closes with reason seat-lost", async () => {
    const net = switchableFetch();
    const connection = await host(net, false);
    const seen = watch(connection);
    net.state.offline = true;
    await dropFromServer(connection);
    await waitFor(() => connection.status === "closed", "closed", 15_000);
    assert.equal(seen.states.at(-1)?.reason, "seat-lost");
    assert.equal(connection.error?.code, "SEAT_LOST");
    assert.deepEqual(seen.seats.map((s) => s.seat), ["reserved", "lost"]);
    for (const retry of seen.retries) assert.ok(retry.delayMs <= (WINDOW_SECONDS * 1000) / 5);
    const reconnects = net.state.reconnects;
    assert.ok(reconnects >= 2, `${reconnects} reconnect attempts inside the window`);
  });

  it("past the window, with the default `rejoin`, it joins the room again as a new seat", async () => {
    const net = switchableFetch();
    const connection = await host(net);
    const seen = watch(connection);
    const firstSession = connection.sessionId;
    net.state.offline = true;
    connection.on("seat", (change) => {
      if (change.seat === "lost") net.state.offline = false;
    });
    await dropFromServer(connection);
    await waitFor(() => seen.seats.at(-1)?.seat === "held", "a seat again", 15_000);
    assert.deepEqual(seen.seats.map((s) => s.seat), ["reserved", "lost", "held"]);
    assert.notEqual(connection.sessionId, firstSession, "a new seat in the same room");
    assert.equal(connection.status, "open");
    await connection.leave();
  });
});

describe("sdk: SeatWindow (pure)", () => {
  it("caps each wait at a fifth of the window, keeps the last attempt inside it, and says `lost` after", () => {
    const seat = new SeatWindow();
    assert.equal(seat.dropped(0), undefined, "a room that never said: no window");
    assert.equal(seat.reconnectDelay(15_000, 0), 15_000);
    seat.told({ reconnectSeconds: 20 });
    assert.equal(seat.dropped(1000), 21_000);
    assert.equal(seat.reconnectDelay(15_000, 1000), 4000);
    assert.equal(seat.reconnectDelay(300, 1000), 300);
    assert.equal(seat.reconnectDelay(4000, 19_000), 1500, "lands before the end (500 ms margin)");
    assert.equal(seat.reconnectDelay(100, 20_600), "lost");
    assert.equal(seat.expired(20_999), false);
    assert.equal(seat.expired(21_000), true);
    seat.told({ reconnectSeconds: null });
    assert.equal(seat.dropped(0), Infinity, "held while the room lives");
    assert.equal(seat.reconnectDelay(15_000, 1e12), 15_000);
    seat.told({ reconnectSeconds: 0 });
    assert.equal(seat.dropped(5), 5);
    assert.equal(seat.expired(5), true, "no seat is held");
  });
});

describe("rooms: `seat` answers how long the seat is held, and is never sent unasked (a stock client sees nothing new)", function () {
  this.timeout(20_000);
  const server = useTestServer({ env: { RECONNECT_WINDOW_SECONDS: "17" } });

  it("a player's window, a spectator's 0, VALIDATION_FAILED for a payload that is not {}", async () => {
    const { Client } = await import("@colyseus/sdk");
    const { token } = await server.guestToken("Stock");
    const stock = new Client(server.wsUrl);
    stock.auth.token = token;
    const room = await stock.create("game", { teamSize: 1, private: true });
    const seats: unknown[] = [];
    const errors: { type?: string; code: string }[] = [];
    room.onMessage("seat", (message: unknown) => seats.push(message));
    room.onMessage("error", (message: { type?: string; code: string }) => errors.push(message));
    room.onMessage("*", () => undefined);
    room.send("seat", { extra: 1 });
    await waitFor(() => errors.length === 1, "the refusal");
    assert.deepEqual(errors[0], { ...errors[0], type: "seat", code: "VALIDATION_FAILED" });
    assert.deepEqual(seats, [], "nothing before it: the room sends no `seat` unasked");
    room.send("seat", {});
    await waitFor(() => seats.length === 1, "the answer");
    assert.deepEqual(seats[0], { reconnectSeconds: 17 });

    const viewer = await stock.joinById(room.roomId, { spectate: true });
    const viewerSeats: unknown[] = [];
    viewer.onMessage("seat", (message: unknown) => viewerSeats.push(message));
    viewer.send("seat", {});
    await waitFor(() => viewerSeats.length === 1, "the spectator's answer");
    assert.deepEqual(viewerSeats[0], { reconnectSeconds: 0 }, "spectators hold no seat");
    await Promise.all([viewer.leave(), room.leave()]);
  });
});
