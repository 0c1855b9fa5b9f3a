import assert from "node:assert/strict";
import { Client, type Room } from "@colyseus/sdk";
import { projectRooms } from "../../rooms/index.ts";
import { echoRoom, EchoState } from "../helpers/echo-room.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

describe("Colyseus and Koa on one port", () => {
  const server = useTestServer({ rooms: (deps) => [...projectRooms(deps), echoRoom(deps)] });

  it("a stock @colyseus/sdk client joins a room on the API's port, syncs state and exchanges messages", async () => {
    const { token, playerId } = await server.guestToken("Sdk");
    const client = new Client(server.wsUrl);
    client.auth.token = token;
    const room: Room<any, EchoState> = await client.joinOrCreate("echo", {}, EchoState);
    try {
      await waitFor(() => room.state.joined === 1, "state sync");
      const echoed = new Promise<{ text: string; by: string }>((resolve) => room.onMessage("echoed", resolve));
      room.send("echo", { text: "hello" });
      assert.deepEqual(await echoed, { text: "hello", by: playerId });
      await waitFor(() => room.state.lastSaid === "hello", "patched state");

      // The same port still serves the HTTP API.
      assert.equal((await fetch(`${server.httpUrl}/healthz`)).status, 200);
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      assert.match(metrics, /^ws_clients 1$/m);
      assert.match(metrics, /^rooms_open\{room="echo"\} 1$/m);
      assert.match(metrics, /^room_clients\{room="echo"\} 1$/m);
    } finally {
      await room.leave();
    }
  });

  it("rejects a join without a valid token with the project's error code in the message", async () => {
    const anonymous = new Client(server.wsUrl);
    await assert.rejects(anonymous.joinOrCreate("echo"), (error: any) => {
      assert.equal(error.code, 525); // Colyseus AUTH_FAILED
      assert.match(error.message, /^UNAUTHORIZED: /);
      return true;
    });
    const forged = new Client(server.wsUrl);
    forged.auth.token = "eyJhbGciOiJIUzI1NiJ9.e30.x";
    await assert.rejects(forged.joinOrCreate("echo"), (error: Error) => /^TOKEN_INVALID: /.test(error.message));
  });

  it("an invalid room message closes only that client (4002) and the room keeps serving others", async () => {
    const a = new Client(server.wsUrl);
    a.auth.token = (await server.guestToken("a")).token;
    const b = new Client(server.wsUrl);
    b.auth.token = (await server.guestToken("b")).token;
    const roomA = await a.joinOrCreate("echo", {}, EchoState);
    const roomB = await b.joinById(roomA.roomId, {}, EchoState);
    try {
      const closed = new Promise<number>((resolve) => roomA.onLeave((code) => resolve(code)));
      roomA.send("echo", { text: 42 } as never);
      assert.equal(await closed, 4002);
      const echoed = new Promise<{ text: string }>((resolve) => roomB.onMessage("echoed", resolve));
      roomB.send("echo", { text: "still here" });
      assert.equal((await echoed).text, "still here");
    } finally {
      await roomB.leave();
    }
  });
});
