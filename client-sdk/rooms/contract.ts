import type { MessagePayload, MessageSchemas } from "../../shared/index.ts";

/**
 * A room's contract as the SDK sees it, built from shared/: its name, the
 * schema class of its state, the zod map of client → server messages
 * (`MessageSchemas`, the same object the room validates with) and the types
 * of its server → client messages. Every typed room handle is one of these.
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
  readonly messages: Messages;
  /** Type-only carriers (never read at runtime). */
  readonly "~events"?: Events;
  readonly "~joinOptions"?: JoinOptions;
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
 * Declares a room contract. The server → client message types and the join
 * options are type parameters (they are types, not runtime values):
 *
 * ```ts
 * const probe = defineRoom<{ said: { text: string } }>()({
 *   name: "probe", state: ProbeState, messages: ProbeMessages,
 * });
 * ```
 */
export function defineRoom<Events extends object = {}, JoinOptions = Record<string, unknown>>() {
  return <const Name extends string, State, Messages extends MessageSchemas>(definition: {
    name: Name;
    state?: new (...args: any[]) => State;
    messages: Messages;
  }): RoomContract<Name, State, Messages, Events, JoinOptions> => definition;
}
