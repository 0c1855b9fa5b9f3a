import assert from "node:assert/strict";
import { matchMaker } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import { projectRooms } from "../../rooms/index.ts";
import { CloseCodes } from "../../shared/index.ts";
import { probeRoom, ProbeState } from "../helpers/probe-room.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";
import { rawJoin } from "../helpers/raw-join.ts";
import { note } from "../helpers/quiet-console.ts";

const LIMIT = 512 * 1024;
const CHUNK = "x".repeat(32 * 1024);

type ServerClient = { sessionId: string; ref: { bufferedAmount: number; readyState: number } };

describe("reliability: slow WebSocket consumer", function () {
  this.timeout(30_000);

  const server = useTestServer({ env: { WS_MAX_BUFFERED_BYTES: String(LIMIT) }, rooms: (deps) => [...projectRooms(deps), probeRoom(deps)] });

  it("drops a client that stops reading past WS_MAX_BUFFERED_BYTES with 4104, bounded backlog, others unaffected", async () => {
    const slowToken = await server.guestToken("slow");
    const slow = await rawJoin(server, slowToken.token, { create: "probe" });
    const { token } = await server.guestToken("healthy");
    const healthyClient = new Client(server.wsUrl);
    healthyClient.auth.token = token;
    const healthy: Room<any, ProbeState> = await healthyClient.joinById(slow.roomId, {}, ProbeState);
    let healthyGot = 0;
    let healthyClosed: number | undefined;
    healthy.onMessage("big", () => healthyGot++);
    healthy.onLeave((code) => (healthyClosed = code));

    // The slow client stops reading: the kernel buffers fill, then ws's own send queue on the server.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const room = matchMaker.getLocalRoomById(slow.roomId)!;
    const serverSide = () => (room.clients as unknown as ServerClient[]).find((c) => c.sessionId === slow.sessionId);
    const ref = serverSide()!.ref;
    let sent = 0;
    let maxBuffered = 0;
    // Broadcast until the server gives up on the slow client (or 4000 chunks = 128 MB, a failure).
    while (ref.readyState === 1 /* OPEN */ && sent < 4000) {
      room.broadcast("big", CHUNK);
      sent++;
      maxBuffered = Math.max(maxBuffered, ref.bufferedAmount);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    assert.notEqual(ref.readyState, 1, `slow client still open after ${sent} chunks (${sent * 32} KiB), backlog ${ref.bufferedAmount}`);
    // Bounded: the limit plus what one check interval can add. (Once closing, `ws` only
    // counts what is sent after close in bufferedAmount; it stores none of it.)
    assert.ok(maxBuffered <= LIMIT + 4 * 1024 * 1024, `peak backlog ${maxBuffered}`);
    await waitFor(() => ref.readyState === 3, "the slow socket destroyed after the close grace", 10_000);
    note(`slow consumer: dropped after ${sent} × 32 KiB broadcasts; peak server backlog ${(maxBuffered / 1024).toFixed(0)} KiB (limit ${LIMIT / 1024} KiB)`);

    // The healthy client got every broadcast and stays in the room.
    await waitFor(() => healthyGot === sent, `healthy client to receive ${sent} broadcasts (has ${healthyGot})`, 10_000);
    assert.equal(healthyClosed, undefined);
    assert.ok(healthy.connection.isOpen);
    // The stalled socket's own close: 1006 (no close frame ever read) once resumed — never 1000/final codes.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const code = await slow.closed;
    assert.ok(code === CloseCodes.SLOW_CONSUMER.code || code === 1006, `close code ${code}`);
    await healthy.leave();
  });
});
