import type { Room } from "@colyseus/sdk";
import type { AnyRoomContract, EventType, EventsOf, MessageType, PayloadOf, StateOf } from "../../shared/rooms/define.ts";
import { resolveBackoff } from "../backoff.ts";
import type { ConnectionState } from "../connection-state.ts";
import { Emitter } from "../emitter.ts";
import { SdkError } from "../errors.ts";
import { log } from "../logger.ts";
import { ReconnectLoop, type TransportLease } from "../reconnect-loop.ts";
import { joinRoom, type JoinRequest } from "./join-room.ts";
import { checkMessage } from "./message-check.ts";
import { RoomRecovery, type Plan } from "./recovery.ts";
import { RoomToken } from "./room-token.ts";
import { resolveRoomConnectOptions, type ResolvedRoomConnectOptions, type RoomConnectionEvents, type RoomConnectOptions, type RoomCore } from "./room-types.ts";
import { untilJoinedState, wireRoom, type RoomClose, type RoomStateEvents, type RoomWiring } from "./room-wiring.ts";
import { Seat, type SeatState } from "./seat-window.ts";
import { SendQueue } from "./send-queue.ts";

export type { RoomConnectOptions, RoomConnectionEvents, RoomCore, RoomRetryEvent, TokenRefreshEvent } from "./room-types.ts";

/**
 * One logical room connection: a typed wrapper around @colyseus/sdk's Room
 * that survives drops, drains, restarts and token expiry. It runs on the
 * SDK's reconnect loop (reconnect-loop.ts: states, backoff, transport ids);
 * what it does after each close comes from the close-code table in
 * shared/close-codes.ts (recovery.ts), timed to the seat's window
 * (seat-window.ts).
 *
 * Why @colyseus/sdk's own auto-reconnect is switched off: it only runs for
 * rooms joined at least 5 s earlier, only for close codes 1001/1005/1006/4010,
 * with its own fixed backoff that knows nothing of `Retry-After`, the
 * browser's `online` event, token refresh, the room's seat window or the
 * project's codes (4104 SLOW_CONSUMER is "reconnect" here, a plain leave
 * there). So behaviour would depend on how long ago the player joined.
 * Instead this class owns recovery, the same way for every room.
 *
 * Every recovery yields a NEW @colyseus/sdk Room with the full state (the
 * server sends it on every join and reconnect). A join resolves once that
 * state shows this client (the contract's `joined` check). Listeners
 * registered on this connection (`onMessage`, `onStateChange`, `on(...)`)
 * carry over by themselves; schema callbacks bound to a Room
 * (`getStateCallbacks(room)`) belong in `onRoom()`, which runs for the
 * current room and every replacement. Callbacks from a replaced room are
 * ignored (room-wiring.ts).
 */
export class RoomConnection<C extends AnyRoomContract> {
  readonly contract: C;
  readonly #core: RoomCore;
  readonly #initial: JoinRequest;
  readonly #options: ResolvedRoomConnectOptions;
  readonly #loop: ReconnectLoop;
  readonly #events: Emitter<RoomConnectionEvents>;
  readonly #messages: Emitter<Record<string, unknown>>;
  readonly #stateListeners: Emitter<RoomStateEvents<StateOf<C>>>;
  readonly #queue: SendQueue;
  readonly #seat: Seat;
  readonly #token: RoomToken;
  readonly #wiring: RoomWiring<StateOf<C>>;
  readonly #ready: Promise<this>;
  readonly #closed: Promise<void>;
  #room?: Room<any, StateOf<C>>;
  #closeRequested = false;
  #leaveTimer?: ReturnType<typeof setTimeout>;

  constructor(core: RoomCore, contract: C, initial: JoinRequest, options: RoomConnectOptions = {}) {
    this.#core = core;
    this.contract = contract;
    this.#initial = initial;
    this.#options = resolveRoomConnectOptions(options);
    const backoff = resolveBackoff({ ...core.backoff, ...options.backoff });
    this.#events = new Emitter(core.onListenerError);
    this.#messages = new Emitter(core.onListenerError);
    this.#stateListeners = new Emitter(core.onListenerError);
    this.#queue = new SendQueue(this.#options.maxQueuedMessages);
    this.#seat = new Seat((change) => this.#events.emit("seat", change));
    this.#token = new RoomToken(core.auth, backoff, (event) => this.#events.emit("token", event));
    this.#loop = new ReconnectLoop({
      backoff,
      maxRetries: this.#options.maxAttempts - 1, // `maxAttempts` counts the first attempt too
      transport: () => "websocket",
      onListenerError: core.onListenerError,
      onRetry: ({ failures, delayMs, error }) => this.#events.emit("retry", { attempt: failures, delayMs, error }),
    });
    this.#wiring = { events: this.#events, messages: this.#messages, states: this.#stateListeners, token: this.#token, seat: this.#seat, isOpen: () => this.#loop.state === "open" };
    this.#loop.onChange((change) => this.#events.emit("state", change));
    this.#loop.onClose(() => {
      this.#token.cancel();
      clearTimeout(this.#leaveTimer);
      this.#queue.clear();
      this.#seat.release();
    });
    let resolveReady!: (value: this) => void;
    let rejectReady!: (error: SdkError) => void;
    let resolveClosed!: () => void;
    this.#ready = new Promise<this>((resolve, reject) => ([resolveReady, rejectReady] = [resolve, reject]));
    this.#ready.catch(() => undefined); // an app that never awaits ready() must not see an unhandled rejection
    this.#closed = new Promise((resolve) => (resolveClosed = resolve));
    this.#loop.onChange((change) => {
      if (change.to === "open") resolveReady(this);
      if (change.to !== "closed") return;
      rejectReady(change.error ?? new SdkError(change.reason === "aborted" ? "ABORTED" : "NOT_CONNECTED", `the room connection closed before it opened (${change.reason})`));
      resolveClosed();
    });
  }

  /** @internal Starts connecting (idle → connecting). Called by the room handle. */
  start(): this {
    if (this.#loop.state !== "idle") return this;
    const signal = this.#options.signal;
    if (signal?.aborted) {
      this.#loop.close("aborted", new SdkError("ABORTED", "aborted before connecting"));
      return this;
    }
    this.#loop.watchSignal(signal, () => this.#requestClose());
    this.#loop.watchNetwork(this.#core.platform.network);
    const recovery = new RoomRecovery(this.#recoveryHost(), this.#initial);
    // Begin on the next microtask so listeners attached right after connect() see `idle → connecting`.
    queueMicrotask(() => {
      if (this.#loop.state === "idle") this.#loop.start(() => recovery.turn()); // else: closed before it began
    });
    return this;
  }

  /** The connection state (`idle | connecting | open | reconnecting | closed`). */
  get status(): ConnectionState {
    return this.#loop.state;
  }

  /** The room's synchronized state (the shared schema class), once joined. Replaced on every rejoin. */
  get state(): StateOf<C> | undefined {
    return this.#room?.state;
  }

  /** The current @colyseus/sdk Room (replaced on every recovery; see `onRoom`). */
  get room(): Room<any, StateOf<C>> | undefined {
    return this.#room;
  }

  get roomId(): string | undefined {
    return this.#room?.roomId;
  }

  get sessionId(): string | undefined {
    return this.#room?.sessionId;
  }

  /** Save it to resume after a page reload: `client.rooms.x.reconnect(token)`. */
  get reconnectionToken(): string | undefined {
    return this.#room?.reconnectionToken;
  }

  /** `none` before the join and after the close; `held` while connected; `reserved` after a drop until `seatExpiresAt`; `lost` once the window passed. */
  get seat(): SeatState {
    return this.#seat.state;
  }

  /** While `reserved`: until when the room holds the seat (ms since the epoch; Infinity: while the room lives). */
  get seatExpiresAt(): number | undefined {
    return this.#seat.expiresAt;
  }

  /** Why the connection closed for good (undefined while it is not closed, or after `leave()`). */
  get error(): SdkError | undefined {
    return this.#loop.error;
  }

  /** Resolves when the connection first opens (the room's state shows this client); rejects with the typed error if it closes before. */
  ready(): Promise<this> {
    return this.#ready;
  }

  /** Resolves once the connection is `closed` (for any reason). */
  closed(): Promise<void> {
    return this.#closed;
  }

  on<K extends keyof RoomConnectionEvents>(event: K, listener: (payload: RoomConnectionEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Typed server → client messages of this room. */
  onMessage<K extends EventType<C>>(type: K, listener: (payload: EventsOf<C>[K]) => void): () => void {
    return this.#messages.on(type, listener as (payload: unknown) => void);
  }

  /** Every state patch (and the full state after each join/reconnect). */
  onStateChange(listener: (state: StateOf<C>) => void): () => void {
    return this.#stateListeners.on("change", listener);
  }

  /** Runs `listener` for the current room (if any) and for every room that replaces it; bind schema callbacks here. */
  onRoom(listener: (room: Room<any, StateOf<C>>) => void): () => void {
    if (this.#room && this.#loop.state === "open") listener(this.#room);
    return this.#stateListeners.on("room", listener);
  }

  /**
   * Sends a typed message. With message schemas (the contract's, or the
   * client's `messageSchemas`) the payload is checked first: a
   * RoomMessageError VALIDATION_FAILED is thrown and nothing is sent;
   * without them the room checks it and answers `error`. While connecting or
   * reconnecting the message is queued and sent on open. Throws
   * NOT_CONNECTED once the connection is closed.
   */
  send<K extends MessageType<C>>(type: K, payload: PayloadOf<C, K>): void {
    if (this.#loop.closed) throw new SdkError("NOT_CONNECTED", `cannot send "${type}": the room connection is closed`);
    const schemas = this.contract.messages ?? this.#core.messageSchemas?.[this.contract.name];
    if (this.#options.validate && schemas) checkMessage(schemas, this.contract.name, type, payload);
    const room = this.#room;
    if (this.#loop.state === "open" && room?.connection?.isOpen) room.send(type, payload);
    else this.#queue.push(type, payload);
  }

  /** Skips the current backoff wait and tries now (also done on the browser's `online` event). */
  reconnectNow(): void {
    this.#loop.wake();
  }

  /** Leaves the room (consented) and closes the connection for good. */
  async leave(): Promise<void> {
    this.#requestClose();
    await this.#closed;
  }

  #requestClose(): void {
    if (this.#closeRequested || this.#loop.closed) return;
    this.#closeRequested = true;
    this.#loop.interrupt(); // a join in flight is aborted, a backoff wait ends: the next turn closes
    if (this.#loop.state === "idle") return this.#loop.close("client-close");
    if (this.#loop.state === "open" && this.#room) this.#leaveRoom(this.#room);
  }

  /** The turn sees the close (onLeave) and closes. A server that never answers the leave (a dead network) must not keep the app waiting. */
  #leaveRoom(room: Room<any, StateOf<C>>): void {
    room.leave(true).catch(() => undefined);
    this.#leaveTimer = setTimeout(() => {
      room.connection?.close();
      this.#loop.close("client-close");
    }, this.#options.leaveTimeoutMs);
  }

  #recoveryHost() {
    const self = this;
    return {
      loop: this.#loop,
      seat: this.#seat,
      rejoin: this.#options.rejoin,
      get closeRequested() {
        return self.#closeRequested;
      },
      get aborted() {
        return self.#options.signal?.aborted === true;
      },
      join: (plan: Plan, lease: TransportLease) => this.#join(plan, lease),
      serve: (room: Room<any, StateOf<C>>, lease: TransportLease, plan: Plan) => this.#serve(room, lease, plan),
      renewToken: (closeCode: number) => this.#token.renew(closeCode),
    };
  }

  async #join(plan: Plan, lease: TransportLease): Promise<Room<any, StateOf<C>>> {
    const request: JoinRequest = plan.kind === "reconnect" ? { method: "reconnect", target: plan.roomId, reconnectionToken: plan.secret } : plan.request;
    // A handed-over seat makes no HTTP call that would fetch a token, yet the WebSocket must carry one (the seat's player).
    if (request.method === "seat") await this.#core.auth.getToken({ reason: "connect" });
    const room = await joinRoom<StateOf<C>>(this.#core.colyseus, this.#core.http, request, this.contract.state, {
      signal: lease.signal,
      timeoutMs: this.#options.joinTimeoutMs,
    });
    if (plan.kind === "join") this.#token.joined();
    return room;
  }

  /** Wires the joined room and opens once its state shows this client, so `connection.state` is usable as soon as a join resolves. */
  async #serve(room: Room<any, StateOf<C>>, lease: TransportLease, plan: Plan): Promise<RoomClose> {
    this.#room = room;
    const closed = wireRoom(room, lease, this.#wiring, this.contract.seat === true);
    const joined = this.contract.joined;
    const options = plan.kind === "join" ? plan.request.options : this.#initial.options;
    const timeoutMs = this.#options.joinedStateTimeoutMs;
    const shown = await untilJoinedState(room, joined ? (state) => joined(state, room.sessionId, options) : undefined, { closed, signal: lease.signal, timeoutMs });
    if (this.#closeRequested) {
      // leave() came while the state was on its way: the connection never opens.
      this.#leaveRoom(room);
      return closed;
    }
    if (!shown) log(this.#core.logger, "debug", `client-sdk: room ${room.roomId}'s state did not show this client within ${timeoutMs} ms`);
    // Queued messages go first, before anything a `state` listener sends on open.
    this.#queue.flush(room);
    this.#seat.hold();
    this.#loop.opened();
    return closed;
  }
}
