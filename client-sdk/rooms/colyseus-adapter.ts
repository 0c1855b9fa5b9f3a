import { ColyseusSDK, ErrorCode as ColyseusErrorCode, Room, ServerError, type SeatReservation } from "@colyseus/sdk";
import { ROOM_WS_PROTOCOL, ROOM_WS_TOKEN_PREFIX } from "../../shared/room-socket.ts";
import { parseRefusal } from "../../shared/refusal.ts";
import { AuthError, HttpError, JoinError, NetworkError, SdkError } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import { log, type Logger } from "../logger.ts";
import type { WebSocketConstructor, WebSocketLike } from "../platform.ts";

/**
 * The seam between the SDK and @colyseus/sdk. Only public @colyseus/sdk API
 * is used: `consumeSeatReservation()` (the matchmake HTTP call is the SDK's
 * own, so it gets the SDK's auth, errors, `Retry-After` and fetch), the
 * overridable `createRoom()`, `Room.connection.transport` (to run on an
 * injected WebSocket) and `room.reconnection.enabled`.
 */

type TransportEvents = {
  onopen?: ((event: any) => any) | null;
  onmessage?: ((event: any) => any) | null;
  onclose?: ((event: any) => any) | null;
  onerror?: ((event: any) => any) | null;
};

/** @colyseus/sdk's WebSocketTransport, on a WebSocket constructor of the app's choosing. */
class InjectedWebSocketTransport {
  ws?: WebSocketLike;
  readonly #events: TransportEvents;
  readonly #WebSocket: WebSocketConstructor;

  readonly #token: () => string | undefined;

  constructor(events: TransportEvents, WebSocketImpl: WebSocketConstructor, token: () => string | undefined) {
    this.#events = events;
    this.#WebSocket = WebSocketImpl;
    this.#token = token;
  }

  connect(url: string): void {
    // No custom headers (browsers cannot send them) and no token in the URL:
    // the seat's token rides as a subprotocol (shared/room-protocol.ts).
    const token = this.#token();
    const ws = token ? new this.#WebSocket(url, [ROOM_WS_PROTOCOL, `${ROOM_WS_TOKEN_PREFIX}${token}`]) : new this.#WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.onopen = (event) => this.#events.onopen?.(event);
    ws.onmessage = (event) => this.#events.onmessage?.(event);
    ws.onclose = (event) => this.#events.onclose?.(event);
    ws.onerror = (event) => this.#events.onerror?.(event);
    this.ws = ws;
  }

  send(data: ArrayBufferLike | ArrayBufferView): void {
    this.ws?.send(data);
  }

  sendUnreliable(data: ArrayBufferLike | ArrayBufferView): void {
    this.send(data);
  }

  close(code?: number, reason?: string): void {
    if (!this.ws) return;
    // Same as @colyseus/sdk: on "offline" it closes with 4010 and wants onclose at once,
    // not after the close handshake that may never complete on a dead network.
    if (code === ColyseusCloseCodes.MAY_TRY_RECONNECT && this.#events.onclose) {
      this.ws.onclose = null;
      this.#events.onclose({ code, reason });
    }
    this.ws.close(code, reason);
  }

  get isOpen(): boolean {
    return this.ws?.readyState === 1; // WebSocket.OPEN
  }
}

const ColyseusCloseCodes = { MAY_TRY_RECONNECT: 4010 } as const;

/**
 * A Colyseus Room that (a) never auto-reconnects — the SDK's room
 * connection owns recovery, see room-connection.ts —, (b) runs on the
 * injected WebSocket, and (c) writes nothing to the console: @colyseus/sdk
 * warns `Room connection was closed unexpectedly (<code>)` whenever a socket
 * closes before the join completed (every refused join); the SDK reports
 * that as a typed JoinError instead, and logs it at `debug` to the app's
 * logger. @colyseus/sdk creates its `Connection` inside `connect()`; turning
 * the `connection` field into an accessor lets the SDK swap the transport and
 * wrap the close handler before the socket is opened.
 */
class SdkRoom<State> extends Room<any, State> {
  constructor(
    name: string,
    rootSchema: (new (...args: any[]) => State) | undefined,
    WebSocketImpl: WebSocketConstructor | undefined,
    token: () => string | undefined,
    logger: Logger | undefined,
  ) {
    super(name, rootSchema);
    this.reconnection.enabled = false;
    let current: Room["connection"] | undefined;
    Object.defineProperty(this, "connection", {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (connection: Room["connection"]) => {
        if (WebSocketImpl) (connection as { transport: unknown }).transport = new InjectedWebSocketTransport(connection.events, WebSocketImpl, token);
        quietPreJoinClose(this as unknown as QuietRoom, connection.events, logger);
        current = connection;
      },
    });
  }
}

/** The parts of a Room the pre-join close handler reads (`joinedAtTime` is protected in @colyseus/sdk's typings). */
interface QuietRoom {
  readonly roomId: string;
  readonly joinedAtTime: number;
  readonly onError: { invoke(code: number, message?: string): void };
}

/**
 * Replaces @colyseus/sdk's pre-join branch of the Room's close handler (a
 * console warning, then `onError`) with the same `onError` and a debug log
 * line; after the join the Room's own handler runs unchanged. Only the
 * Room's handler (the first one assigned, in `Room.connect`) is wrapped:
 * @colyseus/sdk's `Connection` then wraps it in turn (its offline-listener
 * bookkeeping), which stays as it is. Nothing can be pending before the join
 * (requests need a joined room), so skipping the Room's pending-request
 * cleanup there changes nothing.
 */
function quietPreJoinClose(room: QuietRoom, events: TransportEvents, logger: Logger | undefined): void {
  let handler: ((event: any) => any) | null | undefined = events.onclose;
  let wrapped = false;
  Object.defineProperty(events, "onclose", {
    configurable: true,
    enumerable: true,
    get: () => handler,
    set: (next: ((event: any) => any) | null) => {
      if (wrapped || !next) {
        handler = next;
        return;
      }
      wrapped = true;
      handler = (event: { code?: number; reason?: string }) => {
        if (room.joinedAtTime !== 0) return next(event);
        log(logger, "debug", `client-sdk: room ${room.roomId} closed before the join completed (${event?.code})`, event?.reason);
        room.onError.invoke(event?.code ?? 0, event?.reason ?? "");
      };
    },
  });
}

export class SdkColyseusClient extends ColyseusSDK {
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #token: () => string | undefined;
  readonly #logger: Logger | undefined;

  constructor(endpoint: string, WebSocketImpl: WebSocketConstructor | undefined, token: () => string | undefined = () => undefined, logger?: Logger) {
    super(endpoint);
    this.#WebSocket = WebSocketImpl;
    this.#token = token;
    this.#logger = logger;
  }

  /**
   * A seat is taken only with its player's token. On the injected WebSocket
   * it rides as a subprotocol (never in the URL, so never in proxy logs);
   * @colyseus/sdk's own transport (no WebSocket global) can only send it in
   * the URL.
   */
  protected override buildEndpoint(seatReservation: SeatReservation, options: Record<string, unknown> = {}): string {
    const token = this.#token();
    if (token && !this.#WebSocket) options._authToken = token;
    return super.buildEndpoint(seatReservation, options);
  }

  protected override createRoom<T>(roomName: string, rootSchema?: new (...args: any[]) => T): Room<any, T> {
    return new SdkRoom<T>(roomName, rootSchema, this.#WebSocket, this.#token, this.#logger);
  }
}

export type MatchmakeMethod = "joinOrCreate" | "create" | "join" | "joinById" | "reconnect";

export interface JoinRequest {
  /** A matchmaker method, or "seat": consume a seat reservation handed over by the server (e.g. a team matchmaker). */
  method: MatchmakeMethod | "seat";
  /** Room name, or the room id for joinById / reconnect / seat. */
  target: string;
  options?: unknown;
  /** For "reconnect": the secret half of `room.reconnectionToken`. */
  reconnectionToken?: string;
  /** For "seat": the reservation. */
  reservation?: SeatReservation;
}

/**
 * `POST /matchmake/:method/:target` through the SDK's HTTP helper, then
 * opens the WebSocket with the seat reservation. Rejects with a typed error:
 * JoinError (matchmaker refused), AuthError (token refused after one
 * refresh), HttpError (429/503 with Retry-After), NetworkError, TIMEOUT.
 */
export async function joinRoom<State>(
  colyseus: SdkColyseusClient,
  http: HttpClient,
  request: JoinRequest,
  state: (new (...args: any[]) => State) | undefined,
  control: { signal?: AbortSignal; timeoutMs: number },
): Promise<Room<any, State>> {
  if (request.method === "seat") {
    if (!request.reservation) throw new TypeError("client-sdk: a seat join needs the reservation");
    return consume(colyseus, { ...request.reservation }, state, control);
  }
  let reservation: SeatReservation;
  try {
    const body = request.method === "reconnect" ? { reconnectionToken: request.reconnectionToken } : (request.options ?? {});
    const response = await http.request<SeatReservation>("POST", `/matchmake/${request.method}/${encodeURIComponent(request.target)}`, {
      body,
      auth: request.method === "reconnect" ? "none" : "required",
      signal: control.signal,
      retries: 0,
      // Colyseus answers a failed onAuth with its own 525 and the project's code as a message prefix.
      isAuthFailure: (error) => error.status === 401 || (error.status === ColyseusErrorCode.AUTH_FAILED && isTokenProblem(error.message)),
    });
    reservation = response.data;
  } catch (error) {
    throw matchmakeError(error);
  }
  if (request.method === "reconnect") reservation.reconnectionToken = request.reconnectionToken;
  return consume(colyseus, reservation, state, control);
}

function isTokenProblem(message: string): boolean {
  const code = parseRefusal(message).code;
  return code === "UNAUTHORIZED" || code === "TOKEN_EXPIRED" || code === "TOKEN_INVALID";
}

/**
 * A matchmaker refusal as a typed JoinError. Rooms refuse with the project's
 * code as a message prefix (`CONFLICT: The team is full`, `FORBIDDEN: …`,
 * `VALIDATION_FAILED: …`; the codec is shared/refusal.ts, docs/protocol.md
 * "Join refusals"), over HTTP (seat reservation) or over the socket (onJoin).
 * That code is kept; Colyseus's own
 * codes map to NOT_FOUND (no such room type, room or filter match),
 * MATCHMAKE_FAILED (retryable for an expired reservation) or FORBIDDEN.
 */
export function joinErrorFrom(matchmakeCode: number, rawMessage: string, cause: unknown): JoinError {
  const { code, message } = parseRefusal(rawMessage ?? "");
  const expired = matchmakeCode === ColyseusErrorCode.MATCHMAKE_EXPIRED;
  if (code) return new JoinError(matchmakeCode, code, message, { cause });
  switch (matchmakeCode) {
    case ColyseusErrorCode.MATCHMAKE_NO_HANDLER:
    case ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA:
    case ColyseusErrorCode.MATCHMAKE_INVALID_ROOM_ID:
      return new JoinError(matchmakeCode, "NOT_FOUND", message, { cause });
    case ColyseusErrorCode.AUTH_FAILED:
      return new JoinError(matchmakeCode, "FORBIDDEN", message, { cause });
    default:
      // A seat reservation that raced its timeout: a fresh attempt usually succeeds.
      return new JoinError(matchmakeCode, "MATCHMAKE_FAILED", message, { cause, retryable: expired });
  }
}

/** Turns an HttpError for a matchmake call into the SDK's classification. */
function matchmakeError(error: unknown): SdkError {
  if (error instanceof AuthError) {
    const { code, message } = parseRefusal(error.message);
    return new AuthError(code ?? error.code, message, { status: error.status, cause: error.cause ?? error });
  }
  if (!(error instanceof HttpError)) return error instanceof SdkError ? error : new NetworkError(String(error), { cause: error });
  if (error.status >= 520 && error.status <= 529) return joinErrorFrom(error.status, error.message, error);
  return error;
}

async function consume<State>(
  colyseus: SdkColyseusClient,
  reservation: SeatReservation,
  state: (new (...args: any[]) => State) | undefined,
  control: { signal?: AbortSignal; timeoutMs: number },
): Promise<Room<any, State>> {
  const pending = colyseus.consumeSeatReservation<State>(reservation, state);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SdkError("TIMEOUT", `joining room ${reservation.roomId} timed out after ${control.timeoutMs} ms`)), control.timeoutMs);
    onAbort = () => reject(new SdkError("ABORTED", "join aborted"));
    control.signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([pending, guard]);
  } catch (error) {
    // Whatever lost the race must not leave a socket open behind it.
    pending.then((room) => room.leave(false)).catch(() => undefined);
    if (error instanceof SdkError) throw error;
    if (error instanceof ServerError) {
      const code = error.code;
      // The room refused the join after the socket opened (onJoin threw): the same codes as over HTTP.
      if (typeof code === "number" && code >= 520 && code <= 529) throw joinErrorFrom(code, error.message, error);
    }
    throw new NetworkError(`the room's WebSocket failed before the join completed${error instanceof Error && error.message ? `: ${error.message}` : ""}`, { cause: error });
  } finally {
    clearTimeout(timer);
    if (onAbort) control.signal?.removeEventListener("abort", onAbort);
  }
}
