import type {
  CreateLeagueRequest,
  JoinLeagueRequest,
  JoinLeagueResponse,
  League,
  LeagueListResponse,
  GuestAuthRequest,
  HealthResponse,
  LeaderboardStreamMessage,
  MatchFeedResponse,
  MatchResultPollResponse,
  PlayerMatchesResponse,
  RecordedMatchResult,
  LeaderboardAroundResponse,
  LeaderboardListResponse,
  LeaderboardPage,
  LeaderboardPlayerResponse,
  ReadinessResponse,
  TokenResponse,
} from "../shared/index.ts";

/**
 * The HTTP API as the SDK sees it: `"METHOD /path"` → request and response
 * DTOs from shared/. `client.http.call(route, …)` is typed from this table,
 * so a wrong route, a missing path parameter or a wrong body field is a
 * compile error. Feature issues add their routes here as the endpoints land
 * (the server is the source of truth; the DTOs live in shared/).
 *
 * `auth`: "required" sends `Authorization: Bearer` and refreshes once on 401;
 * "none" sends no token.
 */
export interface ApiRoutes {
  "POST /v1/auth/guest": { body: GuestAuthRequest; response: TokenResponse; auth: "none" };
  "POST /v1/auth/refresh": { response: TokenResponse; auth: "required" };
  "GET /healthz": { response: HealthResponse; auth: "none" };
  "GET /readyz": { response: ReadinessResponse; auth: "none" };
  // Public boards need no token; a league's standings (league-members) need a member's (api/routes/leaderboards.ts).
  "GET /v1/leaderboards": { response: LeaderboardListResponse; auth: "none" };
  "GET /v1/leaderboards/:id": { query: LeaderboardTopOptions; response: LeaderboardPage; auth: "optional" };
  "GET /v1/leaderboards/:id/players/:playerId": { query: LeaderboardPeriodOptions; response: LeaderboardPlayerResponse; auth: "optional" };
  "GET /v1/leaderboards/:id/around/:playerId": { query: LeaderboardAroundOptions; response: LeaderboardAroundResponse; auth: "optional" };
  // The long-poll twin of the leaderboard stream (api/routes/leaderboard-streams.ts); public like the stream.
  "GET /v1/leaderboards/:id/changes": { query: LeaderboardChangesQuery; response: LeaderboardChangesResponse; auth: "optional" };
  // Match results over long polling (api/routes/match-results.ts): every route needs a player token.
  "GET /v1/matches/:id/result": { query: MatchResultPollOptions; response: MatchResultPollResponse; auth: "required" };
  "GET /v1/matches/results": { query: MatchFeedOptions; response: MatchFeedResponse; auth: "required" };
  "GET /v1/matches/:id": { response: RecordedMatchResult; auth: "required" };
  "GET /v1/players/:id/matches": { query: PlayerMatchesOptions; response: PlayerMatchesResponse; auth: "required" };
  // Fantasy leagues (api/routes/leagues.ts): every route needs a player token.
  "POST /v1/leagues": { body: CreateLeagueRequest; response: League; auth: "required" };
  "POST /v1/leagues/join": { body: JoinLeagueRequest; response: JoinLeagueResponse; auth: "required" };
  "GET /v1/leagues": { response: LeagueListResponse; auth: "required" };
  "GET /v1/leagues/:id": { response: League; auth: "required" };
}

/**
 * Query types of the leaderboard reads (the zod schemas in shared/leaderboards.ts
 * coerce strings; these are what a caller passes). `period`: `current`,
 * `previous`, `all`, or an ISO-8601 period start.
 */
export interface LeaderboardPeriodOptions {
  period?: string;
}
export interface LeaderboardTopOptions extends LeaderboardPeriodOptions {
  /** 1..100, default 20 */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}
export interface LeaderboardAroundOptions extends LeaderboardPeriodOptions {
  /** 1..100, default 20 */
  limit?: number;
}

/** `GET /v1/leaderboards/:id/changes` (the SDK's subscription falls back to it). */
export interface LeaderboardChangesQuery {
  /** `epoch:version`, an event id; omitted: answer a snapshot at once. */
  after?: string;
  /** Seconds to hold when nothing is new (the server clamps to 25). */
  wait?: number;
  /** 1..100, default 10 */
  top?: number;
  period?: string;
}
export interface LeaderboardChangesResponse {
  events: LeaderboardStreamMessage[];
  /** The board's position after these events. */
  cursor: string;
  changed: boolean;
}
/** `GET /v1/matches/:id/result` */
export interface MatchResultPollOptions {
  /** Seconds to hold (clamped to 1..25 by the server). @default 25 */
  wait?: number;
  /** The cursor from the previous answer. */
  cursor?: string;
}
/** `GET /v1/matches/results` */
export interface MatchFeedOptions {
  /** `epoch:seq` from the previous answer; omitted: start at the head. */
  after?: string;
  wait?: number;
  /** 1..100, default 50 */
  limit?: number;
}
/** `GET /v1/players/:id/matches` */
export interface PlayerMatchesOptions {
  /** 1..100, default 20 */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export type ApiRoute = keyof ApiRoutes;
export type AuthMode = "required" | "optional" | "none";
export type QueryValue = string | number | boolean | undefined;

/** `{id: string}` for `"GET /v1/things/:id"`; `{}` when the path has no parameters. */
export type PathParams<Path extends string> = Path extends `${string}:${infer Param}/${infer Rest}`
  ? { [K in Param]: string } & PathParams<`/${Rest}`>
  : Path extends `${string}:${infer Param}`
    ? { [K in Param]: string }
    : {};

type RouteSpec<R extends ApiRoute> = ApiRoutes[R];
type RoutePath<R extends ApiRoute> = R extends `${string} ${infer P}` ? P : never;

type ParamsPart<R extends ApiRoute> = keyof PathParams<RoutePath<R>> extends never ? { params?: never } : { params: PathParams<RoutePath<R>> };
type BodyPart<R extends ApiRoute> = RouteSpec<R> extends { body: infer B } ? { body: B } : { body?: never };
type QueryPart<R extends ApiRoute> = RouteSpec<R> extends { query: infer Q } ? { query?: Q & Record<string, QueryValue> } : { query?: never };

export interface CallControl {
  signal?: AbortSignal;
  /** Retries of retryable failures (network, 429, 503) with backoff; `Retry-After` is a floor. @default 2 for GET, 0 otherwise */
  retries?: number;
  headers?: Record<string, string>;
}

export type CallOptions<R extends ApiRoute> = ParamsPart<R> & BodyPart<R> & QueryPart<R> & CallControl;
export type RouteResponse<R extends ApiRoute> = RouteSpec<R>["response"];

/** `[options?]` when nothing is required, `[options]` otherwise. */
export type CallArgs<R extends ApiRoute> = {} extends Omit<CallOptions<R>, keyof CallControl> ? [options?: CallOptions<R>] : [options: CallOptions<R>];

export function routeAuth(route: ApiRoute, table: Record<string, { auth?: AuthMode }> = ROUTE_AUTH): AuthMode {
  return table[route]?.auth ?? "required";
}

/** The runtime half of the table (types vanish): which routes carry a token. */
export const ROUTE_AUTH: { [R in ApiRoute]: { auth: ApiRoutes[R]["auth"] } } = {
  "POST /v1/auth/guest": { auth: "none" },
  "POST /v1/auth/refresh": { auth: "required" },
  "GET /healthz": { auth: "none" },
  "GET /readyz": { auth: "none" },
  "GET /v1/leaderboards": { auth: "none" },
  "GET /v1/leaderboards/:id": { auth: "optional" },
  "GET /v1/leaderboards/:id/players/:playerId": { auth: "optional" },
  "GET /v1/leaderboards/:id/around/:playerId": { auth: "optional" },
  "GET /v1/leaderboards/:id/changes": { auth: "optional" },
  "GET /v1/matches/:id/result": { auth: "required" },
  "GET /v1/matches/results": { auth: "required" },
  "GET /v1/matches/:id": { auth: "required" },
  "GET /v1/players/:id/matches": { auth: "required" },
  "POST /v1/leagues": { auth: "required" },
  "POST /v1/leagues/join": { auth: "required" },
  "GET /v1/leagues": { auth: "required" },
  "GET /v1/leagues/:id": { auth: "required" },
};

/** Fills `:name` segments from `params`, URL-encoding each value. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`client-sdk: missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(value);
  });
}
