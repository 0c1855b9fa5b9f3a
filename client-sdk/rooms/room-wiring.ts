import type { Room } from "@colyseus/sdk";
import { CommonClientMessage, ServerMessage, type AuthExpiryMessage, type RoomErrorMessage, type SeatMessage, type ServerDrainingMessage } from "../../shared/room-protocol.ts";
import type { Emitter } from "../emitter.ts";
import { RoomMessageError } from "../errors.ts";
import type { TransportLease } from "../reconnect-loop.ts";
import type { RoomToken } from "./room-token.ts";
import type { RoomConnectionEvents } from "./room-types.ts";
import type { Seat } from "./seat-window.ts";

/** How a room's socket closed (Colyseus's `onLeave`). */
export interface RoomClose {
  code: number;
  reason?: string;
}

/** What a room connection's listeners are fed from its current room. */
export interface RoomStateEvents<S> {
  change: S;
  room: Room<any, S>;
}

/** Where a joined room's traffic goes (its RoomConnection's emitters and collaborators). */
export interface RoomWiring<S> {
  readonly events: Emitter<RoomConnectionEvents>;
  /** The room's own server → client messages, by type. */
  readonly messages: Emitter<Record<string, unknown>>;
  readonly states: Emitter<RoomStateEvents<S>>;
  readonly token: RoomToken;
  readonly seat: Seat;
  /** Whether the connection is open (an in-band token refresh goes out only then). */
  isOpen(): boolean;
}

/**
 * Wires a freshly joined room into its connection and returns a promise of
 * its close. Every recovery yields a new @colyseus/sdk Room; the callbacks of
 * one that is no longer `lease`'s current transport (replaced, or the
 * connection closed) do nothing. The project's common messages
 * (shared/room-protocol.ts) are handled here; the room's own go to
 * `messages`. A room that answers `seat` (the contract says so) is asked how
 * long it holds the seat after a drop.
 */
export function wireRoom<S>(room: Room<any, S>, lease: TransportLease, wiring: RoomWiring<S>, askSeat: boolean): Promise<RoomClose> {
  wiring.token.cancel(); // a refresh loop for the previous room has nothing left to do
  room.onMessage("*", (type: string | number, payload: unknown) => {
    if (lease.current) dispatch(String(type), payload, room, lease, wiring);
  });
  room.onStateChange((state: S) => {
    if (lease.current) wiring.states.emit("change", state);
  });
  const closed = new Promise<RoomClose>((resolve) => {
    room.onLeave((code: number, reason?: string) => resolve({ code, reason }));
  });
  if (askSeat) room.send(CommonClientMessage.SEAT, {});
  wiring.states.emit("room", room);
  return closed;
}

function dispatch<S>(type: string, payload: unknown, room: Room<any, S>, lease: TransportLease, wiring: RoomWiring<S>): void {
  switch (type) {
    case ServerMessage.ERROR: {
      const body = (payload ?? {}) as RoomErrorMessage;
      const error = new RoomMessageError(body.code, body.message, { type: body.type, details: body.details });
      if (body.type === CommonClientMessage.AUTH_REFRESH) wiring.token.refused(error);
      wiring.events.emit("error", error);
      return;
    }
    case ServerMessage.AUTH_EXPIRING: {
      const stale = () => !lease.current || !wiring.isOpen();
      const send = (token: string) => room.send(CommonClientMessage.AUTH_REFRESH, { token });
      void wiring.token.refresh((payload as AuthExpiryMessage).expiresAt, send, stale);
      return;
    }
    case ServerMessage.AUTH_REFRESHED:
      wiring.token.accepted((payload as AuthExpiryMessage).expiresAt);
      return;
    case ServerMessage.DRAINING:
      wiring.events.emit("draining", payload as ServerDrainingMessage);
      return;
    case ServerMessage.SEAT:
      wiring.seat.window.told(payload as SeatMessage);
      return;
    default:
      wiring.messages.emit(type, payload);
  }
}

/**
 * Waits for a joined room's state to show this client (`joined`, the
 * contract's check; without one, the first full state is enough). Colyseus
 * sends the full state right after the join, but a room may add the player to
 * its synchronised state only at its next patch (the game room projects its
 * simulation once per patch). Resolves true when shown, false after
 * `timeoutMs`, when the room closes first or when `signal` fires (the app
 * asked to leave).
 */
export function untilJoinedState<S>(
  room: Room<any, S>,
  joined: ((state: S) => boolean) | undefined,
  until: { closed: Promise<unknown>; signal: AbortSignal; timeoutMs: number },
): Promise<boolean> {
  // A room without state (Colyseus's "none" serializer, e.g. the lobby) sends none: nothing to wait for.
  if (room.serializerId === "none") return Promise.resolve(true);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (shown: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      until.signal.removeEventListener("abort", onAbort);
      // Removed after the current dispatch: @colyseus/sdk's signal removal reorders its handler list.
      queueMicrotask(() => room.onStateChange.remove(onState));
      resolve(shown);
    };
    const onState = (state: S) => {
      if (!joined || joined(state)) finish(true);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), until.timeoutMs);
    room.onStateChange(onState);
    until.signal.addEventListener("abort", onAbort, { once: true });
    if (until.signal.aborted) finish(false);
    void until.closed.then(() => finish(false));
  });
}
