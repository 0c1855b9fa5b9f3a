import { closeActionFor, closeCodeName, type CloseAction, type CloseCodeName } from "../shared/close-codes.ts";
import type { ErrorCode } from "../shared/errors.ts";

/**
 * Codes for failures that happen on the client side of the wire and so have
 * no entry in the server's table (shared/errors.ts). Every `SdkError.code` is
 * either one of the server's `ErrorCode`s or one of these.
 */
export const ClientErrorCodes = {
  /** fetch/WebSocket failed before an answer (DNS, refused, reset, offline). Retryable. */
  NETWORK_ERROR: { retryable: true },
  /** No answer within the SDK's own deadline (join handshake). Retryable. */
  TIMEOUT: { retryable: true },
  /** The caller aborted (AbortSignal, `leave()` while connecting). */
  ABORTED: { retryable: false },
  /** An HTTP answer whose status has no code in the server table (e.g. a proxy's 502). */
  HTTP_ERROR: { retryable: false },
  /** The answer was not what the contract says (bad JSON, missing fields). */
  BAD_RESPONSE: { retryable: false },
  /** Colyseus's matchmaker refused the join (unknown room name, room id gone, onJoin threw). */
  MATCHMAKE_FAILED: { retryable: false },
  /** A room connection was closed by the server with a code that ends it (see shared/close-codes.ts). */
  CONNECTION_CLOSED: { retryable: false },
  /** The connection is closed for good; nothing can be sent on it. */
  NOT_CONNECTED: { retryable: false },
  /** A connection state machine was asked for a move its table does not allow (an SDK bug). */
  ILLEGAL_TRANSITION: { retryable: false },
  /** A room's seat is gone (its reconnection window passed) and the connection was not allowed to join again (`rejoin: false`). */
  SEAT_LOST: { retryable: false },
  /** A retry budget (`maxAttempts`) ran out. */
  RETRIES_EXHAUSTED: { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;

export type ClientErrorCode = keyof typeof ClientErrorCodes;
export type SdkErrorCode = ErrorCode | ClientErrorCode;

export interface SdkErrorOptions {
  cause?: unknown;
  /** Overrides the default (from the code) decision whether trying again may help. */
  retryable?: boolean;
}

/** Server codes where trying again later may succeed (429/503 answers). */
const RETRYABLE_SERVER_CODES = new Set<ErrorCode>(["RATE_LIMITED", "TOO_MANY_STREAMS", "TOO_MANY_POLLS", "STORE_UNAVAILABLE", "DRAINING", "SERVER_BUSY"]);

/**
 * The base of every error the SDK throws or emits. `code` is a stable string
 * from the server's table or {@link ClientErrorCodes}; `retryable` says
 * whether the SDK's own retry loops would try again; `cause` keeps the
 * underlying error (a fetch TypeError, a Colyseus ServerError, ...).
 */
export class SdkError extends Error {
  override name = "SdkError";
  readonly code: SdkErrorCode;
  readonly retryable: boolean;

  constructor(code: SdkErrorCode, message: string, options: SdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? defaultRetryable(code);
  }
}

function defaultRetryable(code: SdkErrorCode): boolean {
  if (code in ClientErrorCodes) return ClientErrorCodes[code as ClientErrorCode].retryable;
  return RETRYABLE_SERVER_CODES.has(code as ErrorCode);
}

/** A non-2xx HTTP answer. `code` comes from the `{error:{code}}` body when the server sent one. */
export class HttpError extends SdkError {
  override name = "HttpError";
  readonly status: number;
  /** Milliseconds from the `Retry-After` header, when present. */
  readonly retryAfterMs?: number;
  readonly details?: unknown;
  /** The server's `X-Request-Id`, to quote in bug reports. */
  readonly requestId?: string;

  constructor(
    status: number,
    code: SdkErrorCode,
    message: string,
    options: SdkErrorOptions & { retryAfterMs?: number; details?: unknown; requestId?: string } = {},
  ) {
    super(code, message, { retryable: options.retryable ?? (defaultRetryable(code) || status === 429 || status === 502 || status === 503 || status === 504), cause: options.cause });
    this.status = status;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
    this.requestId = options.requestId;
  }
}

/**
 * Authentication failed for good: no token, a token the server rejects even
 * after one refresh, an expired token that cannot be refreshed, or a room
 * that revoked the token in-band. Never retried automatically.
 */
export class AuthError extends SdkError {
  override name = "AuthError";
  /** 401 when it came from an HTTP answer. */
  readonly status?: number;
  /** The WebSocket close code when a room closed the connection. */
  readonly closeCode?: number;

  constructor(code: SdkErrorCode, message: string, options: SdkErrorOptions & { status?: number; closeCode?: number } = {}) {
    super(code, message, { cause: options.cause, retryable: false });
    this.status = options.status;
    this.closeCode = options.closeCode;
  }
}

/** fetch or the WebSocket failed before any answer. Always retryable. */
export class NetworkError extends SdkError {
  override name = "NetworkError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("NETWORK_ERROR", message, { cause: options.cause, retryable: true });
  }
}

/**
 * The matchmaker refused a join. `matchmakeCode` is Colyseus's own
 * (`ErrorCode` in @colyseus/sdk: 520 no such room type, 522 room id gone,
 * 524 seat expired, 525 auth failed, 526 onJoin threw).
 */
export class JoinError extends SdkError {
  override name = "JoinError";
  readonly matchmakeCode: number;

  constructor(matchmakeCode: number, code: SdkErrorCode, message: string, options: SdkErrorOptions = {}) {
    super(code, message, options);
    this.matchmakeCode = matchmakeCode;
  }
}

/** The server closed a room connection with a code whose action is `final` (shared/close-codes.ts). */
export class RoomClosedError extends SdkError {
  override name = "RoomClosedError";
  readonly closeCode: number;
  readonly closeName?: CloseCodeName;
  readonly action: CloseAction;
  readonly reason?: string;

  constructor(closeCode: number, reason?: string) {
    const name = closeCodeName(closeCode);
    super("CONNECTION_CLOSED", `The room connection was closed (${closeCode}${name ? ` ${name}` : ""}${reason ? `: ${reason}` : ""})`, { retryable: false });
    this.closeCode = closeCode;
    this.closeName = name;
    this.action = closeActionFor(closeCode);
    this.reason = reason;
  }
}

/**
 * A room rejected a message and changed nothing (the room's `error` message,
 * shared `RoomErrorMessage`), or the SDK rejected it locally before sending
 * because it failed the shared schema (`VALIDATION_FAILED`, `local: true`).
 */
export class RoomMessageError extends SdkError {
  override name = "RoomMessageError";
  /** The client message type that was rejected. */
  readonly type?: string;
  readonly details?: unknown;
  /** True when the SDK refused to send it; false when the room answered with `error`. */
  readonly local: boolean;

  constructor(code: ErrorCode, message: string, options: { type?: string; details?: unknown; local?: boolean } = {}) {
    super(code, message, { retryable: false });
    this.type = options.type;
    this.details = options.details;
    this.local = options.local ?? false;
  }
}

/** A state machine was asked for a move its table forbids. Indicates an SDK bug; never swallowed. */
export class IllegalTransitionError extends SdkError {
  override name = "IllegalTransitionError";
  readonly from: string;
  readonly to: string;
  constructor(from: string, to: string) {
    super("ILLEGAL_TRANSITION", `Illegal connection state transition ${from} → ${to}`);
    this.from = from;
    this.to = to;
  }
}

/** Normalises anything thrown into an SdkError, keeping the original as `cause` (tRPC's habit). */
export function toSdkError(error: unknown, fallbackMessage = "Unexpected error"): SdkError {
  if (error instanceof SdkError) return error;
  if (isAbort(error)) return new SdkError("ABORTED", "The operation was aborted", { cause: error });
  const message = error instanceof Error ? error.message : fallbackMessage;
  return new SdkError("BAD_RESPONSE", message || fallbackMessage, { cause: error });
}

export function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}
