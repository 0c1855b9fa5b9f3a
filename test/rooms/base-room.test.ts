import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import { projectRooms } from "../../rooms/index.ts";
import { TokenBucket } from "../../rooms/token-bucket.ts";
import { CloseCodes, ServerMessage, type AuthExpiryMessage, type RoomErrorMessage } from "../../shared/index.ts";
import { probeRoom, ProbeState } from "../helpers/probe-room.ts";
import { useTestServer, type TestServer, type TestServerOptions } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

async function join(server: TestServer, name = "probe-player", roomId?: string) {
  const { token, playerId } = await server.guestToken(name);
  const client = new Client(server.wsUrl);
  client.auth.token = token;
  const room: Room<any, ProbeState> = roomId ? await client.joinById(roomId, {}, ProbeState) : await client.create("probe", {}, ProbeState);
  const errors: RoomErrorMessage[] = [];
  room.onMessage(ServerMessage.ERROR, (message: RoomErrorMessage) => errors.push(message));
  const left = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
  return { client, room, errors, left, token, playerId };
}

/** The project's rooms and the probe room, with `env`. */
function withRooms(env: Record<string, string> = {}): TestServerOptions {
  return { env, rooms: (deps) => [...projectRooms(deps), probeRoom(deps)] };
}

describe("project base room", () => {
  describe("TokenBucket", () => {
    it("allows a burst, then the sustained rate", () => {
      const bucket = new TokenBucket(10, 3, 0);
      assert.deepEqual([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)], [true, true, true, false]);
      assert.equal(bucket.take(50), false, "half a token after 50 ms");
      assert.equal(bucket.take(100), true, "one token after 100 ms at 10/s");
      assert.equal(bucket.take(10_000), true);
      assert.equal(bucket.take(10_000), true);
      assert.equal(bucket.take(10_000), true);
      assert.equal(bucket.take(10_000), false, "never more than the burst");
    });
  });

  describe("messages", () => {
    const server = useTestServer(withRooms({ WS_MESSAGES_PER_SECOND: "20", WS_MESSAGE_BURST: "20" }));

    it("an invalid payload gets VALIDATION_FAILED, changes nothing, and the client stays", async () => {
      const { room, errors } = await join(server);
      try {
        for (const bad of [{ text: 42 }, { text: "" }, { text: "x".repeat(51) }, { text: "ok", extra: 1 }, null, [1, 2, 3], "str"]) {
          room.send("say", bad as never);
        }
        await waitFor(() => errors.length === 7, "seven error messages");
        for (const error of errors) {
          assert.equal(error.code, "VALIDATION_FAILED");
          assert.equal(error.type, "say");
        }
        assert.equal(room.state.said, "");
        room.send("say", { text: "valid" });
        await waitFor(() => room.state.said === "valid", "the valid message applied");
      } finally {
        await room.leave();
      }
    });

    it("unknown types get UNKNOWN_MESSAGE; AppErrors keep their code; a crashing handler answers INTERNAL and the room lives on", async () => {
      const { room, errors } = await join(server);
      try {
        room.send("teleport", { x: 1 });
        room.send("forbidden", {});
        room.send("crash", {});
        await waitFor(() => errors.length === 3, "three errors");
        assert.deepEqual(
          errors.map((e) => [e.code, e.type]),
          [["UNKNOWN_MESSAGE", "teleport"], ["FORBIDDEN", "forbidden"], ["INTERNAL", "crash"]],
        );
        assert.doesNotMatch(errors[2].message, /bug in a handler/, "internal details are not sent");
        room.send("say", { text: "alive" });
        await waitFor(() => room.state.said === "alive", "room still serving");
      } finally {
        await room.leave();
      }
    });

    it("a flood past the rate limit closes that client with 4103 RATE_LIMITED; others are unaffected", async () => {
      const flooder = await join(server, "flooder");
      const bystander = await join(server, "bystander", flooder.room.roomId);
      try {
        for (let i = 0; i < 200; i++) flooder.room.send("say", { text: `spam ${i}` });
        assert.equal(await flooder.left, CloseCodes.RATE_LIMITED.code);
        await waitFor(() => bystander.room.state.players.size === 1, "the flooder removed from state");
        bystander.room.send("say", { text: "calm" });
        await waitFor(() => bystander.room.state.said === "calm", "bystander still served");
      } finally {
        await bystander.room.leave();
      }
    });
  });

  describe("token expiry and in-band refresh", () => {
    const server = useTestServer(withRooms({ TOKEN_TTL_SECONDS: "2", AUTH_REFRESH_LEAD_SECONDS: "1" }));

    it("warns with auth.expiring, then closes an unrefreshed client with 4101 AUTH_EXPIRED", async () => {
      const { room, left } = await join(server);
      const warning = await new Promise<AuthExpiryMessage>((resolve) => room.onMessage(ServerMessage.AUTH_EXPIRING, resolve));
      assert.ok(warning.expiresAt > Date.now() / 1000 - 1);
      assert.equal(await left, CloseCodes.AUTH_EXPIRED.code);
    });

    it("a refreshed token keeps the connection alive past the first token's expiry", async () => {
      const { room, token } = await join(server);
      let closed = false;
      room.onLeave(() => (closed = true));
      let firstExpiry = 0;
      const refreshed = new Promise<AuthExpiryMessage>((resolve) => room.onMessage(ServerMessage.AUTH_REFRESHED, resolve));
      // Refreshes on every warning, as a client does: the new token lives 2 s too, and a loaded machine may need longer than that.
      let current = token;
      room.onMessage(ServerMessage.AUTH_EXPIRING, async (message: AuthExpiryMessage) => {
        firstExpiry ||= message.expiresAt;
        const response = await fetch(`${server.httpUrl}/v1/auth/refresh`, { method: "POST", headers: { authorization: `Bearer ${current}` } });
        current = ((await response.json()) as { token: string }).token;
        if (!closed) room.send("auth.refresh", { token: current });
      });
      const ack = await refreshed;
      assert.ok(ack.expiresAt >= firstExpiry, "the new expiry is not earlier");
      // Past the first token's expiry the connection still works.
      await waitFor(() => Date.now() / 1000 > firstExpiry + 0.3, "the first token to expire", 5000, 50);
      room.send("say", { text: "still here" });
      await waitFor(() => room.state.said === "still here", "message after the old expiry");
      assert.equal(closed, false);
      await room.leave();
    });

    it("a refresh with another player's token closes with 4102 AUTH_REVOKED", async () => {
      const { room, left } = await join(server, "victim");
      const other = await server.guestToken("other");
      room.send("auth.refresh", { token: other.token });
      assert.equal(await left, CloseCodes.AUTH_REVOKED.code);
    });

    it("a refresh with a forged token (well-formed message, not a token of ours) closes with 4102 AUTH_REVOKED", async () => {
      const { room, left } = await join(server, "forger");
      room.send("auth.refresh", { token: "away" });
      assert.equal(await left, CloseCodes.AUTH_REVOKED.code);
    });
  });

  describe("reconnection", () => {
    const server = useTestServer(withRooms({ RECONNECT_WINDOW_SECONDS: "1" }));

    function dropServerSide(roomId: string, sessionId: string) {
      const serverRoom = matchMaker.getLocalRoomById(roomId);
      const serverClient = serverRoom.clients.find((c) => c.sessionId === sessionId) as unknown as { ref: { terminate(): void } };
      serverClient.ref.terminate();
    }

    it("a dropped client keeps its seat inside the window and gets full state back", async () => {
      const keeper = await join(server, "keeper");
      const player = await join(server, "dropper", keeper.room.roomId);
      try {
        player.room.send("say", { text: "before drop" });
        await waitFor(() => keeper.room.state.said === "before drop", "message");
        dropServerSide(player.room.roomId, player.room.sessionId);
        await waitFor(() => keeper.room.state.dropped === 1, "the drop to be seen");
        assert.equal(keeper.room.state.players.size, 2, "the seat is held");
        const back: Room<any, ProbeState> = await player.client.reconnect(player.room.reconnectionToken, ProbeState);
        await waitFor(() => back.state.reconnected === 1 && back.state.said === "before drop", "full state after reconnect");
        assert.equal(back.state.players.get(back.sessionId), "dropper");
        await back.leave();
      } finally {
        await keeper.room.leave();
      }
    });

    it("past the window the seat is given up", async () => {
      const keeper = await join(server, "keeper");
      const player = await join(server, "gone", keeper.room.roomId);
      try {
        dropServerSide(player.room.roomId, player.room.sessionId);
        await waitFor(() => keeper.room.state.dropped === 1, "the drop");
        await waitFor(() => keeper.room.state.players.size === 1, "the seat released after the window", 5000);
        await assert.rejects(player.client.reconnect(player.room.reconnectionToken, ProbeState));
      } finally {
        await keeper.room.leave();
      }
    });
  });
});
