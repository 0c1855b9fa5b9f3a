import type {
  GuestAuthRequest,
  HealthResponse,
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
  // Leaderboard reads are public (api/routes/leaderboards.ts).
  "GET /v1/leaderboards": { response: LeaderboardListResponse; auth: "none" };
  "GET /v1/leaderboards/:id": { query: LeaderboardTopOptions; response: LeaderboardPage; auth: "none" };
  "GET /v1/leaderboards/:id/players/:playerId": { query: LeaderboardPeriodOptions; response: LeaderboardPlayerResponse; auth: "none" };
  "GET /v1/leaderboards/:id/around/:playerId": { query: LeaderboardAroundOptions; response: LeaderboardAroundResponse; auth: "none" };
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
  "GET /v1/leaderboards/:id": { auth: "none" },
  "GET /v1/leaderboards/:id/players/:playerId": { auth: "none" },
  "GET /v1/leaderboards/:id/around/:playerId": { auth: "none" },
};

/** Fills `:name` segments from `params`, URL-encoding each value. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`client-sdk: missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(value);
  });
}
