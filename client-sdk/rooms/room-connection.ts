import type { Room } from "@colyseus/sdk";
import { ServerMessage, closeActionFor, describeIssues, type AuthExpiryMessage, type RoomErrorMessage, type ServerDrainingMessage } from "../../shared/index.ts";
import type { AuthClient } from "../auth.ts";
import { resolveBackoff, retryDelay, type BackoffOptions, type ResolvedBackoff } from "../backoff.ts";
import { ConnectionStateMachine, type ConnectionState, type StateChange, type StateReason } from "../connection-state.ts";
import { Emitter } from "../emitter.ts";
import { AuthError, HttpError, JoinError, RoomClosedError, RoomMessageError, SdkError, toSdkError } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import { Sleeper, type Platform } from "../platform.ts";
import { joinRoom, type JoinRequest, type SdkColyseusClient } from "./colyseus-adapter.ts";
import type { AnyRoomContract, EventType, EventsOf, MessageType, PayloadOf, StateOf } from "./contract.ts";

/**
 * One logical room connection: a typed wrapper around @colyseus/sdk's Room
 * that survives drops, drains, restarts and token expiry, driven by the
 * close-code table in shared/close-codes.ts.
 *
 * Why @colyseus/sdk's own auto-reconnect is switched off: it only runs for
 * rooms joined at least 5 s earlier, only for close codes 1001/1005/1006/4010,
 * with its own fixed backoff that knows nothing of `Retry-After`, the
 * browser's `online` event, token refresh or the project's codes (4104
 * SLOW_CONSUMER is "reconnect" here, a plain leave there). So behaviour
 * would depend on how long ago the player joined. Instead this class owns
 * recovery, the same way for every room:
 *
 * | close action    | what happens                                                                 |
 * | --------------- | ---------------------------------------------------------------------------- |
 * | `reconnect`     | `POST /matchmake/reconnect` with the reconnection token; seat gone → rejoin |
 * | `rejoin`        | join again through matchmaking (same room id first, then the original join) |
 * | `refresh-token` | `getToken()` (reason "expired"), then rejoin                                 |
 * | `final`         | `closed` with a RoomClosedError; no retry                                     |
 *
 * Every recovery yields a NEW @colyseus/sdk Room with the full state (the
 * server sends it on every join and reconnect). Listeners registered on this
 * connection (`onMessage`, `onStateChange`, `on(...)`) carry over by
 * themselves; schema callbacks bound to a Room (`getStateCallbacks(room)`)
 * belong in `onRoom()`, which runs for the current room and every
 * replacement. Callbacks from a replaced room are ignored (generation check).
 */
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
   * or close (false). @default "room-then-original"
   */
  rejoin?: "room-then-original" | "original" | false;
  /** Check outgoing payloads against the shared schema before sending. @default true */
  validate?: boolean;
  /** `leave()` waits this long for the server's close before closing locally. @default 5000 */
  leaveTimeoutMs?: number;
  /** Overrides the client's backoff for this connection. */
  backoff?: BackoffOptions;
}

export interface RoomRetryEvent {
  /** 1-based count of consecutive failures so far. */
  attempt: number;
  delayMs: number;
  error: SdkError;
}

export type TokenRefreshEvent = { ok: true; expiresAt: number } | { ok: false; error: SdkError };

export interface RoomConnectionEvents {
  /** Every connection-state move: `{from, to, reason, error?, closeCode?}`. */
  state: StateChange;
  /** Before each retry, with the delay chosen (backoff with `Retry-After` as a floor). */
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
}

/** What a room connection needs from its client. */
export interface RoomCore {
  colyseus: SdkColyseusClient;
  http: HttpClient;
  auth: AuthClient;
  platform: Platform;
  backoff?: BackoffOptions;
  onListenerError?: (error: unknown) => void;
}

type Plan = { kind: "reconnect"; roomId: string; secret: string } | { kind: "join"; request: JoinRequest; fallback?: JoinRequest };

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
  readonly #refreshSleeper = new Sleeper();
  readonly #abort = new AbortController();
  readonly #queue: { type: string; payload: unknown }[] = [];
  readonly #ready: Promise<this>;
  readonly #closed: Promise<void>;
  // Typed as the base class (not `this`) so subclasses (the draft's DraftConnection) stay assignable to RoomConnection<C>.
  #resolveReady!: (value: RoomConnection<C>) => void;
  #rejectReady!: (error: SdkError) => void;
  #resolveClosed!: () => void;
  #room?: Room<any, StateOf<C>>;
  #generation = 0;
  #lastRoomId?: string;
  #closeRequested = false;
  #error?: SdkError;
  /** The token this session last presented to the room (join or in-band refresh). */
  #roomToken?: string;
  #pendingRoomToken?: string;
  #refreshing = false;
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
    };
    this.#backoff = resolveBackoff({ ...core.backoff, ...options.backoff });
    this.#machine = new ConnectionStateMachine(core.onListenerError);
    this.#events = new Emitter(core.onListenerError);
    this.#messages = new Emitter(core.onListenerError);
    this.#stateListeners = new Emitter(core.onListenerError);
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

  /** Why the connection closed for good (undefined while it is not closed, or after `leave()`). */
  get error(): SdkError | undefined {
    return this.#error;
  }

  /** Resolves when the connection first opens; rejects with the typed error if it closes before. */
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
   * Sends a typed message. The payload is checked against the shared schema
   * first (a RoomMessageError VALIDATION_FAILED is thrown, nothing is sent).
   * While connecting or reconnecting the message is queued and sent on open.
   * Throws NOT_CONNECTED once the connection is closed.
   */
  send<K extends MessageType<C>>(type: K, payload: PayloadOf<C, K>): void {
    if (this.#machine.state === "closed") throw new SdkError("NOT_CONNECTED", `cannot send "${type}": the room connection is closed`);
    if (this.#options.validate) this.#validate(type, payload);
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

  async #run(): Promise<void> {
    let plan: Plan = this.#initialPlan();
    let failures = 0;
    for (;;) {
      if (this.#closeRequested) {
        return this.#options.signal?.aborted ? this.#finish("aborted", new SdkError("ABORTED", "the connect signal was aborted")) : this.#finish("client-close");
      }
      let room: Room<any, StateOf<C>>;
      try {
        room = await this.#attempt(plan);
      } catch (caught) {
        const error = toSdkError(caught);
        if (this.#closeRequested) continue;
        if (plan.kind === "reconnect" && error instanceof JoinError) {
          // The seat is gone (window expired, room disposed): join again instead.
          const next = this.#rejoinPlan();
          if (!next) return this.#finish("failed", error);
          plan = next;
          continue;
        }
        if (plan.kind === "join" && plan.fallback && error instanceof JoinError && error.code === "NOT_FOUND") {
          plan = { kind: "join", request: plan.fallback };
          continue;
        }
        if (error instanceof AuthError) return this.#finish("unauthorized", error);
        if (!error.retryable) return this.#finish("failed", error);
        failures++;
        if (failures >= this.#options.maxAttempts) {
          return this.#finish("retries-exhausted", new SdkError("RETRIES_EXHAUSTED", `gave up after ${failures} attempts: ${error.message}`, { cause: error }));
        }
        if (this.#machine.state === "connecting") this.#machine.transition("reconnecting", "connect-failed", { error });
        const delayMs = retryDelay(failures - 1, this.#backoff, error instanceof HttpError ? error.retryAfterMs : undefined);
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
      const closed = this.#adopt(room);
      // Open only once the first full state is in, so `connection.state` is
      // usable as soon as a join resolves (Colyseus sends it right after the join).
      await firstState(room, closed);
      // Queued messages go first, before anything a `state` listener sends on open.
      this.#flushQueue(room);
      this.#machine.transition("open", this.#machine.state === "connecting" ? "opened" : "reconnected", { transport: "websocket" });
      this.#resolveReady(this);
      const { code, reason } = await closed;
      if (this.#closeRequested) continue;

      const action = closeActionFor(code);
      if (action === "final") return this.#finish("server-close", new RoomClosedError(code, reason), code);
      if (action === "reconnect") {
        this.#machine.transition("reconnecting", "transport-lost", { closeCode: code });
        const [roomId, secret] = (room.reconnectionToken ?? "").split(":");
        // A network blip: try at once (the seat is waiting); failures back off from there.
        plan = roomId && secret ? { kind: "reconnect", roomId, secret } : (this.#rejoinPlan() ?? plan);
        continue;
      }
      const next = this.#rejoinPlan();
      if (!next) return this.#finish("server-close", new RoomClosedError(code, reason), code);
      plan = next;
      if (action === "refresh-token") {
        this.#machine.transition("reconnecting", "token-expired", { closeCode: code });
        try {
          await this.#core.auth.getToken({ reason: "expired", token: this.#roomToken });
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

  #initialPlan(): Plan {
    if (this.#initial.method === "reconnect") {
      return { kind: "reconnect", roomId: this.#initial.target, secret: this.#initial.reconnectionToken ?? "" };
    }
    return { kind: "join", request: this.#initial };
  }

  #rejoinPlan(): Plan | undefined {
    const strategy = this.#options.rejoin;
    if (strategy === false) return undefined;
    // A resumed session or a handed-over seat has no matchmaking query of its own: its room is the target.
    const original: JoinRequest =
      this.#initial.method === "reconnect" || this.#initial.method === "seat"
        ? { method: "joinById", target: this.#initial.target, options: this.#initial.options ?? {} }
        : this.#initial;
    if (strategy === "room-then-original" && this.#lastRoomId && original.method !== "joinById") {
      return { kind: "join", request: { method: "joinById", target: this.#lastRoomId, options: original.options }, fallback: original };
    }
    if (original.method === "joinById" && this.#lastRoomId) return { kind: "join", request: { ...original, target: this.#lastRoomId } };
    return { kind: "join", request: original };
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
    if (plan.kind === "join") this.#roomToken = this.#core.auth.token;
    return room;
  }

  /** Wires a freshly joined room; returns a promise of its close. */
  #adopt(room: Room<any, StateOf<C>>): Promise<{ code: number; reason?: string }> {
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    this.#refreshSleeper.cancel(); // a refresh loop for the previous room has nothing left to do
    this.#room = room;
    this.#lastRoomId = room.roomId;
    room.onMessage("*", (type: string | number, payload: unknown) => {
      if (current()) this.#dispatch(String(type), payload);
    });
    room.onStateChange((state: StateOf<C>) => {
      if (current()) this.#stateListeners.emit("change", state);
    });
    const closed = new Promise<{ code: number; reason?: string }>((resolve) => {
      room.onLeave((code: number, reason?: string) => resolve({ code, reason }));
    });
    this.#stateListeners.emit("room", room);
    return closed;
  }

  #dispatch(type: string, payload: unknown): void {
    switch (type) {
      case ServerMessage.ERROR: {
        const body = (payload ?? {}) as RoomErrorMessage;
        const error = new RoomMessageError(body.code, body.message, { type: body.type, details: body.details });
        if (body.type === "auth.refresh") {
          this.#pendingRoomToken = undefined;
          this.#events.emit("token", { ok: false, error });
        }
        this.#events.emit("error", error);
        return;
      }
      case ServerMessage.AUTH_EXPIRING:
        void this.#refreshInBand((payload as AuthExpiryMessage).expiresAt);
        return;
      case ServerMessage.AUTH_REFRESHED:
        if (this.#pendingRoomToken) this.#roomToken = this.#pendingRoomToken;
        this.#pendingRoomToken = undefined;
        this.#events.emit("token", { ok: true, expiresAt: (payload as AuthExpiryMessage).expiresAt });
        return;
      case ServerMessage.DRAINING:
        this.#events.emit("draining", payload as ServerDrainingMessage);
        return;
      default:
        this.#messages.emit(type, payload);
    }
  }

  /**
   * `auth.expiring` → a new token from the client's token source →
   * `auth.refresh`. When no newer token comes back (a provider that lags, or
   * a refresh in the same second as the last one, which yields the same JWT)
   * it tries again with backoff until the token would expire; after that the
   * room closes with 4101 and the refresh-token path takes over.
   */
  async #refreshInBand(expiresAt: number): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    const generation = this.#generation;
    const stale = () => generation !== this.#generation || this.#machine.state !== "open" || !this.#room;
    try {
      for (let attempt = 0; ; attempt++) {
        let token: string | undefined;
        let error: SdkError | undefined;
        try {
          token = await this.#core.auth.getToken({ reason: "expiring", token: this.#roomToken, expiresAt });
        } catch (caught) {
          error = toSdkError(caught);
        }
        if (stale()) return;
        if (token && token !== this.#roomToken) {
          this.#pendingRoomToken = token;
          this.#room!.send("auth.refresh", { token });
          return;
        }
        // Sending the same token again would only earn another auth.expiring.
        error ??= new AuthError("TOKEN_EXPIRED", "no newer token is available for the in-band refresh");
        const delayMs = retryDelay(attempt, this.#backoff);
        const refused = error instanceof AuthError && token === undefined; // the refresh itself was refused (401)
        if (refused || Date.now() + delayMs >= expiresAt * 1000) {
          this.#events.emit("token", { ok: false, error });
          return;
        }
        if ((await this.#refreshSleeper.sleep(delayMs)) === "cancelled" || stale()) return;
      }
    } finally {
      this.#refreshing = false;
    }
  }

  #validate(type: string, payload: unknown): void {
    const schema = this.contract.messages[type];
    if (!schema) throw new RoomMessageError("UNKNOWN_MESSAGE", `room "${this.contract.name}" has no message "${type}"`, { type, local: true });
    const result = schema.safeParse(payload);
    if (!result.success) {
      const issues = describeIssues(result.error);
      throw new RoomMessageError("VALIDATION_FAILED", `Invalid ${type}: ${issues[0]?.path}: ${issues[0]?.message}`, { type, details: { issues }, local: true });
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
    this.#refreshSleeper.cancel();
    clearTimeout(this.#leaveTimer);
    this.#removeOnline?.();
    this.#removeAbort?.();
    this.#queue.length = 0;
    this.#machine.transition("closed", reason, { error, closeCode });
    this.#rejectReady(error ?? new SdkError(reason === "aborted" ? "ABORTED" : "NOT_CONNECTED", `the room connection closed before it opened (${reason})`));
    this.#resolveClosed();
  }
}

/** How long a joined room may take to send its first state before the connection opens anyway. */
const FIRST_STATE_TIMEOUT_MS = 3000;

function firstState(room: Room<any, any>, closed: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, FIRST_STATE_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    room.onStateChange.once(done);
    void closed.then(done);
  });
}
