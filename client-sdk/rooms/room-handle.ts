import type { SeatReservation } from "@colyseus/sdk";
import type { JoinRequest, MatchmakeMethod } from "./join-room.ts";
import type { AnyRoomContract, JoinOptionsOf } from "../../shared/rooms/define.ts";
import { RoomConnection, type RoomConnectOptions, type RoomCore } from "./room-connection.ts";

/**
 * The typed entry point for one room type (`client.rooms.game`, ...). Every
 * join returns a {@link RoomConnection} that keeps itself connected; the
 * promise-returning methods resolve once it is open and reject with the
 * typed error if it closes first. Room-specific handles (team: `joinByCode`,
 * `onMatchFound`) extend this class.
 */
export class RoomHandle<C extends AnyRoomContract> {
  readonly contract: C;
  protected readonly core: RoomCore;

  constructor(core: RoomCore, contract: C) {
    this.core = core;
    this.contract = contract;
  }

  get name(): C["name"] {
    return this.contract.name;
  }

  /**
   * Builds (does not start) the connection object of every join below.
   * Room-specific handles override it to return their own RoomConnection
   * subclass (draft: queue and pick helpers) or to wire listeners (team:
   * `onMatchFound`).
   */
  protected open(request: JoinRequest, control?: RoomConnectOptions): RoomConnection<C> {
    return new RoomConnection(this.core, this.contract, request, control);
  }

  /** Starts a connection without waiting for it (watch `on("state")`, await `ready()`). */
  connect(method: Extract<MatchmakeMethod, "joinOrCreate" | "create" | "join">, options?: JoinOptionsOf<C>, control?: RoomConnectOptions): RoomConnection<C> {
    return this.open({ method, target: this.contract.name, options: options ?? {} }, control).start();
  }

  joinOrCreate(options?: JoinOptionsOf<C>, control?: RoomConnectOptions): Promise<RoomConnection<C>> {
    return this.connect("joinOrCreate", options, control).ready();
  }

  create(options?: JoinOptionsOf<C>, control?: RoomConnectOptions): Promise<RoomConnection<C>> {
    return this.connect("create", options, control).ready();
  }

  join(options?: JoinOptionsOf<C>, control?: RoomConnectOptions): Promise<RoomConnection<C>> {
    return this.connect("join", options, control).ready();
  }

  joinById(roomId: string, options?: JoinOptionsOf<C>, control?: RoomConnectOptions): Promise<RoomConnection<C>> {
    return this.open({ method: "joinById", target: roomId, options: options ?? {} }, control).start().ready();
  }

  /**
   * Takes a seat the server reserved for this player (Colyseus's seat
   * reservation, e.g. handed over by a team room's matchmaker). After a
   * drop it recovers like any other connection; its rejoin target is the
   * reserved room, joined with `options`.
   */
  consumeSeatReservation(reservation: SeatReservation, options?: JoinOptionsOf<C>, control?: RoomConnectOptions): Promise<RoomConnection<C>> {
    return this.open({ method: "seat", target: reservation.roomId, reservation, options: options ?? {} }, control).start().ready();
  }

  /**
   * Resumes a session from a saved `connection.reconnectionToken` (e.g. after
   * a page reload, within the room's reconnection window).
   */
  reconnect(reconnectionToken: string, control?: RoomConnectOptions): Promise<RoomConnection<C>> {
    const [roomId, secret] = reconnectionToken.split(":");
    if (!roomId || !secret) return Promise.reject(new TypeError("client-sdk: a reconnection token looks like `roomId:secret`"));
    return this.open({ method: "reconnect", target: roomId, reconnectionToken: secret }, control).start().ready();
  }
}
