import type { MessagePayload, MessageSchemas } from "../room-protocol.ts";

/**
 * One room type of the contract, as server and SDK both see it: its name,
 * the schema class of its state, the types of its join options, of its
 * client → server messages (a zod map `MessageSchemas`, here as a type only)
 * and of its server → client messages (`Events`, with their names in
 * `serverMessages`). Zod-free at run time: the SDK's bundles import these
 * definitions; the zod schemas that validate the same inputs are
 * shared/rooms/schemas.ts, checked against these types at compile time.
 * The project's rooms are in shared/rooms/index.ts; the server registers
 * them under these names (rooms/index.ts) and the SDK builds `client.rooms.*`
 * from them (client-sdk/rooms/project-rooms.ts).
 */
export interface RoomContract<
  Name extends string = string,
  State = unknown,
  Messages extends MessageSchemas = MessageSchemas,
  Events extends object = Record<string, unknown>,
  JoinOptions = Record<string, unknown>,
> {
  /** The name the server registers the room type under (`joinOrCreate(name)`). */
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
  /** The server → client message names (e.g. `GameServerMessage`); their payloads are `Events`. */
  readonly serverMessages?: Readonly<Record<string, keyof Events & string>>;
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
 * const arena = defineRoom<GameEvents, GameRoomOptionsInput, typeof GameClientMessages>()({ name: "arena", state: GameState });
 * ```
 */
export function defineRoom<Events extends object = {}, JoinOptions = Record<string, unknown>, DeclaredMessages extends MessageSchemas = MessageSchemas>() {
  return <const Name extends string, State, Messages extends MessageSchemas = DeclaredMessages>(definition: {
    name: Name;
    state?: new (...args: any[]) => State;
    messages?: Messages;
    serverMessages?: Readonly<Record<string, keyof Events & string>>;
    joined?: (state: State, sessionId: string, options: JoinOptions | undefined) => boolean;
    seat?: boolean;
  }): RoomContract<Name, State, Messages, Events, JoinOptions> => definition;
}
