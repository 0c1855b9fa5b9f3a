import type { IncomingMessage } from "node:http";
import type WebSocket from "ws";
import { CloseCodes, ROOM_WS_TOKEN_PREFIX, type TokenClaims } from "../shared/index.ts";
import { TokenBucket } from "./token-bucket.ts";

/**
 * Every inbound WebSocket frame costs budget (docs/protocol.md "Every project
 * room"): room messages and requests from one token bucket, every other
 * frame (Colyseus PING, JOIN/LEAVE acks, frames with an unknown first byte,
 * empty or text frames, WebSocket ping/pong control frames) from another.
 * Counted per socket from the moment it is accepted, before any room
 * dispatches the frame; past either budget the socket is closed with 4103
 * RATE_LIMITED and nothing it sends afterwards is handled.
 */
export interface FrameLimits {
  /** Room messages (`room.send`), byte messages, inputs, requests (`room.request`). */
  messages: { perSecond: number; burst: number };
  /** Everything else. */
  control: { perSecond: number; burst: number };
}

/** Colyseus protocol codes (@colyseus/shared-types Protocol) that carry application data. */
const DATA_CODES = new Set([
  13, // ROOM_DATA
  17, // ROOM_DATA_BYTES
  19, // ROOM_INPUT_RELIABLE
  20, // ROOM_INPUT_UNRELIABLE
  21, // ROOM_REQUEST
]);
/** The low five bits of a frame's first byte are its protocol code (the rest are modifier bits). */
const PROTOCOL_CODE_MASK = 0x1f;
/** After a 4103, how long the peer gets to read the close frame before its socket is destroyed. */
export const FLOOD_CLOSE_GRACE_MS = 2000;

export interface SocketGuardState {
  /** Set once the guard closed the socket (a final code: no seat is held for a reconnection). */
  closedWith?: number;
  /**
   * The token the client sent with the WebSocket: the `arena.token.<jwt>`
   * subprotocol, the `_authToken` query parameter, or `Authorization: Bearer`.
   */
  readonly token?: string;
  /** That token's claims, once rooms/seat-check.ts verified it belongs to the seat's player. */
  claims?: TokenClaims;
}

const GUARD = Symbol("arena:socket-guard");
type GuardedSocket = WebSocket & { [GUARD]?: SocketGuardState };

/** What the guard knows about a room client's socket (`client.ref`). */
export function socketGuard(socket: unknown): SocketGuardState | undefined {
  return (socket as GuardedSocket | undefined)?.[GUARD];
}

/** Installs the frame budget on a freshly accepted socket (before Colyseus attaches anything). */
export function guardSocket(socket: WebSocket, req: IncomingMessage, limits: FrameLimits, onFlood: (info: { kind: "message" | "control"; url: string }) => void): SocketGuardState {
  const url = new URL(req.url ?? "/", "ws://server");
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
  const protocolToken = offered.find((p) => p.startsWith(ROOM_WS_TOKEN_PREFIX))?.slice(ROOM_WS_TOKEN_PREFIX.length);
  const state: SocketGuardState = { token: protocolToken || url.searchParams.get("_authToken") || bearer || undefined };
  (socket as GuardedSocket)[GUARD] = state;
  const now = Date.now();
  const messages = new TokenBucket(limits.messages.perSecond, limits.messages.burst, now);
  const control = new TokenBucket(limits.control.perSecond, limits.control.burst, now);

  const flood = (kind: "message" | "control") => {
    state.closedWith = CloseCodes.RATE_LIMITED.code;
    // Stop every handler (the room's dispatch included): nothing more from this socket is handled.
    socket.removeAllListeners("message");
    socket.close(CloseCodes.RATE_LIMITED.code, kind === "message" ? "message rate limit exceeded" : "control frame rate limit exceeded");
    // A flooder that never reads its close frame must not keep the socket (ws would wait 30 s).
    setTimeout(() => {
      if (socket.readyState !== socket.CLOSED) socket.terminate();
    }, FLOOD_CLOSE_GRACE_MS).unref();
    onFlood({ kind, url: `${url.pathname}` });
  };
  const charge = (bucket: TokenBucket, kind: "message" | "control") => {
    if (state.closedWith === undefined && !bucket.take(Date.now())) flood(kind);
  };
  socket.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
    const first = Array.isArray(data) ? data[0]?.[0] : data instanceof ArrayBuffer ? new Uint8Array(data, 0, Math.min(1, data.byteLength))[0] : data[0];
    const isData = first !== undefined && DATA_CODES.has(first & PROTOCOL_CODE_MASK);
    charge(isData ? messages : control, isData ? "message" : "control");
  });
  socket.on("ping", () => charge(control, "control"));
  socket.on("pong", () => charge(control, "control"));
  return state;
}
