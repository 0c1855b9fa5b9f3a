import type { Room } from "@colyseus/sdk";
import type { JoinRequest } from "./colyseus-adapter.ts";
import type { RoomConnectOptions } from "./room-types.ts";

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

/**
 * Waits for a joined room's state to show this client (`joined`, the
 * contract's check; without one, the first full state is enough). Colyseus
 * sends the full state right after the join, but a room may add the player to
 * its synchronised state only at its next patch (the game room projects its
 * simulation once per patch). Resolves true when shown, false after
 * `timeoutMs` or when the room closes first.
 */
export function untilJoinedState<S>(room: Room<any, S>, joined: ((state: S) => boolean) | undefined, closed: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  // A room without state (Colyseus's "none" serializer, e.g. the lobby) sends none: nothing to wait for.
  if (room.serializerId === "none") return Promise.resolve(true);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (shown: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Removed after the current dispatch: @colyseus/sdk's signal removal reorders its handler list.
      queueMicrotask(() => room.onStateChange.remove(onState));
      resolve(shown);
    };
    const onState = (state: S) => {
      if (!joined || joined(state)) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    room.onStateChange(onState);
    void closed.then(() => finish(false));
  });
}
