import type { z } from "zod";
import type { ErrorCode } from "./errors.ts";

/**
 * What every project room adds to the Colyseus protocol (never forks it, so a
 * stock @colyseus/sdk client still works): typed messages validated by zod in
 * the room, an `error` message instead of a silent drop, in-band token
 * refresh, and per-client rate limits. Zod-free at run time (the schemas of
 * the common messages are in shared/rooms/schemas.ts), so the SDK's bundles
 * import it.
 */

export { ROOM_WS_PROTOCOL, ROOM_WS_TOKEN_PREFIX } from "./room-socket.ts";

/** Server → client message types common to every project room. */
export const ServerMessage = {
  /** `RoomErrorMessage`: a message was rejected; nothing changed. */
  ERROR: "error",
  /** `{ expiresAt }`: the token is about to expire; send `auth.refresh` with a new one. */
  AUTH_EXPIRING: "auth.expiring",
  /** `{ expiresAt }`: the refreshed token was accepted. */
  AUTH_REFRESHED: "auth.refreshed",
  /** `ServerDrainingMessage`: this process is shutting down (SIGTERM); the room closes with 4106 DRAINING by `closesAt`. */
  DRAINING: "server.draining",
  /** `SeatMessage`, the answer to the client's `seat`: how long its seat is held if it drops. */
  SEAT: "seat",
} as const;

/**
 * Client → server message types common to every project room (their
 * schemas: `CommonClientMessages` in shared/rooms/schemas.ts).
 */
export const CommonClientMessage = {
  /** `{ token }`: in-band token refresh on a long-lived connection (same player only). */
  AUTH_REFRESH: "auth.refresh",
  /** `{}`: asks how long this client's seat is held after a drop (answer: `seat` `SeatMessage`). The SDK asks after each join and reconnect. */
  SEAT: "seat",
} as const;

export interface RoomErrorMessage {
  code: ErrorCode;
  message: string;
  /** The client message type that was rejected. */
  type?: string;
  details?: unknown;
}

export interface AuthExpiryMessage {
  /** Seconds since the epoch. */
  expiresAt: number;
}

/**
 * Sent to every client of a room that keeps running while its process
 * drains (a match that can still finish inside the grace window). The room
 * closes with `closeCode` (4106 DRAINING, action `rejoin`) at `closesAt` at
 * the latest, or earlier as usual when the match ends.
 */
export interface ServerDrainingMessage {
  /** ms since the epoch. */
  closesAt: number;
  closeCode: number;
}

/**
 * How long the server holds a dropped client's seat (`allowReconnection`),
 * so a client can time its reconnect attempts to land inside the window and
 * tell its user when the seat is gone.
 */
export interface SeatMessage {
  /** Seconds from the drop; 0: the seat is not held; null: held for as long as the room lives (e.g. a running draft). */
  reconnectSeconds: number | null;
}

/** A room's client → server messages: message type → zod schema of its payload. */
export type MessageSchemas = Record<string, z.ZodType>;

/** The payload type a client sends for message `K` of a room's message map. */
export type MessagePayload<M extends MessageSchemas, K extends keyof M> = z.input<M[K]>;
