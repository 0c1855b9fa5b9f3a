import type { MessageSchemas } from "../shared/room-protocol.ts";
import { createBaseClient, type BaseClient, type BaseClientOptions } from "./base-client.ts";
import { LeaguesClient } from "./leagues.ts";
import { LobbyConnection, type LobbyOptions } from "./lobby.ts";
import { SdkColyseusClient } from "./rooms/colyseus-adapter.ts";
import type { AnyRoomContract } from "../shared/rooms/define.ts";
import { projectRoomContracts, type ProjectRoomContracts } from "./rooms/project-rooms.ts";
import type { RoomConnectOptions, RoomCore } from "./rooms/room-connection.ts";
import { RoomHandle } from "./rooms/room-handle.ts";

/** A `rooms` entry: a contract (gets a plain RoomHandle) or a factory of a specialised handle (usually a RoomHandle subclass). */
export type RoomEntry = AnyRoomContract | ((core: RoomCore) => object);
export type HandleOf<E> = E extends (core: RoomCore) => infer H ? H : E extends AnyRoomContract ? RoomHandle<E> : never;
export type ClientRooms<Rooms> = { readonly [K in keyof Rooms]: HandleOf<Rooms[K]> };

export interface ClientOptions<Rooms extends Record<string, RoomEntry> = {}> extends BaseClientOptions {
  /** Extra room contracts (or handle factories) beside the project's, as `client.rooms.<key>`. */
  rooms?: Rooms;
  /**
   * Message schemas by room name, so `send()` checks payloads before they
   * leave (client-sdk/validation.ts has the project's: `projectMessageSchemas`).
   * Without them the room checks and answers `error`. Brings zod into a bundle.
   */
  messageSchemas?: Record<string, MessageSchemas>;
}

export interface ArenaClient<Rooms extends Record<string, RoomEntry>> extends BaseClient {
  readonly rooms: ClientRooms<Rooms>;
  /** Fantasy leagues: create, join by invite code, list mine, get one, standings (also live), the draft board live. */
  readonly leagues: LeaguesClient;
  /** A live, typed listing of public games and teams (the `lobby` room), with add/remove events and filters. */
  lobby(options?: LobbyOptions, control?: RoomConnectOptions): Promise<LobbyConnection>;
  /** A handle for a contract that is not registered in `rooms`. */
  roomHandle<C extends AnyRoomContract>(contract: C): RoomHandle<C>;
}

/**
 * Creates the SDK client. One per server and player; every transport it
 * opens shares its auth, backoff policy, logger and platform objects.
 *
 * ```ts
 * const client = createClient({ url: "http://localhost:2567" });
 * await client.auth.signInAsGuest("Ada");
 * const room = await client.rooms.game.joinOrCreate();
 * ```
 */
export function createClient<Rooms extends Record<string, RoomEntry> = {}>(options: ClientOptions<Rooms>): ArenaClient<ProjectRoomContracts & Rooms> {
  const { onListenerError, ...base } = createBaseClient(options);
  const core: RoomCore = {
    colyseus: new SdkColyseusClient(base.url, base.platform.WebSocket, () => base.auth.token, options.logger),
    http: base.http,
    auth: base.auth,
    platform: base.platform,
    backoff: options.backoff,
    onListenerError,
    logger: options.logger,
    messageSchemas: options.messageSchemas,
  };
  const entries: Record<string, RoomEntry> = { ...projectRoomContracts, ...options.rooms };
  const rooms: Record<string, object> = {};
  for (const [key, entry] of Object.entries(entries)) {
    rooms[key] = typeof entry === "function" ? entry(core) : new RoomHandle(core, entry);
  }
  return {
    ...base,
    rooms: rooms as ClientRooms<ProjectRoomContracts & Rooms>,
    leagues: new LeaguesClient(base.http, { tokens: base.auth, fetch: base.platform.fetch, backoff: options.backoff, network: base.platform.network, onListenerError }),
    lobby: (lobbyOptions, control) => LobbyConnection.open(core, lobbyOptions, control),
    roomHandle: (contract) => new RoomHandle(core, contract),
  };
}
