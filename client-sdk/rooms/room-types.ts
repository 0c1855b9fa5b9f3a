import type { MessageSchemas } from "../../shared/room-protocol.ts";
import type { ServerDrainingMessage } from "../../shared/room-protocol.ts";
import type { AuthClient } from "../auth.ts";
import type { BackoffOptions } from "../backoff.ts";
import type { StateChange } from "../connection-state.ts";
import type { RoomMessageError, SdkError } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import type { Logger } from "../logger.ts";
import type { Platform } from "../platform.ts";
import type { SdkColyseusClient } from "./colyseus-adapter.ts";
import type { TokenRefreshEvent } from "./room-token.ts";
import type { SeatChange } from "./seat-window.ts";

export type { TokenRefreshEvent } from "./room-token.ts";

export interface RoomConnectOptions {
  signal?: AbortSignal;
  /** Consecutive failed attempts before giving up (`closed`, RETRIES_EXHAUSTED). @default Infinity */
  maxAttempts?: number;
  /** Deadline for one join's WebSocket handshake. @default 15000 */
  joinTimeoutMs?: number;
  /** Messages `send()` while not open are queued (oldest dropped past this) and sent on (re)open. 0 drops them. @default 10 */
  maxQueuedMessages?: number;
  /**
   * After the seat is lost: rejoin the same room by id, then fall back to the
   * original join ("room-then-original"); only the original join ("original");
   * or close with reason `seat-lost` (false). @default "room-then-original"
   */
  rejoin?: "room-then-original" | "original" | false;
  /** Check outgoing payloads against the room's message schemas, when the contract or the client has them. @default true */
  validate?: boolean;
  /** `leave()` waits this long for the server's close before closing locally. @default 5000 */
  leaveTimeoutMs?: number;
  /**
   * A join resolves once the room's state shows this client (the contract's
   * `joined` check); past this long it resolves with the state it has. @default 3000
   */
  joinedStateTimeoutMs?: number;
  /** Overrides the client's backoff for this connection. */
  backoff?: BackoffOptions;
}

/** The default of each option of {@link RoomConnectOptions}. */
export const ROOM_CONNECT_DEFAULTS = {
  maxAttempts: Infinity,
  joinTimeoutMs: 15_000,
  maxQueuedMessages: 10,
  rejoin: "room-then-original",
  validate: true,
  leaveTimeoutMs: 5_000,
  joinedStateTimeoutMs: 3_000,
} as const satisfies Required<Omit<RoomConnectOptions, "signal" | "backoff">>;

export type ResolvedRoomConnectOptions = Required<Omit<RoomConnectOptions, "signal" | "backoff">> & { signal?: AbortSignal };

export function resolveRoomConnectOptions(options: RoomConnectOptions): ResolvedRoomConnectOptions {
  const d = ROOM_CONNECT_DEFAULTS;
  return {
    signal: options.signal,
    maxAttempts: options.maxAttempts ?? d.maxAttempts,
    joinTimeoutMs: options.joinTimeoutMs ?? d.joinTimeoutMs,
    maxQueuedMessages: options.maxQueuedMessages ?? d.maxQueuedMessages,
    rejoin: options.rejoin ?? d.rejoin,
    validate: options.validate ?? d.validate,
    leaveTimeoutMs: options.leaveTimeoutMs ?? d.leaveTimeoutMs,
    joinedStateTimeoutMs: options.joinedStateTimeoutMs ?? d.joinedStateTimeoutMs,
  };
}

export interface RoomRetryEvent {
  /** 1-based count of consecutive failures so far. */
  attempt: number;
  delayMs: number;
  error: SdkError;
}

export interface RoomConnectionEvents {
  /** Every connection-state move: `{from, to, reason, error?, closeCode?}`. */
  state: StateChange;
  /** Before each retry, with the delay chosen (backoff with `Retry-After` as a floor, fitted to the seat's window). */
  retry: RoomRetryEvent;
  /** The room rejected a message (its `error` message) and changed nothing. */
  error: RoomMessageError;
  /** Each in-band token refresh (`auth.refresh` → `auth.refreshed`), or its failure. */
  token: TokenRefreshEvent;
  /**
   * The server process is draining and this room plays on until `closesAt`
   * at the latest; then it closes with 4106 DRAINING and the connection
   * rejoins elsewhere on its own. A UI can show "server restarting".
   */
  draining: ServerDrainingMessage;
  /** The seat: `held` (connected), `reserved` until `expiresAt` (dropped), `lost` (the window passed or the room refused it), `none` (closed). */
  seat: SeatChange;
}

/** What a room connection needs from its client. */
export interface RoomCore {
  colyseus: SdkColyseusClient;
  http: HttpClient;
  auth: AuthClient;
  platform: Platform;
  backoff?: BackoffOptions;
  onListenerError?: (error: unknown) => void;
  logger?: Logger;
  /** Message schemas by room name, for contracts that do not carry their own (`createClient({ messageSchemas })`). */
  messageSchemas?: Record<string, MessageSchemas>;
}
