import type { Room } from "@colyseus/sdk";
import { closeActionFor } from "../../shared/close-codes.ts";
import { retryDelay } from "../backoff.ts";
import type { StateReason } from "../connection-state.ts";
import { AuthError, JoinError, RoomClosedError, SdkError, toSdkError } from "../errors.ts";
import type { ReconnectLoop, TransportLease, Turn } from "../reconnect-loop.ts";
import type { JoinRequest } from "./join-room.ts";
import type { RoomClose } from "./room-wiring.ts";
import type { RoomConnectOptions } from "./room-types.ts";
import type { Seat } from "./seat-window.ts";

/** The next thing a room connection tries: a `reconnect` to its seat, or a join (with a fallback join if that room is gone). */
export type Plan = { kind: "reconnect"; roomId: string; secret: string } | { kind: "join"; request: JoinRequest; fallback?: JoinRequest };

export function initialPlan(initial: JoinRequest): Plan {
  if (initial.method === "reconnect") return { kind: "reconnect", roomId: initial.target, secret: initial.reconnectionToken ?? "" };
  return { kind: "join", request: initial };
}

/**
 * How to get back in once the seat is gone, per the connection's `rejoin`
 * option: the same room by id, then the original join ("room-then-original");
 * the original join only ("original"); or nothing (false).
 */
export function rejoinPlan(strategy: RoomConnectOptions["rejoin"], initial: JoinRequest, lastRoomId: string | undefined): Plan | undefined {
  if (strategy === false) return undefined;
  // A resumed session or a handed-over seat has no matchmaking query of its own: its room is the target.
  const original: JoinRequest =
    initial.method === "reconnect" || initial.method === "seat" ? { method: "joinById", target: initial.target, options: initial.options ?? {} } : initial;
  if (strategy === "room-then-original" && lastRoomId && original.method !== "joinById") {
    return { kind: "join", request: { method: "joinById", target: lastRoomId, options: original.options }, fallback: original };
  }
  if (original.method === "joinById" && lastRoomId) return { kind: "join", request: { ...original, target: lastRoomId } };
  return { kind: "join", request: original };
}

/** What recovery needs from its room connection. */
export interface RecoveryHost<S> {
  readonly loop: ReconnectLoop;
  readonly seat: Seat;
  readonly rejoin: RoomConnectOptions["rejoin"];
  /** `leave()` (or the connect signal) asked to close. */
  readonly closeRequested: boolean;
  /** The connect signal fired. */
  readonly aborted: boolean;
  /** Joins as `plan` says, on `lease`'s signal. */
  join(plan: Plan, lease: TransportLease): Promise<Room<any, S>>;
  /** Wires the joined room and opens the connection; resolves when the room's socket closes. */
  serve(room: Room<any, S>, lease: TransportLease, plan: Plan): Promise<RoomClose>;
  /** The room token expired (4101): a new one (undefined), or the AuthError to close with. */
  renewToken(closeCode: number): Promise<AuthError | undefined>;
}

const AGAIN: Turn = { next: "again" };
const close = (reason: StateReason, error?: SdkError, closeCode?: number): Turn => ({ next: "close", reason, error, closeCode });

/**
 * A room connection's turn of the reconnect loop (reconnect-loop.ts): one
 * join or reconnect, the room served until its socket closes, and what the
 * close code's action says next (shared/close-codes.ts):
 *
 * | close action    | what happens                                                                         |
 * | --------------- | ------------------------------------------------------------------------------------ |
 * | `reconnect`     | `POST /matchmake/reconnect` with the reconnection token, timed to land inside the    |
 * |                 | seat's window (seat-window.ts); window passed or refused → seat `lost` → rejoin      |
 * | `rejoin`        | join again through matchmaking (same room id first, then the original join)         |
 * | `refresh-token` | a new token (reason "expired"), then rejoin                                          |
 * | `final`         | `closed` with a RoomClosedError; no retry                                             |
 */
export class RoomRecovery<S> {
  readonly #host: RecoveryHost<S>;
  readonly #initial: JoinRequest;
  #plan: Plan;
  #seatWasLost = false;
  #lastRoomId?: string;

  constructor(host: RecoveryHost<S>, initial: JoinRequest) {
    this.#host = host;
    this.#initial = initial;
    this.#plan = initialPlan(initial);
  }

  async turn(): Promise<Turn> {
    const host = this.#host;
    if (host.closeRequested) return host.aborted ? close("aborted", new SdkError("ABORTED", "the connect signal was aborted")) : close("client-close");
    if (this.#plan.kind === "reconnect" && host.seat.window.expired(Date.now())) return this.#seatLost(new SdkError("TIMEOUT", "its reconnection window passed"));
    const lease = host.loop.begin();
    let room: Room<any, S>;
    try {
      room = await host.join(this.#plan, lease);
    } catch (caught) {
      return this.#joinFailed(toSdkError(caught));
    }
    if (host.closeRequested) {
      // leave() raced the join: do not open a connection nobody wants.
      await room.leave(true).catch(() => undefined);
      return AGAIN;
    }
    this.#seatWasLost = false;
    this.#lastRoomId = room.roomId;
    const { code, reason } = await host.serve(room, lease, this.#plan);
    if (host.closeRequested) return AGAIN;
    return this.#afterClose(room, code, reason);
  }

  #rejoinPlan(): Plan | undefined {
    return rejoinPlan(this.#host.rejoin, this.#initial, this.#lastRoomId);
  }

  /** The seat is gone: the next plan is a join, or (none allowed) the close with `seat-lost`. */
  #seatLost(error: SdkError, onNoRejoin?: Turn): Turn {
    this.#host.seat.lose();
    const next = this.#rejoinPlan();
    if (!next) return onNoRejoin ?? close("seat-lost", new SdkError("SEAT_LOST", `the seat in room ${this.#lastRoomId} is gone: ${error.message}`, { cause: error }));
    this.#plan = next;
    this.#seatWasLost = true;
    return AGAIN;
  }

  #joinFailed(error: SdkError): Turn {
    if (this.#host.closeRequested) return AGAIN;
    const plan = this.#plan;
    if (plan.kind === "reconnect" && error instanceof JoinError) {
      // The room refused the seat (window expired, room disposed): join again instead.
      return this.#seatLost(error, error.code === "NOT_FOUND" ? close("failed", error) : undefined);
    }
    if (plan.kind === "join" && plan.fallback && error instanceof JoinError && error.code === "NOT_FOUND") {
      this.#plan = { kind: "join", request: plan.fallback };
      return AGAIN;
    }
    // After a lost seat, a rejoin the room refuses (a match that started, a full team) ends it: the seat is gone
    // for good. A room that is gone altogether (its process died: NOT_FOUND) is a plain failure.
    if (!(error instanceof AuthError) && !error.retryable) return close(this.#seatWasLost && error.code !== "NOT_FOUND" ? "seat-lost" : "failed", error);
    const seat = this.#host.seat;
    const fit = plan.kind === "reconnect" ? (delayMs: number) => seat.window.reconnectDelay(delayMs, Date.now()) : undefined;
    return { next: "retry", error, fit };
  }

  async #afterClose(room: Room<any, S>, code: number, reason: string | undefined): Promise<Turn> {
    const { loop, seat } = this.#host;
    const action = closeActionFor(code);
    if (action === "final") return close("server-close", new RoomClosedError(code, reason), code);
    if (action === "reconnect") {
      seat.dropped(Date.now());
      loop.lost("transport-lost", { closeCode: code });
      const [roomId, secret] = (room.reconnectionToken ?? "").split(":");
      // A network blip: try at once (the seat is waiting); failures back off from there, inside the window.
      this.#plan = roomId && secret ? { kind: "reconnect", roomId, secret } : (this.#rejoinPlan() ?? this.#plan);
      return AGAIN;
    }
    seat.lose();
    const next = this.#rejoinPlan();
    if (!next) return close("server-close", new RoomClosedError(code, reason), code);
    this.#plan = next;
    if (action === "refresh-token") {
      loop.lost("token-expired", { closeCode: code });
      const denied = await this.#host.renewToken(code);
      return denied ? close("unauthorized", denied, code) : AGAIN;
    }
    loop.lost("server-rejoin", { closeCode: code });
    // Everyone on a draining process gets this at once: spread the herd before the first try.
    return { next: "pause", ms: retryDelay(0, loop.backoff) };
  }
}
