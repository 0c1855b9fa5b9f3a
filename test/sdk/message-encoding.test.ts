import assert from "node:assert/strict";
import { unpack } from "msgpackr";
import { createClient } from "../../client-sdk/index.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * The SDK writes room message payloads as plain msgpack maps, not msgpackr
 * records (docs/protocol.md "Every project room"): no record definitions in
 * every message for the server to parse at 20 Hz per player.
 */
describe("SDK room message encoding", () => {
  const server = useTestServer();

  it("sends payloads as plain msgpack maps, which the room decodes and applies", async () => {
    const sent: Uint8Array[] = [];
    class RecordingWebSocket extends WebSocket {
      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
        if (ArrayBuffer.isView(data)) sent.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
        super.send(data);
      }
    }
    const host = createClient({ url: server.httpUrl, WebSocket: RecordingWebSocket });
    const guest = createClient({ url: server.httpUrl });
    await Promise.all([host.auth.signInAsGuest("Host"), guest.auth.signInAsGuest("Guest")]);
    const game = await host.rooms.game.create({ teamSize: 1, countdownSeconds: 0, kickoffPauseSeconds: 0 });
    const other = await guest.rooms.game.joinById(game.roomId!);
    try {
      await waitFor(() => game.state?.phase === "playing", "the match to kick off", 10_000);
      const input = { seq: 7, dir: { x: 1, y: -0.5 }, kick: true };
      game.send("input", input);
      await waitFor(() => game.state?.players.get(game.sessionId!)?.lastProcessedInputSeq === 7, "the room applied the input");
      // ROOM_DATA (13), the type as a msgpack fixstr, then the payload.
      const header = [13, 0xa0 | "input".length, ...Buffer.from("input")];
      const frame = sent.find((bytes) => header.every((b, i) => bytes[i] === b));
      assert.ok(frame, "the input frame was sent");
      const payload = frame.subarray(header.length);
      // A map (fixmap, map16 or map32), not a msgpackr record (an extension, 0xd4 … 0x72).
      const isMap = (payload[0] & 0xf0) === 0x80 || payload[0] === 0xde || payload[0] === 0xdf;
      assert.ok(isMap, `a msgpack map, not a record extension (first byte 0x${payload[0].toString(16)})`);
      assert.deepEqual(unpack(payload), input);
    } finally {
      await Promise.all([game.leave(), other.leave()]);
    }
  });
});
