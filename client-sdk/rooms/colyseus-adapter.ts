import { ColyseusSDK, ErrorCode as ColyseusErrorCode, Room, ServerError, type SeatReservation } from "@colyseus/sdk";
import { ROOM_WS_PROTOCOL, ROOM_WS_TOKEN_PREFIX } from "../../shared/index.ts";
import { AuthError, HttpError, JoinError, NetworkError, SdkError, splitCodePrefix } from "../errors.ts";
import type { HttpClient } from "../http.ts";
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
 * connection owns recovery, see room-connection.ts — and (b) runs on the
 * injected WebSocket. @colyseus/sdk creates its `Connection` inside
 * `connect()`; turning the `connection` field into an accessor lets the SDK
 * swap the transport before the socket is opened.
 */
class SdkRoom<State> extends Room<any, State> {
  constructor(name: string, rootSchema: (new (...args: any[]) => State) | undefined, WebSocketImpl: WebSocketConstructor | undefined, token: () => string | undefined) {
    super(name, rootSchema);
    this.reconnection.enabled = false;
    if (WebSocketImpl) {
      let current: Room["connection"] | undefined;
      Object.defineProperty(this, "connection", {
        configurable: true,
        enumerable: true,
        get: () => current,
        set: (connection: Room["connection"]) => {
          (connection as { transport: unknown }).transport = new InjectedWebSocketTransport(connection.events, WebSocketImpl, token);
          current = connection;
        },
      });
    }
  }
}

export class SdkColyseusClient extends ColyseusSDK {
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #token: () => string | undefined;

  constructor(endpoint: string, WebSocketImpl: WebSocketConstructor | undefined, token: () => string | undefined = () => undefined) {
    super(endpoint);
    this.#WebSocket = WebSocketImpl;
    this.#token = token;
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
    return new SdkRoom<T>(roomName, rootSchema, this.#WebSocket, this.#token);
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
  const code = splitCodePrefix(message).code;
  return code === "UNAUTHORIZED" || code === "TOKEN_EXPIRED" || code === "TOKEN_INVALID";
}

/** Turns an HttpError for a matchmake call into the SDK's classification. */
function matchmakeError(error: unknown): SdkError {
  if (error instanceof AuthError) {
    const { code, message } = splitCodePrefix(error.message);
    return new AuthError(code ?? error.code, message, { status: error.status, cause: error.cause ?? error });
  }
  if (!(error instanceof HttpError)) return error instanceof SdkError ? error : new NetworkError(String(error), { cause: error });
  const status = error.status;
  if (status >= 520 && status <= 529) {
    const { code, message } = splitCodePrefix(error.message);
    switch (status) {
      case ColyseusErrorCode.MATCHMAKE_NO_HANDLER:
        return new JoinError(status, "NOT_FOUND", message, { cause: error });
      case ColyseusErrorCode.MATCHMAKE_INVALID_ROOM_ID:
        return new JoinError(status, "NOT_FOUND", message, { cause: error });
      case ColyseusErrorCode.MATCHMAKE_EXPIRED:
        // A seat reservation raced its timeout: a fresh attempt usually succeeds.
        return new JoinError(status, "MATCHMAKE_FAILED", message, { cause: error, retryable: true });
      case ColyseusErrorCode.AUTH_FAILED:
        return new JoinError(status, code ?? "FORBIDDEN", message, { cause: error });
      default:
        return new JoinError(status, code ?? "MATCHMAKE_FAILED", message, { cause: error });
    }
  }
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
      if (typeof code === "number" && code >= 520 && code <= 529) {
        return Promise.reject(new JoinError(code, code === ColyseusErrorCode.MATCHMAKE_EXPIRED ? "MATCHMAKE_FAILED" : "NOT_FOUND", error.message, { cause: error, retryable: code === ColyseusErrorCode.MATCHMAKE_EXPIRED }));
      }
    }
    throw new NetworkError(`the room's WebSocket failed before the join completed${error instanceof Error && error.message ? `: ${error.message}` : ""}`, { cause: error });
  } finally {
    clearTimeout(timer);
    if (onAbort) control.signal?.removeEventListener("abort", onAbort);
  }
}
