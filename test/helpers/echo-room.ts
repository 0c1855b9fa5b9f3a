import { Room, type Client } from "@colyseus/core";
import { Schema, type } from "@colyseus/schema";
import { z } from "zod";
import { verifyRoomToken } from "../../rooms/room-auth.ts";
import type { RoomDefinition, RoomDeps } from "../../rooms/index.ts";
import type { TokenClaims } from "../../shared/index.ts";

export class EchoState extends Schema {
  @type("number") joined = 0;
  @type("string") lastSaid = "";
}

const EchoMessage = z.strictObject({ text: z.string().max(200) });

/** A trivial room used by foundation tests: proves auth, schema sync and messages on the shared port. */
export function echoRoom(deps: RoomDeps): RoomDefinition {
  class EchoRoom extends Room<{ state: EchoState }> {
    static override async onAuth(token: string): Promise<TokenClaims> {
      return verifyRoomToken(deps.tokens, token);
    }
    override onCreate() {
      this.state = new EchoState();
      this.onMessage("echo", EchoMessage, (client: Client, message) => {
        this.state.lastSaid = message.text;
        client.send("echoed", { text: message.text, by: (client.auth as TokenClaims).playerId });
      });
    }
    override onJoin() {
      this.state.joined++;
    }
  }
  return { name: "echo", room: EchoRoom };
}
