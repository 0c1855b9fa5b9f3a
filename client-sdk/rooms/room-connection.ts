import type { Room } from "@colyseus/sdk";
import { closeActionFor } from "../../shared/close-codes.ts";
import { CommonClientMessage, ServerMessage, type AuthExpiryMessage, type RoomErrorMessage, type SeatMessage, type ServerDrainingMessage } from "../../shared/room-protocol.ts";
import type { AnyRoomContract, EventType, EventsOf, MessageType, PayloadOf, StateOf } from "../../shared/rooms/define.ts";
import { resolveBackoff, retryDelay, type ResolvedBackoff } from "../backoff.ts";
import { ConnectionStateMachine, type ConnectionState, type StateReason } from "../connection-state.ts";
import { Emitter } from "../emitter.ts";
import { AuthError, HttpError, JoinError, RoomClosedError, RoomMessageError, SdkError, toSdkError } from "../errors.ts";
import { log } from "../logger.ts";
import { Sleeper } from "../platform.ts";
import { joinRoom, type JoinRequest } from "./colyseus-adapter.ts";
import { checkMessage } from "./message-check.ts";
import { initialPlan, rejoinPlan, untilJoinedState, type Plan } from "./recovery.ts";
import { RoomToken } from "./room-token.ts";
import type { RoomConnectionEvents, RoomConnectOptions, RoomCore } from "./room-types.ts";
import { SeatWindow, type SeatState } from "./seat-window.ts";

export type { RoomConnectOptions, RoomConnectionEvents, RoomCore, RoomRetryEvent, TokenRefreshEvent } from "./room-types.ts";

/**
 * One logical room connection: a typed wrapper around @colyseus/sdk's Room
 * that survives drops, drains, restarts and token expiry, driven by the
 * close-code table in shared/close-codes.ts.
 *
 * Why @colyseus/sdk's own auto-reconnect is switched off: it only runs for
 * rooms joined at least 5 s earlier, only for close codes 1001/1005/1006/4010,
 * with its own fixed backoff that knows nothing of `Retry-After`, the
 * browser's `online` event, token refresh, the room's seat window or the
 * project's codes (4104 SLOW_CONSUMER is "reconnect" here, a plain leave
 * there). So behaviour would depend on how long ago the player joined.
 * Instead this class owns recovery, the same way for every room:
 *
 * | close action    | what happens                                                                         |
 * | --------------- | ------------------------------------------------------------------------------------ |
 * | `reconnect`     | `POST /matchmake/reconnect` with the reconnection token, timed to land inside the    |
 * |                 | seat's window (seat-window.ts); window passed or refused → seat `lost` → rejoin      |
 * | `rejoin`        | join again through matchmaking (same room id first, then the original join)         |
 * | `refresh-token` | `getToken()` (reason "expired"), then rejoin                                         |
 * | `final`         | `closed` with a RoomClosedError; no retry                                             |
 *
 * Every recovery yields a NEW @colyseus/sdk Room with the full state (the
 * server sends it on every join and reconnect). A join resolves once that
 * state shows this client (the contract's `joined` check). Listeners
 * registered on this connection (`onMessage`, `onStateChange`, `on(...)`)
 * carry over by themselves; schema callbacks bound to a Room
 * (`getStateCallbacks(room)`) belong in `onRoom()`, which runs for the
 * current room and every replacement. Callbacks from a replaced room are
 * ignored (generation check).
 */
export class RoomConnection<C extends AnyRoomContract> {
  readonly contract: C;
  readonly #core: RoomCore;
  readonly #initial: JoinRequest;
  readonly #options: Required<Omit<RoomConnectOptions, "signal" | "backoff">> & { signal?: AbortSignal };
  readonly #backoff: ResolvedBackoff;
  readonly #machine: ConnectionStateMachine;
  readonly #events: Emitter<RoomConnectionEvents>;
  readonly #messages: Emitter<Record<string, unknown>>;
  readonly #stateListeners: Emitter<{ change: StateOf<C>; room: Room<any, StateOf<C>> }>;
  readonly #sleeper = new Sleeper();
  readonly #abort = new AbortController();
  readonly #queue: { type: string; payload: unknown }[] = [];
  readonly #ready: Promise<this>;
  readonly #closed: Promise<void>;
  readonly #token: RoomToken;
  readonly #seatWindow = new SeatWindow();
  // Typed as the base class (not `this`) so subclasses (the draft's DraftConnection) stay assignable to RoomConnection<C>.
  #resolveReady!: (value: RoomConnection<C>) => void;
  #rejectReady!: (error: SdkError) => void;
  #resolveClosed!: () => void;
  #room?: Room<any, StateOf<C>>;
  #generation = 0;
  #lastRoomId?: string;
  #closeRequested = false;
  #error?: SdkError;
  #seat: SeatState = "none";
  #removeOnline?: () => void;
  #removeAbort?: () => void;
  #leaveTimer?: ReturnType<typeof setTimeout>;

  constructor(core: RoomCore, contract: C, initial: JoinRequest, options: RoomConnectOptions = {}) {
    this.#core = core;
    this.contract = contract;
    this.#initial = initial;
    this.#options = {
      signal: options.signal,
      maxAttempts: options.maxAttempts ?? Infinity,
      joinTimeoutMs: options.joinTimeoutMs ?? 15_000,
      maxQueuedMessages: options.maxQueuedMessages ?? 10,
      rejoin: options.rejoin ?? "room-then-original",
      validate: options.validate ?? true,
      leaveTimeoutMs: options.leaveTimeoutMs ?? 5_000,
      joinedStateTimeoutMs: options.joinedStateTimeoutMs ?? 3_000,
    };
    this.#backoff = resolveBackoff({ ...core.backoff, ...options.backoff });
    this.#machine = new ConnectionStateMachine(core.onListenerError);
    this.#events = new Emitter(core.onListenerError);
    this.#messages = new Emitter(core.onListenerError);
    this.#stateListeners = new Emitter(core.onListenerError);
    this.#token = new RoomToken(core.auth, this.#backoff, (event) => this.#events.emit("token", event));
    this.#machine.onChange((change) => this.#events.emit("state", change));
    this.#ready = new Promise<this>((resolve, reject) => {
      this.#resolveReady = resolve as (value: RoomConnection<C>) => void;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => undefined); // an app that never awaits ready() must not see an unhandled rejection
    this.#closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /** @internal Starts connecting (idle → connecting). Called by the room handle. */
  start(): this {
    if (this.#machine.state !== "idle") return this;
    const signal = this.#options.signal;
    if (signal) {
      if (signal.aborted) {
        this.#finish("aborted", new SdkError("ABORTED", "aborted before connecting"));
        return this;
      }
      const onAbort = () => this.#requestClose();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#removeAbort = () => signal.removeEventListener("abort", onAbort);
    }
    const network = this.#core.platform.network;
    if (network) {
      // The browser says the network is back: skip the rest of the backoff.
      const onOnline = () => this.reconnectNow();
      network.addEventListener("online", onOnline);
      this.#removeOnline = () => network.removeEventListener("online", onOnline);
    }
    // Begin on the next microtask so listeners attached right after connect() see `idle → connecting`.
    queueMicrotask(() => {
      if (this.#machine.state !== "idle") return; // closed before it began
      this.#machine.transition("connecting", "connect", { transport: "websocket" });
      void this.#run();
    });
    return this;
  }

  /** The connection state (`idle | connecting | open | reconnecting | closed`). */
  get status(): ConnectionState {
    return this.#machine.state;
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
    return this.#seat;
  }

  /** While `reserved`: until when the room holds the seat (ms since the epoch; Infinity: while the room lives). */
  get seatExpiresAt(): number | undefined {
    return this.#seat === "reserved" ? this.#seatWindow.expiresAt : undefined;
  }

  /** Why the connection closed for good (undefined while it is not closed, or after `leave()`). */
  get error(): SdkError | undefined {
    return this.#error;
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
    if (this.#room && this.#machine.state === "open") listener(this.#room);
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
    if (this.#machine.state === "closed") throw new SdkError("NOT_CONNECTED", `cannot send "${type}": the room connection is closed`);
    const schemas = this.contract.messages ?? this.#core.messageSchemas?.[this.contract.name];
    if (this.#options.validate && schemas) checkMessage(schemas, this.contract.name, type, payload);
    const room = this.#room;
    if (this.#machine.state === "open" && room?.connection?.isOpen) {
      room.send(type, payload);
      return;
    }
    if (this.#options.maxQueuedMessages <= 0) return;
    this.#queue.push({ type, payload });
    if (this.#queue.length > this.#options.maxQueuedMessages) this.#queue.shift();
  }

  /** Skips the current backoff wait and tries now (also done on the browser's `online` event). */
  reconnectNow(): void {
    if (this.#machine.state === "reconnecting") this.#sleeper.wake();
  }

  /** Leaves the room (consented) and closes the connection for good. */
  async leave(): Promise<void> {
    this.#requestClose();
    await this.#closed;
  }

  #requestClose(): void {
    if (this.#closeRequested || this.#machine.state === "closed") return;
    this.#closeRequested = true;
    this.#abort.abort();
    this.#sleeper.cancel();
    if (this.#machine.state === "idle") {
      this.#finish("client-close");
      return;
    }
    if (this.#machine.state === "open" && this.#room) {
      // The run loop sees the close (onLeave) and finishes. A server that never
      // answers the leave (a dead network) must not keep the app waiting.
      const room = this.#room;
      room.leave(true).catch(() => undefined);
      this.#leaveTimer = setTimeout(() => {
        room.connection?.close();
        this.#finish("client-close");
      }, this.#options.leaveTimeoutMs);
    }
  }

  #setSeat(seat: SeatState, expiresAt?: number): void {
    if (seat === this.#seat && seat !== "reserved") return;
    this.#seat = seat;
    this.#events.emit("seat", expiresAt === undefined ? { seat } : { seat, expiresAt });
  }

  /** The seat is gone: the next plan is a join (or nothing: close with `seat-lost`). */
  #seatLost(error: SdkError): Plan | SdkError {
    this.#setSeat("lost");
    const next = rejoinPlan(this.#options.rejoin, this.#initial, this.#lastRoomId);
    return next ?? new SdkError("SEAT_LOST", `the seat in room ${this.#lastRoomId} is gone: ${error.message}`, { cause: error });
  }

  async #run(): Promise<void> {
    let plan: Plan = initialPlan(this.#initial);
    let failures = 0;
    let seatWasLost = false;
    for (;;) {
      if (this.#closeRequested) {
        return this.#options.signal?.aborted ? this.#finish("aborted", new SdkError("ABORTED", "the connect signal was aborted")) : this.#finish("client-close");
      }
      if (plan.kind === "reconnect" && this.#seatWindow.expired(Date.now())) {
        const next = this.#seatLost(new SdkError("TIMEOUT", "its reconnection window passed"));
        if (next instanceof SdkError) return this.#finish("seat-lost", next);
        [plan, seatWasLost] = [next, true];
        continue;
      }
      let room: Room<any, StateOf<C>>;
      try {
        room = await this.#attempt(plan);
      } catch (caught) {
        const error = toSdkError(caught);
        if (this.#closeRequested) continue;
        if (plan.kind === "reconnect" && error instanceof JoinError) {
          // The room refused the seat (window expired, room disposed): join again instead.
          const next = this.#seatLost(error);
          if (next instanceof SdkError) return error.code === "NOT_FOUND" ? this.#finish("failed", error) : this.#finish("seat-lost", next);
          [plan, seatWasLost] = [next, true];
          continue;
        }
        if (plan.kind === "join" && plan.fallback && error instanceof JoinError && error.code === "NOT_FOUND") {
          plan = { kind: "join", request: plan.fallback };
          continue;
        }
        if (error instanceof AuthError) return this.#finish("unauthorized", error);
        // After a lost seat, a rejoin the room refuses (a match that started, a full team) ends it: the seat is gone
        // for good. A room that is gone altogether (its process died: NOT_FOUND) is a plain failure.
        if (!error.retryable) return this.#finish(seatWasLost && error.code !== "NOT_FOUND" ? "seat-lost" : "failed", error);
        failures++;
        if (failures >= this.#options.maxAttempts) {
          return this.#finish("retries-exhausted", new SdkError("RETRIES_EXHAUSTED", `gave up after ${failures} attempts: ${error.message}`, { cause: error }));
        }
        if (this.#machine.state === "connecting") this.#machine.transition("reconnecting", "connect-failed", { error });
        let delayMs = retryDelay(failures - 1, this.#backoff, error instanceof HttpError ? error.retryAfterMs : undefined);
        if (plan.kind === "reconnect") {
          const fitted = this.#seatWindow.reconnectDelay(delayMs, Date.now());
          if (fitted === "lost") continue; // the loop's check turns this into seat-lost
          delayMs = fitted;
        }
        this.#events.emit("retry", { attempt: failures, delayMs, error });
        await this.#sleeper.sleep(delayMs);
        continue;
      }

      if (this.#closeRequested) {
        // leave() raced the join: do not open a connection nobody wants.
        await room.leave(true).catch(() => undefined);
        continue;
      }
      failures = 0;
      seatWasLost = false;
      const closed = this.#adopt(room);
      const joined = this.contract.joined;
      const options = (plan.kind === "join" ? plan.request.options : this.#initial.options) as Parameters<NonNullable<typeof joined>>[2];
      // Open once the first full state shows this client, so `connection.state` is usable as soon as a join resolves.
      const shown = await untilJoinedState(room, joined ? (state) => joined(state, room.sessionId, options) : undefined, closed, this.#options.joinedStateTimeoutMs);
      if (!shown) log(this.#core.logger, "debug", `client-sdk: room ${room.roomId}'s state did not show this client within ${this.#options.joinedStateTimeoutMs} ms`);
      // Queued messages go first, before anything a `state` listener sends on open.
      this.#flushQueue(room);
      this.#setSeat("held");
      this.#machine.transition("open", this.#machine.state === "connecting" ? "opened" : "reconnected", { transport: "websocket" });
      this.#resolveReady(this);
      const { code, reason } = await closed;
      if (this.#closeRequested) continue;

      const action = closeActionFor(code);
      if (action === "final") return this.#finish("server-close", new RoomClosedError(code, reason), code);
      if (action === "reconnect") {
        const expiresAt = this.#seatWindow.dropped(Date.now());
        this.#setSeat(this.#seatWindow.seconds === 0 ? "lost" : "reserved", expiresAt);
        this.#machine.transition("reconnecting", "transport-lost", { closeCode: code });
        const [roomId, secret] = (room.reconnectionToken ?? "").split(":");
        // A network blip: try at once (the seat is waiting); failures back off from there, inside the window.
        plan = roomId && secret ? { kind: "reconnect", roomId, secret } : (rejoinPlan(this.#options.rejoin, this.#initial, this.#lastRoomId) ?? plan);
        continue;
      }
      this.#setSeat("lost");
      const next = rejoinPlan(this.#options.rejoin, this.#initial, this.#lastRoomId);
      if (!next) return this.#finish("server-close", new RoomClosedError(code, reason), code);
      plan = next;
      if (action === "refresh-token") {
        this.#machine.transition("reconnecting", "token-expired", { closeCode: code });
        try {
          await this.#core.auth.getToken({ reason: "expired", token: this.#token.token });
        } catch (error) {
          const sdkError = error instanceof AuthError ? error : new AuthError("TOKEN_EXPIRED", "the room token expired and could not be replaced", { closeCode: code, cause: error });
          return this.#finish("unauthorized", sdkError, code);
        }
      } else {
        this.#machine.transition("reconnecting", "server-rejoin", { closeCode: code });
        // Everyone on a draining process gets this at once: spread the herd before the first try.
        await this.#sleeper.sleep(retryDelay(0, this.#backoff));
      }
    }
  }

  async #attempt(plan: Plan): Promise<Room<any, StateOf<C>>> {
    const request: JoinRequest =
      plan.kind === "reconnect" ? { method: "reconnect", target: plan.roomId, reconnectionToken: plan.secret } : plan.request;
    // A handed-over seat makes no HTTP call that would fetch a token, yet the WebSocket must carry one (the seat's player).
    if (request.method === "seat") await this.#core.auth.getToken({ reason: "connect" });
    const room = await joinRoom<StateOf<C>>(this.#core.colyseus, this.#core.http, request, this.contract.state, {
      signal: this.#abort.signal,
      timeoutMs: this.#options.joinTimeoutMs,
    });
    if (plan.kind === "join") this.#token.joined();
    return room;
  }

  /** Wires a freshly joined room; returns a promise of its close. */
  #adopt(room: Room<any, StateOf<C>>): Promise<{ code: number; reason?: string }> {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    this.#token.cancel(); // a refresh loop for the previous room has nothing left to do
    this.#room = room;
    this.#lastRoomId = room.roomId;
    room.onMessage("*", (type: string | number, payload: unknown) => {
      if (current()) this.#dispatch(String(type), payload, current);
    });
    room.onStateChange((state: StateOf<C>) => {
      if (current()) this.#stateListeners.emit("change", state);
    });
    const closed = new Promise<{ code: number; reason?: string }>((resolve) => {
      room.onLeave((code: number, reason?: string) => resolve({ code, reason }));
    });
    // How long this room holds the seat after a drop (rooms on the project base answer `seat`).
    if (this.contract.seat) room.send(CommonClientMessage.SEAT, {});
    this.#stateListeners.emit("room", room);
    return closed;
  }

  #dispatch(type: string, payload: unknown, current: () => boolean): void {
    switch (type) {
      case ServerMessage.ERROR: {
        const body = (payload ?? {}) as RoomErrorMessage;
        const error = new RoomMessageError(body.code, body.message, { type: body.type, details: body.details });
        if (body.type === "auth.refresh") this.#token.refused(error);
        this.#events.emit("error", error);
        return;
      }
      case ServerMessage.AUTH_EXPIRING: {
        const stale = () => !current() || this.#machine.state !== "open" || !this.#room;
        void this.#token.refresh((payload as AuthExpiryMessage).expiresAt, (token) => this.#room!.send(CommonClientMessage.AUTH_REFRESH, { token }), stale);
        return;
      }
      case ServerMessage.AUTH_REFRESHED:
        this.#token.accepted((payload as AuthExpiryMessage).expiresAt);
        return;
      case ServerMessage.DRAINING:
        this.#events.emit("draining", payload as ServerDrainingMessage);
        return;
      case ServerMessage.SEAT:
        this.#seatWindow.told(payload as SeatMessage);
        return;
      default:
        this.#messages.emit(type, payload);
    }
  }

  #flushQueue(room: Room<any, StateOf<C>>): void {
    while (this.#queue.length > 0 && room.connection?.isOpen) {
      const { type, payload } = this.#queue.shift()!;
      room.send(type, payload);
    }
  }

  #finish(reason: StateReason, error?: SdkError, closeCode?: number): void {
    if (this.#machine.state === "closed") return;
    this.#error = reason === "client-close" ? undefined : error;
    this.#generation++;
    this.#sleeper.cancel();
    this.#token.cancel();
    clearTimeout(this.#leaveTimer);
    this.#removeOnline?.();
    this.#removeAbort?.();
    this.#queue.length = 0;
    if (this.#seat === "held" || this.#seat === "reserved") this.#setSeat("none");
    this.#machine.transition("closed", reason, { error, closeCode });
    this.#rejectReady(error ?? new SdkError(reason === "aborted" ? "ABORTED" : "NOT_CONNECTED", `the room connection closed before it opened (${reason})`));
    this.#resolveClosed();
  }
}
