import type http from "node:http";
import { WebSocketClient, WebSocketTransport, type TransportOptions } from "@colyseus/ws-transport";
import type WebSocket from "ws";
import { CloseCodes, ROOM_WS_PROTOCOL, type TokenVerifier } from "../shared/index.ts";
import { checkSeatOwner } from "./seat-check.ts";
import { guardSocket, type FrameLimits } from "./socket-guard.ts";

export interface RoomTransportOptions extends TransportOptions {
  frameLimits: FrameLimits;
  /** Verifies the token a WebSocket carries against its seat's player (rooms/seat-check.ts). */
  tokens: TokenVerifier;
  /** Told about every socket closed for flooding (logs). */
  onFlood?: (info: { kind: "message" | "control"; url: string }) => void;
}

/**
 * Colyseus's WebSocket transport, unchanged, with the project's checks run
 * on every socket before Colyseus sees it: the per-frame budget
 * (rooms/socket-guard.ts), and the seat's owner (rooms/seat-check.ts: a
 * socket naming someone else's seat is refused the way Colyseus refuses a
 * join, with an `error` frame then close 4002, and the seat stays reserved).
 */
export class RoomTransport extends WebSocketTransport {
  constructor(options: RoomTransportOptions) {
    const { frameLimits, onFlood, tokens, ...transportOptions } = options;
    super({
      ...transportOptions,
      // A client that offers subprotocols gets ours back, never the token it may carry in one (rooms/socket-guard.ts).
      handleProtocols: (protocols) => (protocols.has(ROOM_WS_PROTOCOL) ? ROOM_WS_PROTOCOL : false),
    });
    // The base constructor registered its own `onConnection`; run the guard first, then it.
    const accept = this.onConnection;
    this.wss.removeListener("connection", accept);
    this.wss.on("connection", async (socket: WebSocket, req: http.IncomingMessage, upgrade?: unknown) => {
      socket.on("error", () => undefined); // Colyseus logs socket errors once it has the socket; until then, nothing may throw
      const guard = guardSocket(socket, req, frameLimits, onFlood ?? (() => undefined));
      const refused = await checkSeatOwner(req, guard, tokens).catch(() => ({ matchmakeCode: 525, message: "UNAUTHORIZED: the token could not be checked" }));
      if (refused) {
        const client = new WebSocketClient("", socket);
        client.error(refused.matchmakeCode, refused.message, () => socket.close(CloseCodes.WITH_ERROR.code));
        return;
      }
      return (accept as (socket: WebSocket, req: http.IncomingMessage, upgrade?: unknown) => Promise<void>).call(this.wss, socket, req, upgrade);
    });
  }
}
