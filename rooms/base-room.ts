import { ErrorCode as ColyseusErrorCode, Room, type Client } from "@colyseus/core";
import type { z } from "zod";
import {
  AppError,
  CloseCodes,
  CommonClientMessages,
  ServerMessage,
  closeActionFor,
  describeIssues,
  type ErrorCode,
  type MessageSchemas,
  type RoomErrorMessage,
  type SeatMessage,
  type ServerDrainingMessage,
  type TokenClaims,
} from "../shared/index.ts";
import { ClientSessions } from "./client-sessions.ts";
import { refusal } from "./refusal.ts";
import type { RoomDeps } from "./room-deps.ts";
import { socketGuard } from "./socket-guard.ts";

/** Default for `RoomDeps.maxBufferedBytes` (WS_MAX_BUFFERED_BYTES). */
export const DEFAULT_WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** How often the base room looks at each client's send backlog. */
export const SLOW_CONSUMER_CHECK_MS = 250;
/**
 * After closing a slow consumer with 4104, how long its socket may take to
 * flush the close frame before it is destroyed: a client that is only slow
 * still learns the code; one that stopped reading stops costing memory.
 */
export const SLOW_CONSUMER_CLOSE_GRACE_MS = 2000;

/** The part of the server-side `ws` socket the backlog check reads. */
interface BufferedSocket {
  bufferedAmount?: number;
  readyState?: number;
  terminate?: () => void;
}

/**
 * What every project room shares, so game, team and draft rooms
 * stay thin:
 * - messages are declared once in shared/ (type → zod schema) and handled
 *   with `handle()`: a payload that fails its schema gets an `error` message
 *   and changes nothing (Colyseus's own schema option would close the client);
 *   a handler that throws `AppError` answers with its code; anything else is
 *   logged and answered INTERNAL, and the room keeps running;
 * - unknown message types get `UNKNOWN_MESSAGE`;
 * - every inbound frame costs budget (rooms/socket-guard.ts, installed by the
 *   transport): a flood closes with 4103 RATE_LIMITED and holds no seat;
 * - a seat is taken only with its player's token: the WebSocket must carry a
 *   valid token of the player the seat was reserved for (else the join fails:
 *   `error` 525 `UNAUTHORIZED: …`/`FORBIDDEN: …`, then close 4002);
 * - slow consumers: a client whose send backlog (ws `bufferedAmount`) passes
 *   `maxBufferedBytes` is closed with 4104 SLOW_CONSUMER, so a reader that
 *   stalls cannot grow the server's memory while the room keeps broadcasting;
 * - in-band token refresh: `auth.expiring` before expiry, `auth.refresh`
 *   accepted for the same player, 4101 AUTH_EXPIRED when not refreshed,
 *   4102 AUTH_REVOKED for a token of another player or a forged one;
 * - reconnection: a client dropped with a reconnectable code keeps its seat
 *   for `reconnectionSeconds(client)`, which a client may ask (`seat`: the
 *   SDK does after each join and reconnect; nothing is sent unasked, so a
 *   stock client sees no message it did not register).
 *
 * Subclasses implement `playerJoined` / `playerDropped` / `playerReconnected`
 * / `playerLeft` instead of the Colyseus hooks, which the base owns.
 */
export abstract class ProjectRoom<S extends object, M extends MessageSchemas> extends Room<{ state: S }> {
  protected abstract readonly deps: RoomDeps;
  protected abstract readonly messageSchemas: M;
  #clientSessions?: ClientSessions;

  /** Created on first use: `deps` is a subclass field, set after this class's own fields. */
  get #sessions(): ClientSessions {
    return (this.#clientSessions ??= new ClientSessions({
      schedule: (fn, ms) => this.clock.setTimeout(fn, ms),
      authRefreshLeadSeconds: this.deps.authRefreshLeadSeconds,
      sendError: (client, code, message, extra) => this.sendError(client, code, message, extra),
    }));
  }

  protected handle<K extends keyof M & string>(type: K, handler: (client: Client, payload: z.output<M[K]>) => void | Promise<void>): void {
    const schema = this.messageSchemas[type];
    // Hot path (game inputs arrive at 20 Hz per player): no closure per message.
    this.onMessage(type, (client: Client, raw: unknown) => {
      if (!this.#admit(client)) return;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        const issues = describeIssues(parsed.error);
        this.sendError(client, "VALIDATION_FAILED", `Invalid ${type}: ${issues[0]?.path}: ${issues[0]?.message}`, { type, details: { issues } });
        return;
      }
      this.#run(client, type, handler, parsed.data as z.output<M[K]>);
    });
  }

  /** Sends the standard `error` message. */
  protected sendError(client: Client, code: ErrorCode, message: string, extra: { type?: string; details?: unknown } = {}): void {
    client.send(ServerMessage.ERROR, { code, message, ...extra } satisfies RoomErrorMessage);
  }

  /** The verified identity of a seated client. */
  protected claimsOf(client: Client): TokenClaims {
    return (this.#sessions.get(client.sessionId)?.claims ?? client.auth) as TokenClaims;
  }

  /**
   * Whether the room should keep running while its process drains, up to
   * `shutdownGraceMs` (e.g. a match that can finish inside the window, so
   * its result is recorded). Default: no — the room closes at once with
   * 4106 DRAINING and clients rejoin on another process.
   */
  protected keepRunningWhileDraining(_graceMs: number): boolean {
    return false;
  }

  /**
   * Colyseus calls this on every room when the matchmaker shuts down (the
   * room is already locked). Its default closes everyone at once with 4001;
   * project rooms close with 4106 DRAINING instead, or — when
   * `keepRunningWhileDraining` says so — tell their clients with
   * `server.draining` and close by the end of the grace window.
   * server/create-server.ts also closes whatever is left after the window.
   */
  override onBeforeShutdown(): void {
    const graceMs = this.deps.shutdownGraceMs;
    const closeCode = CloseCodes.DRAINING.code;
    const close = () => void this.disconnect(closeCode).catch(() => undefined);
    if (this.clients.length === 0 || !this.keepRunningWhileDraining(graceMs)) return close();
    this.deps.logger.info({ roomId: this.roomId, graceMs }, "draining: the room keeps running inside the grace window");
    this.broadcast(ServerMessage.DRAINING, { closesAt: Date.now() + graceMs, closeCode } satisfies ServerDrainingMessage);
    this.clock.setTimeout(close, graceMs);
  }

  /** Seconds a dropped client keeps its seat (0: none). Override per client kind (e.g. spectators). */
  protected reconnectionSeconds(_client: Client): number {
    return this.deps.reconnectWindowSeconds;
  }

  protected playerJoined?(client: Client, options: unknown): void | Promise<void>;
  protected playerDropped?(client: Client, code: number | undefined): void | Promise<void>;
  protected playerReconnected?(client: Client): void | Promise<void>;
  protected playerLeft?(client: Client, code: number | undefined): void | Promise<void>;

  /** Subclasses call this at the end of their onCreate. */
  protected setupProjectRoom(): void {
    this.clock.setInterval(() => this.#dropSlowConsumers(), SLOW_CONSUMER_CHECK_MS);
    // Colyseus calls this with (client, type, payload) for a type nobody handles, but with
    // (client, payload) for a message whose type is literally "*": the second argument is then
    // whatever the client sent, and must not be converted blindly (an object whose `toString`
    // is not a function throws, which killed the process).
    this.onMessage("*", (client: Client, type: unknown) => {
      if (!this.#admit(client)) return;
      const name = typeof type === "string" || typeof type === "number" ? String(type).slice(0, 64) : "*";
      this.sendError(client, "UNKNOWN_MESSAGE", `This room does not handle "${name}"`, { type: name });
    });
    this.onMessage("seat", (client: Client, raw: unknown) => {
      if (!this.#admit(client)) return;
      if (!CommonClientMessages.seat.safeParse(raw ?? {}).success) return this.sendError(client, "VALIDATION_FAILED", "seat takes {}", { type: "seat" });
      this.#tellSeat(client);
    });
    this.onMessage("auth.refresh", (client: Client, raw: unknown) => {
      if (!this.#admit(client)) return;
      const parsed = CommonClientMessages["auth.refresh"].safeParse(raw);
      if (!parsed.success) return this.sendError(client, "VALIDATION_FAILED", "auth.refresh needs { token }", { type: "auth.refresh" });
      this.#run(client, "auth.refresh", (c: Client, token: string) => this.#sessions.refresh(c, token, this.deps.tokens), parsed.data.token);
    });
  }

  override async onJoin(client: Client, options: unknown): Promise<void> {
    const claims = this.#seatOwner(client);
    this.#sessions.start(client, claims);
    this.#watchProtocolErrors(client);
    await this.playerJoined?.(client, options);
  }

  /** Answers `seat`: how long the client's seat is held after a drop, so it can time its reconnect attempts. */
  #tellSeat(client: Client): void {
    const seconds = this.reconnectionSeconds(client);
    client.send(ServerMessage.SEAT, { reconnectSeconds: Number.isFinite(seconds) ? Math.max(0, seconds) : null } satisfies SeatMessage);
  }

  override async onDrop(client: Client, code?: number): Promise<void> {
    const seconds = this.reconnectionSeconds(client);
    const session = this.#sessions.get(client.sessionId);
    // The server's own decision (a flood, a revoked token) counts, not the code the peer echoed or the 1006 of a peer that never did.
    const decided = session?.closedWith ?? socketGuard(client.ref)?.closedWith ?? code;
    if (decided === undefined || closeActionFor(decided) !== "reconnect" || seconds <= 0 || session?.protocolError) {
      // Not a network drop (rate limit, auth, validation): the seat is not held;
      // Colyseus calls onLeave right after onDrop returns.
      return;
    }
    this.#sessions.clearAuthTimers(client.sessionId);
    await this.playerDropped?.(client, code);
    try {
      await this.allowReconnection(client, seconds);
    } catch {
      // Window expired: Colyseus calls onLeave next.
    }
  }

  override async onReconnect(client: Client): Promise<void> {
    // A client closed with a reconnectable code (4104) may come back: listen to it again.
    if (this.#sessions.resume(client)) this.#watchProtocolErrors(client);
    await this.playerReconnected?.(client);
  }

  override async onLeave(client: Client, code?: number): Promise<void> {
    if (!this.#sessions.has(client.sessionId)) return; // already handled
    this.#sessions.end(client.sessionId);
    await this.playerLeft?.(client, code);
  }

  /**
   * The seat's owner: the seat was reserved (matchmake HTTP call, or a
   * matchmaker) for the player of `client.auth`, and the transport let this
   * WebSocket through only with a valid token of that same player
   * (rooms/seat-check.ts). Checked again here, so a join that the transport
   * could not check (Colyseus's internals moved) fails closed. The session
   * runs on the socket's token (it may be fresher than the reservation's).
   */
  #seatOwner(client: Client): TokenClaims {
    const reserved = client.auth as TokenClaims;
    const verified = socketGuard(client.ref)?.claims;
    if (!verified || verified.playerId !== reserved.playerId) {
      throw refusal("FORBIDDEN", "This seat is taken only with its player's token", ColyseusErrorCode.AUTH_FAILED);
    }
    return verified;
  }

  /** Whether a message of this client is handled (its frame was paid for by the socket guard). */
  #admit(client: Client): boolean {
    const session = this.#sessions.get(client.sessionId);
    return session !== undefined && !session.closing && socketGuard(client.ref)?.closedWith === undefined;
  }

  #watchProtocolErrors(client: Client): void {
    // `ws` emits "error" only when the peer broke the protocol; Colyseus's transport already logs it.
    const socket = (client as { ref?: { once?: (event: "error", listener: () => void) => void } }).ref;
    socket?.once?.("error", () => {
      const session = this.#sessions.get(client.sessionId);
      if (session) session.protocolError = true;
    });
  }

  /** Closes every client whose unsent backlog passed the limit (4104, reconnectable). */
  #dropSlowConsumers(): void {
    const limit = this.deps.maxBufferedBytes ?? DEFAULT_WS_MAX_BUFFERED_BYTES;
    for (const client of this.clients) {
      const socket = (client as { ref?: BufferedSocket }).ref;
      const buffered = socket?.bufferedAmount ?? 0;
      if (buffered <= limit) continue;
      const session = this.#sessions.get(client.sessionId);
      if (session?.closing) continue;
      this.deps.logger.warn({ roomId: this.roomId, sessionId: client.sessionId, buffered, limit }, "slow consumer: send backlog over the limit; closing");
      if (session) this.#sessions.close(client, session, CloseCodes.SLOW_CONSUMER.code, "send backlog over the limit");
      else client.leave(CloseCodes.SLOW_CONSUMER.code, "send backlog over the limit");
      // The close frame waits behind the backlog; a reader that stopped never
      // gets it, so its socket (and the backlog) is destroyed after a grace.
      setTimeout(() => {
        if (socket && socket.readyState !== 3 /* CLOSED */) socket.terminate?.();
      }, SLOW_CONSUMER_CLOSE_GRACE_MS).unref();
    }
  }

  /** Runs a handler: AppError → its code to the client; anything else is logged and answered INTERNAL. */
  #run<P>(client: Client, type: string, handler: (client: Client, payload: P) => void | Promise<void>, payload: P): void {
    try {
      const result = handler(client, payload);
      if (result instanceof Promise) result.catch((error: unknown) => this.#fail(client, type, error));
    } catch (error) {
      this.#fail(client, type, error);
    }
  }

  #fail(client: Client, type: string, error: unknown): void {
    if (error instanceof AppError) return this.sendError(client, error.code, error.message, { type, details: error.details });
    this.deps.logger.error({ err: error, roomId: this.roomId, type }, "room message handler failed");
    this.sendError(client, "INTERNAL", "Internal error", { type });
  }
}
