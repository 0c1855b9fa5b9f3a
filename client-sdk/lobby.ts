import { LobbyServerMessage, type GameListing, type LobbyJoinOptions, type LobbyListing, type TeamListing } from "../shared/lobby.ts";
import { gameContract, lobbyContract, teamContract, type LobbyContract } from "../shared/rooms/index.ts";
import type { ConnectionState, StateChange } from "./connection-state.ts";
import { Emitter } from "./emitter.ts";
import { RoomHandle } from "./rooms/room-handle.ts";
import type { RoomConnection, RoomConnectOptions, RoomCore } from "./rooms/room-connection.ts";

/** The room types the lobby lists. */
export type ListedRoom = GameListing["name"] | TeamListing["name"];
const LISTED_ROOMS: readonly ListedRoom[] = [gameContract.name, teamContract.name];
export type LobbyEntry = GameListing | TeamListing;

export interface LobbyFilter {
  /** Keep a game when this returns true (e.g. `(g) => g.metadata.phase === "waiting"`). @default every game */
  games?: (listing: GameListing) => boolean;
  /** Keep a team when this returns true (e.g. `(t) => t.metadata.access === "open"`). @default every team */
  teams?: (listing: TeamListing) => boolean;
}

export interface LobbyOptions extends LobbyFilter {
  /**
   * Which kinds of room to list. With one kind the server filters too
   * (less traffic); `setFilter` cannot widen this later. @default every listed kind (games and teams)
   */
  rooms?: readonly ListedRoom[];
}

export interface LobbyChange<L extends LobbyEntry = LobbyEntry> {
  listing: L;
  /** For `change`: the listing before. */
  previous?: L;
}

export interface LobbyConnectionEvents {
  /** A room entered the (filtered) list. */
  add: LobbyChange;
  /** A listed room's listing changed (players, phase, score…) and it still passes the filter. */
  change: LobbyChange;
  /** A room left the list (gone, unlisted, or no longer passing the filter). */
  remove: LobbyChange;
  /** The connection's state moves (it reconnects on its own, then reconciles the list: only real differences are emitted). */
  state: StateChange;
}

/**
 * `client.lobby()`: a live, typed listing of the public games and teams
 * (the `lobby` room; docs/protocol.md "Lobby"). Holds `games` and `teams`
 * keyed by room id; emits `add`, `change` and `remove`; filters with typed
 * predicates (`setFilter` re-applies them and emits the difference). After a
 * reconnect the server sends the whole list again and only the differences
 * are emitted. Joining a listed room: `client.rooms.game.joinById(roomId)`
 * (spectators: `{ spectate: true }`) or `client.rooms.team.joinByCode(code)`.
 */
export class LobbyConnection {
  readonly #connection: RoomConnection<LobbyContract>;
  readonly #events: Emitter<LobbyConnectionEvents>;
  readonly #kinds: ReadonlySet<ListedRoom>;
  /** Every listing the server sent (before the app's filter). */
  readonly #all = new Map<string, LobbyEntry>();
  readonly #games = new Map<string, GameListing>();
  readonly #teams = new Map<string, TeamListing>();
  #filter: LobbyFilter;

  private constructor(connection: RoomConnection<LobbyContract>, options: LobbyOptions, onListenerError?: (error: unknown) => void) {
    this.#connection = connection;
    this.#events = new Emitter(onListenerError);
    this.#kinds = new Set(options.rooms ?? LISTED_ROOMS);
    this.#filter = { games: options.games, teams: options.teams };
    connection.on("state", (change) => this.#events.emit("state", change));
    connection.onMessage(LobbyServerMessage.ROOMS, (listings) => this.#replaceAll(listings));
    connection.onMessage(LobbyServerMessage.ADD, ([roomId, listing]) => this.#upsert({ ...listing, roomId }));
    connection.onMessage(LobbyServerMessage.REMOVE, (roomId) => this.#remove(roomId));
  }

  /** @internal `client.lobby()`: resolves once the lobby is joined and its first list is in. */
  static async open(core: RoomCore, options: LobbyOptions = {}, control?: RoomConnectOptions): Promise<LobbyConnection> {
    const kinds = options.rooms ?? LISTED_ROOMS;
    const joinOptions: LobbyJoinOptions = kinds.length === 1 ? { filter: { name: kinds[0] } } : {};
    const connection = new RoomHandle(core, lobbyContract).connect("joinOrCreate", joinOptions, control);
    const lobby = new LobbyConnection(connection, options, core.onListenerError);
    const firstList = new Promise<void>((resolve) => {
      const off = connection.onMessage(LobbyServerMessage.ROOMS, () => {
        off();
        resolve();
      });
    });
    await connection.ready();
    await Promise.race([firstList, connection.closed()]);
    if (connection.status === "closed") throw connection.error ?? new Error("client-sdk: the lobby closed before its list arrived");
    return lobby;
  }

  /** Listed games passing the filter, by room id. */
  get games(): ReadonlyMap<string, GameListing> {
    return this.#games;
  }

  /** Listed teams passing the filter, by room id. */
  get teams(): ReadonlyMap<string, TeamListing> {
    return this.#teams;
  }

  get status(): ConnectionState {
    return this.#connection.status;
  }

  on<K extends keyof LobbyConnectionEvents>(event: K, listener: (payload: LobbyConnectionEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Replaces the predicates and emits `add`/`remove` for what now passes or no longer does. */
  setFilter(filter: LobbyFilter): void {
    this.#filter = { ...filter };
    for (const listing of this.#all.values()) this.#place(listing);
    for (const listing of [...this.#games.values(), ...this.#teams.values()]) {
      if (!this.#passes(listing)) this.#drop(listing.roomId);
    }
  }

  /** Leaves the lobby room. */
  close(): Promise<void> {
    return this.#connection.leave();
  }

  #replaceAll(listings: LobbyListing[]): void {
    const seen = new Set<string>();
    for (const listing of listings) {
      seen.add(listing.roomId);
      this.#upsert(listing);
    }
    for (const roomId of [...this.#all.keys()]) if (!seen.has(roomId)) this.#remove(roomId);
  }

  #upsert(listing: LobbyListing): void {
    if (!this.#kinds.has(listing.name as ListedRoom)) return;
    const entry = listing as LobbyEntry;
    this.#all.set(entry.roomId, entry);
    this.#place(entry);
  }

  #remove(roomId: string): void {
    this.#all.delete(roomId);
    this.#drop(roomId);
  }

  #passes(listing: LobbyEntry): boolean {
    if (listing.name === gameContract.name) return this.#filter.games?.(listing) ?? true;
    return this.#filter.teams?.(listing) ?? true;
  }

  /** Puts a listing where the filter says: added, changed, or dropped. */
  #place(listing: LobbyEntry): void {
    if (!this.#passes(listing)) return this.#drop(listing.roomId);
    const map = (listing.name === gameContract.name ? this.#games : this.#teams) as Map<string, LobbyEntry>;
    const previous = map.get(listing.roomId);
    map.set(listing.roomId, listing);
    if (!previous) this.#events.emit("add", { listing });
    else if (JSON.stringify(previous) !== JSON.stringify(listing)) this.#events.emit("change", { listing, previous });
  }

  #drop(roomId: string): void {
    for (const map of [this.#games, this.#teams] as Map<string, LobbyEntry>[]) {
      const listing = map.get(roomId);
      if (!listing) continue;
      map.delete(roomId);
      this.#events.emit("remove", { listing });
    }
  }
}
