import type { MessagePayload, MessageSchemas } from "../../shared/room-protocol.ts";

/**
 * A room's contract as the SDK sees it, built from shared/: its name, the
 * schema class of its state, the types of its client → server messages (the
 * zod map `MessageSchemas` the room validates with; the map itself only when
 * the contract carries it, see `messages`) and of its server → client
 * messages. Every typed room handle is one of these.
 */
export interface RoomContract<
  Name extends string = string,
  State = unknown,
  Messages extends MessageSchemas = MessageSchemas,
  Events extends object = Record<string, unknown>,
  JoinOptions = Record<string, unknown>,
> {
  readonly name: Name;
  /** The shared schema class; gives `instanceof` and methods on the client. Without it the state is decoded by reflection. */
  readonly state?: new (...args: any[]) => State;
  /**
   * The message schemas themselves, to check payloads before sending
   * (`send()` throws a local VALIDATION_FAILED). Optional: the project's
   * contracts leave them out so the SDK does not ship zod to browsers (the
   * room validates anyway and answers `error`); `createClient({ messageSchemas })`
   * adds them (client-sdk/validation.ts).
   */
  readonly messages?: Messages;
  /**
   * Whether the room's state shows this client as joined (e.g. its entry in
   * `players`). A join resolves once the first full state passes it, so
   * `connection.state` holds the player as soon as `join` resolves.
   */
  readonly joined?: (state: State, sessionId: string, options: JoinOptions | undefined) => boolean;
  /**
   * The room answers `seat` (rooms built on rooms/base-room.ts do): after
   * each join and reconnect the SDK asks how long the seat is held after a
   * drop, and fits its reconnect attempts into that window.
   */
  readonly seat?: boolean;
  /** Type-only carriers (never read at runtime). */
  readonly "~events"?: Events;
  readonly "~joinOptions"?: JoinOptions;
  readonly "~messages"?: Messages;
}

export type AnyRoomContract = RoomContract<string, any, MessageSchemas, any, any>;

export type StateOf<C> = C extends RoomContract<string, infer S, any, any, any> ? S : never;
export type MessagesOf<C> = C extends RoomContract<string, any, infer M, any, any> ? M : never;
export type EventsOf<C> = C extends RoomContract<string, any, any, infer E, any> ? E : never;
export type JoinOptionsOf<C> = C extends RoomContract<string, any, any, any, infer O> ? O : never;

/** A client → server message type of room `C`. */
export type MessageType<C> = keyof MessagesOf<C> & string;
/** Its payload: the zod input type of the shared schema. */
export type PayloadOf<C, K extends MessageType<C>> = MessagePayload<MessagesOf<C>, K>;
/** A server → client message type of room `C`. */
export type EventType<C> = keyof EventsOf<C> & string;

/**
 * Declares a room contract. The server → client message types, the join
 * options and (when the schemas are not passed at runtime) the client →
 * server message map are type parameters:
 *
 * ```ts
 * const probe = defineRoom<{ said: { text: string } }>()({
 *   name: "probe", state: ProbeState, messages: ProbeMessages,
 * });
 * const game = defineRoom<GameEvents, GameRoomOptionsInput, typeof GameClientMessages>()({ name: "game", state: GameState });
 * ```
 */
export function defineRoom<Events extends object = {}, JoinOptions = Record<string, unknown>, DeclaredMessages extends MessageSchemas = MessageSchemas>() {
  return <const Name extends string, State, Messages extends MessageSchemas = DeclaredMessages>(definition: {
    name: Name;
    state?: new (...args: any[]) => State;
    messages?: Messages;
    joined?: (state: State, sessionId: string, options: JoinOptions | undefined) => boolean;
    seat?: boolean;
  }): RoomContract<Name, State, Messages, Events, JoinOptions> => definition;
}
