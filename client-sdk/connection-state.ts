import { Emitter } from "./emitter.ts";
import { IllegalTransitionError, type SdkError } from "./errors.ts";

/**
 * The one connection-state model for every transport (room WebSockets, SSE
 * streams, long-poll loops), after centrifuge-js's `setState`: a union of
 * states, one table of legal moves, one transition function that rejects the
 * rest, and a `{from, to, reason}` event for every move.
 *
 * ```
 *   idle ──connect──▶ connecting ──open──▶ open
 *    │                 │    │               │
 *    │                 │    └─retry─▶ reconnecting ◀─(dropped/rejoin/token-expired)─┘
 *    │                 │                 │   │
 *    │                 │                 │   └──reconnected──▶ open
 *    ▼                 ▼                 ▼
 *  closed ◀──────── closed ◀────────── closed        (closed is terminal)
 * ```
 *
 * `closed` is terminal: a connection object is used once; a new join makes a
 * new one. Each failed attempt while `reconnecting` is reported by the
 * transport's `retry` event, not by a state change.
 */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ["connecting", "closed"],
  connecting: ["open", "reconnecting", "closed"],
  open: ["reconnecting", "closed"],
  reconnecting: ["open", "closed"],
  closed: [],
};

/**
 * Why a transition happened. One table for all transports so an app can
 * show one status line; transports add their reasons here.
 */
export const StateReasons = {
  /** idle → connecting: the app asked to connect. */
  connect: "the app asked to connect",
  /** connecting → open. */
  opened: "the first connection is open",
  /** reconnecting → open. */
  reconnected: "the connection is open again",
  /** connecting → reconnecting: the first attempt failed with a retryable error. */
  "connect-failed": "the first attempt failed; retrying with backoff",
  /** open → reconnecting: the transport dropped (network, 1006, a reconnectable close code). */
  "transport-lost": "the transport dropped; reconnecting",
  /** open → reconnecting: the server closed with a `rejoin` code (drain, restart). */
  "server-rejoin": "the server asked the client to join again elsewhere",
  /** open → reconnecting: a long-poll subscription tries SSE again (it fell back earlier). */
  "transport-upgrade": "trying the streaming transport (SSE) again",
  /** open → reconnecting: the server closed with a `refresh-token` code. */
  "token-expired": "the token expired; fetching a new one and joining again",
  /** → closed: the app closed it (`leave()`, `close()`). */
  "client-close": "closed by the app",
  /** → closed: the AbortSignal given to connect fired. */
  aborted: "the connect signal was aborted",
  /** → closed: the server closed with a `final` close code. */
  "server-close": "the server closed the connection for good",
  /** → closed: authentication failed after one refresh (401, 4102, ...). */
  unauthorized: "authentication failed after a token refresh",
  /** → closed: a non-retryable error (403, 404, unknown room, bad request). */
  failed: "a non-retryable error",
  /** → closed: a room's seat was lost (its reconnection window passed, or the room refused the reconnect) and could not be taken again (no `rejoin`, or the rejoin was refused). */
  "seat-lost": "the seat was lost and could not be taken again",
  /** → closed: `maxAttempts` retries failed. */
  "retries-exhausted": "the retry budget ran out",
} as const;

export type StateReason = keyof typeof StateReasons;

export interface StateChange {
  from: ConnectionState;
  to: ConnectionState;
  reason: StateReason;
  /** Present when the move was caused by an error (always on a `closed` caused by a failure). */
  error?: SdkError;
  /** The WebSocket close code that caused the move, for room connections. */
  closeCode?: number;
  /** Which transport is in use after the move (e.g. "websocket", "sse", "long-poll"). */
  transport?: string;
}

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return CONNECTION_TRANSITIONS[from].includes(to);
}

/** The single transition function: returns `to`, or throws IllegalTransitionError. */
export function transition(from: ConnectionState, to: ConnectionState): ConnectionState {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return to;
}

/** Holds one connection's state; every move goes through `transition()` and emits `state`. */
export class ConnectionStateMachine {
  #state: ConnectionState = "idle";
  readonly #events: Emitter<{ state: StateChange }>;

  constructor(onListenerError?: (error: unknown) => void) {
    this.#events = new Emitter(onListenerError);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Moves to `to` (throws IllegalTransitionError on an illegal move) and emits the change. */
  transition(to: ConnectionState, reason: StateReason, extra: Omit<StateChange, "from" | "to" | "reason"> = {}): StateChange {
    const from = this.#state;
    this.#state = transition(from, to);
    const change: StateChange = { from, to, reason, ...extra };
    this.#events.emit("state", change);
    return change;
  }

  onChange(listener: (change: StateChange) => void): () => void {
    return this.#events.on("state", listener);
  }
}
