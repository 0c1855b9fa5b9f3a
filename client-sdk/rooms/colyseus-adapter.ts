import { ColyseusSDK, Room, type SeatReservation } from "@colyseus/sdk";
import { ROOM_WS_PROTOCOL, ROOM_WS_TOKEN_PREFIX } from "../../shared/room-socket.ts";
import { log, type Logger } from "../logger.ts";
import type { WebSocketConstructor, WebSocketLike } from "../platform.ts";

/**
 * The seam between the SDK and @colyseus/sdk: the Colyseus client and Room
 * the SDK joins with (joining itself: join-room.ts). Only public
 * @colyseus/sdk API is used: the overridable `createRoom()` and
 * `buildEndpoint()`, `Room.connection.transport` (to run on an injected
 * WebSocket) and `room.reconnection.enabled`.
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
    // Messages as plain msgpack maps, not msgpackr records: @colyseus/sdk's
    // `new Packr()` writes records, and with no structures shared between
    // messages every message carries its record definitions, which the
    // server must parse (and build a reader for) on every message. Plain maps
    // are a little smaller and decode to the same objects, much cheaper
    // (20 Hz per player). The same msgpackr class, reached through the
    // instance (the SDK imports no msgpackr of its own).
    const PackrClass = this.packr.constructor as new (options: { useRecords: boolean }) => Room["packr"];
    this.packr = new PackrClass({ useRecords: false });
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
