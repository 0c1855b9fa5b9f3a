import { AuthClient, type GetToken } from "./auth.ts";
import { resolveBackoff, type BackoffOptions } from "./backoff.ts";
import { HttpClient } from "./http.ts";
import { LeaderboardsClient } from "./leaderboards.ts";
import { MatchesClient } from "./matches.ts";
import { LeaguesClient } from "./leagues.ts";
import { httpBaseUrl, resolvePlatform, type Platform, type PlatformOptions } from "./platform.ts";
import { SdkColyseusClient } from "./rooms/colyseus-adapter.ts";
import type { AnyRoomContract } from "./rooms/contract.ts";
import { projectRoomContracts, type ProjectRoomContracts } from "./rooms/project-rooms.ts";
import type { RoomCore } from "./rooms/room-connection.ts";
import { RoomHandle } from "./rooms/room-handle.ts";

/** A `rooms` entry: a contract (gets a plain RoomHandle) or a factory of a specialised handle (usually a RoomHandle subclass). */
export type RoomEntry = AnyRoomContract | ((core: RoomCore) => object);
export type HandleOf<E> = E extends (core: RoomCore) => infer H ? H : E extends AnyRoomContract ? RoomHandle<E> : never;
export type ClientRooms<Rooms> = { readonly [K in keyof Rooms]: HandleOf<Rooms[K]> };

export interface ClientOptions<Rooms extends Record<string, RoomEntry> = {}> extends PlatformOptions {
  /** The server's base URL (`http(s)://` or `ws(s)://`; HTTP and WebSocket share the port). */
  url: string;
  /** The app's token provider; without it the SDK manages a session (`client.auth.signInAsGuest`). */
  getToken?: GetToken;
  /** The reconnect policy shared by every transport: full jitter in 0.5 s .. 20 s by default. */
  backoff?: BackoffOptions;
  /** Extra room contracts (or handle factories) beside the project's, as `client.rooms.<key>`. */
  rooms?: Rooms;
  /** Built-in sessions refresh before a request when less than this is left. @default 10 */
  refreshLeadSeconds?: number;
  /** Where an exception thrown by an app listener goes. @default console.error */
  onListenerError?: (error: unknown) => void;
}

export interface ArenaClient<Rooms extends Record<string, RoomEntry>> {
  /** The HTTP base URL. */
  readonly url: string;
  readonly auth: AuthClient;
  /** The typed HTTP helper (`call("GET /v1/...", ...)`), for routes without a dedicated module. */
  readonly http: HttpClient;
  readonly rooms: ClientRooms<Rooms>;
  /** Typed leaderboard reads (top, a player's record, around a player) and live `subscribe` (SSE, long-poll fallback). */
  readonly leaderboards: LeaderboardsClient;
  /** Match results: `waitForResult` and `feed` (long polling), `get`, `history`. */
  readonly matches: MatchesClient;
  /** Fantasy leagues: create, join by invite code, list mine, get one. */
  readonly leagues: LeaguesClient;
  /** A handle for a contract that is not registered in `rooms`. */
  roomHandle<C extends AnyRoomContract>(contract: C): RoomHandle<C>;
  readonly platform: Platform;
}

/**
 * Creates the SDK client. One per server and player; every transport it
 * opens shares its auth, backoff policy and platform objects.
 *
 * ```ts
 * const client = createClient({ url: "http://localhost:2567" });
 * await client.auth.signInAsGuest("Ada");
 * const room = await client.rooms.game.joinOrCreate();
 * ```
 */
export function createClient<Rooms extends Record<string, RoomEntry> = {}>(
  options: ClientOptions<Rooms>,
): ArenaClient<ProjectRoomContracts & Rooms> {
  const url = httpBaseUrl(options.url);
  const platform = resolvePlatform(options);
  resolveBackoff(options.backoff); // fail fast on a bad policy
  const auth = new AuthClient({ getToken: options.getToken, refreshLeadSeconds: options.refreshLeadSeconds, onListenerError: options.onListenerError });
  const http = new HttpClient({ baseUrl: url, fetch: platform.fetch, tokens: auth, backoff: options.backoff, onListenerError: options.onListenerError });
  auth.attach(http);
  const core: RoomCore = {
    colyseus: new SdkColyseusClient(url, platform.WebSocket, () => auth.token),
    http,
    auth,
    platform,
    backoff: options.backoff,
    onListenerError: options.onListenerError,
  };
  const entries: Record<string, RoomEntry> = { ...projectRoomContracts, ...options.rooms };
  const rooms: Record<string, object> = {};
  for (const [key, entry] of Object.entries(entries)) {
    rooms[key] = typeof entry === "function" ? entry(core) : new RoomHandle(core, entry);
  }
  return {
    url,
    auth,
    http,
    rooms: rooms as ClientRooms<ProjectRoomContracts & Rooms>,
    leaderboards: new LeaderboardsClient(http, {
      tokens: auth,
      fetch: platform.fetch,
      backoff: options.backoff,
      network: platform.network,
      onListenerError: options.onListenerError,
    }),
    matches: new MatchesClient(http, options.backoff, { tokens: auth, fetch: platform.fetch, onListenerError: options.onListenerError }),
    leagues: new LeaguesClient(http),
    roomHandle: (contract) => new RoomHandle(core, contract),
    platform,
  };
}
