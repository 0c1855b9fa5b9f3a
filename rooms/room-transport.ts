import type http from "node:http";
import { WebSocketTransport, type TransportOptions } from "@colyseus/ws-transport";
import type WebSocket from "ws";
import { ROOM_WS_PROTOCOL } from "../shared/index.ts";
import { guardSocket, type FrameLimits } from "./socket-guard.ts";

export interface RoomTransportOptions extends TransportOptions {
  frameLimits: FrameLimits;
  /** Told about every socket closed for flooding (logs). */
  onFlood?: (info: { kind: "message" | "control"; url: string }) => void;
}

/**
 * Colyseus's WebSocket transport, unchanged, with the project's socket guard
 * (rooms/socket-guard.ts) installed on every socket before Colyseus sees it:
 * the per-frame budget, and the token the client connected with (rooms
 * check it against the seat reservation).
 */
export class RoomTransport extends WebSocketTransport {
  constructor(options: RoomTransportOptions) {
    const { frameLimits, onFlood, ...transportOptions } = options;
    super({
      ...transportOptions,
      // A client that offers subprotocols gets ours back, never the token it may carry in one (rooms/socket-guard.ts).
      handleProtocols: (protocols) => (protocols.has(ROOM_WS_PROTOCOL) ? ROOM_WS_PROTOCOL : false),
    });
    // The base constructor registered its own `onConnection`; run the guard first, then it.
    const accept = this.onConnection;
    this.wss.removeListener("connection", accept);
    this.wss.on("connection", (socket: WebSocket, req: http.IncomingMessage, upgrade?: unknown) => {
      guardSocket(socket, req, frameLimits, onFlood ?? (() => undefined));
      return (accept as (socket: WebSocket, req: http.IncomingMessage, upgrade?: unknown) => Promise<void>).call(this.wss, socket, req, upgrade);
    });
  }
}
