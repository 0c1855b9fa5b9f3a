import type { Client } from "@colyseus/core";
import { Schema, type, MapSchema } from "@colyseus/schema";
import { z } from "zod";
import { ProjectRoom } from "../../rooms/base-room.ts";
import { verifyRoomToken } from "../../rooms/room-auth.ts";
import type { RoomDefinition, RoomDeps } from "../../rooms/index.ts";
import { AppError, type TokenClaims } from "../../shared/index.ts";

export class ProbeState extends Schema {
  @type({ map: "string" }) players = new MapSchema<string>();
  @type("string") said = "";
  @type("number") dropped = 0;
  @type("number") reconnected = 0;
}

export const ProbeMessages = {
  say: z.strictObject({ text: z.string().min(1).max(50) }),
  forbidden: z.strictObject({}),
  crash: z.strictObject({}),
};

/** A room on the project base, for tests of what every room shares. */
export function probeRoom(deps: RoomDeps): RoomDefinition {
  class ProbeRoom extends ProjectRoom<ProbeState, typeof ProbeMessages> {
    protected readonly deps = deps;
    protected readonly messageSchemas = ProbeMessages;
    static override async onAuth(token: string): Promise<TokenClaims> {
      return verifyRoomToken(deps.tokens, token);
    }
    override onCreate() {
      this.state = new ProbeState();
      this.handle("say", (_client, { text }) => {
        this.state.said = text;
      });
      this.handle("forbidden", () => {
        throw new AppError("FORBIDDEN", "not for you");
      });
      this.handle("crash", () => {
        throw new Error("bug in a handler");
      });
      this.setupProjectRoom();
    }
    protected override playerJoined(client: Client) {
      this.state.players.set(client.sessionId, this.claimsOf(client).name);
    }
    protected override playerDropped() {
      this.state.dropped++;
    }
    protected override playerReconnected() {
      this.state.reconnected++;
    }
    protected override playerLeft(client: Client) {
      this.state.players.delete(client.sessionId);
    }
  }
  return { name: "probe", room: ProbeRoom };
}
