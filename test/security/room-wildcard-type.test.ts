import assert from "node:assert/strict";
import type { Room } from "@colyseus/sdk";
import { GameState, TeamRoomState } from "../../shared/index.ts";
import { guest, stockClient } from "../helpers/attack-harness.ts";
import { useTestServer } from "../helpers/test-server.ts";
import { waitFor } from "../helpers/wait.ts";

/**
 * A message whose type is literally "*" reaches the rooms' catch-all handler
 * with the client's payload where the type name should be (Colyseus's
 * dispatch). A payload object whose `toString` is not a function made the
 * handler throw while naming the type, an uncaught exception in the
 * WebSocket's message event: one message from any seated player took the
 * whole process down. Found by the room fuzzer (fast-check). The stock SDK
 * sends it as any game would send a message.
 */
describe("security: a message typed \"*\" with a hostile payload", function () {
  this.timeout(30_000);
  const server = useTestServer();

  const payloads: { name: string; payload: unknown }[] = [
    { name: "an object whose toString and valueOf are not functions", payload: { toString: 1, valueOf: 1 } },
    { name: "an object whose toString is a string", payload: { toString: "x" } },
    { name: "a plain string", payload: "ready" },
  ];

  for (const roomName of ["game", "team"] as const) {
    for (const { name, payload } of payloads) {
      it(`${roomName}: ${name} is answered UNKNOWN_MESSAGE and the room keeps serving`, async () => {
        const who = await guest(server, "Wild");
        const client = stockClient(server, who.token);
        const room: Room<any, any> =
          roomName === "game" ? await client.create("game", { teamSize: 5, matchSeconds: 600 }, GameState) : await client.create("team", {}, TeamRoomState);
        room.reconnection.enabled = false;
        const errors: { code: string; type?: string }[] = [];
        room.onMessage("*", () => undefined);
        room.onMessage("error", (message: { code: string; type?: string }) => errors.push(message));
        try {
          room.send("*", payload);
          await waitFor(() => errors.length > 0, "the refusal");
          assert.equal(errors[0]!.code, "UNKNOWN_MESSAGE");
          assert.equal(typeof errors[0]!.type, "string");
          // The process and the room are still there: the same client's next message is handled.
          room.send("no.such.type", {});
          await waitFor(() => errors.length > 1, "the next refusal");
          assert.deepEqual({ code: errors[1]!.code, type: errors[1]!.type }, { code: "UNKNOWN_MESSAGE", type: "no.such.type" });
          const health = await fetch(`${server.httpUrl}/healthz`);
          assert.equal(health.status, 200);
        } finally {
          await room.leave().catch(() => undefined);
        }
      });
    }
  }
});
