/**
 * The HTTP API's route table: every route the server answers, as plain data
 * (no zod, so the SDK's browser bundles can import it). The key is
 * `"METHOD /path"` with `:name` path parameters; the server registers its
 * handlers by these keys (api/contract-router.ts) and the SDK calls them by
 * these keys (`client.http.call("GET /v1/leaderboards/:id", …)`). The
 * schemas, error codes and descriptions of each route are in contract.ts
 * (zod); the OpenAPI document at `/openapi.json` is generated from both.
 */

/**
 * Who may call a route. `none`: anyone, no token read; `optional`: anyone,
 * a bearer token (or `?access_token=` on streams) is verified when sent and
 * may unlock more (a league's private board), and streams need one when
 * LEADERBOARDS_PUBLIC=false; `required`: a player's bearer token; `admin`: the
 * `X-Admin-Key` header.
 */
export type AuthMode = "none" | "optional" | "required" | "admin";

/**
 * What a route answers. `json`: one JSON answer; `long-poll`: JSON, held up
 * to `wait` seconds until something changes (200 `changed:false` when
 * nothing did); `sse`: a `text/event-stream`; `text`, `page`, `asset`: not
 * JSON (metrics, HTML pages, static files); `mount`: a prefix handed to
 * another library's handler (Colyseus's matchmaker), not a Koa route.
 */
export type RouteKind = "json" | "long-poll" | "sse" | "text" | "page" | "asset" | "mount";

export interface RouteDescriptor {
  auth: AuthMode;
  kind: RouteKind;
}

export const ROUTES = {
  "GET /healthz": { auth: "none", kind: "json" },
  "GET /readyz": { auth: "none", kind: "json" },
  "GET /metrics": { auth: "none", kind: "text" },

  "POST /v1/auth/guest": { auth: "none", kind: "json" },
  "POST /v1/auth/refresh": { auth: "required", kind: "json" },

  "GET /v1/leaderboards": { auth: "none", kind: "json" },
  "GET /v1/leaderboards/:id": { auth: "optional", kind: "json" },
  "GET /v1/leaderboards/:id/players/:playerId": { auth: "optional", kind: "json" },
  "GET /v1/leaderboards/:id/around/:playerId": { auth: "optional", kind: "json" },
  "GET /v1/leaderboards/:id/stream": { auth: "optional", kind: "sse" },
  "GET /v1/leaderboards/:id/changes": { auth: "optional", kind: "long-poll" },

  "GET /v1/matches/results": { auth: "required", kind: "long-poll" },
  "GET /v1/matches/:id/result": { auth: "required", kind: "long-poll" },
  "GET /v1/matches/:id": { auth: "required", kind: "json" },
  "GET /v1/matches/:id/spectate": { auth: "optional", kind: "sse" },
  "GET /v1/players/:id/matches": { auth: "required", kind: "json" },

  "POST /v1/leagues": { auth: "required", kind: "json" },
  "POST /v1/leagues/join": { auth: "required", kind: "json" },
  "GET /v1/leagues": { auth: "required", kind: "json" },
  "GET /v1/leagues/:id": { auth: "required", kind: "json" },
  "GET /v1/leagues/:id/standings": { auth: "required", kind: "json" },
  "GET /v1/leagues/:id/standings/stream": { auth: "optional", kind: "sse" },
  "GET /v1/leagues/:id/draft/stream": { auth: "optional", kind: "sse" },

  "POST /v1/admin/leaderboards": { auth: "admin", kind: "json" },
  "PATCH /v1/admin/leaderboards/:id": { auth: "admin", kind: "json" },
  "POST /v1/admin/leaderboards/:id/records": { auth: "admin", kind: "json" },
  "GET /v1/admin/fantasy/leagues/:leagueId/rosters": { auth: "admin", kind: "json" },
  "PUT /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId": { auth: "admin", kind: "json" },
  "DELETE /v1/admin/fantasy/leagues/:leagueId/rosters/:playerId": { auth: "admin", kind: "json" },
  "POST /v1/admin/match-results": { auth: "admin", kind: "json" },

  "POST /matchmake/:method/:roomName": { auth: "required", kind: "mount" },

  "GET /": { auth: "none", kind: "page" },
  "GET /leaderboards/:id": { auth: "none", kind: "page" },
  "GET /matches/:id": { auth: "none", kind: "page" },
  "GET /leagues/:id/draft": { auth: "none", kind: "page" },
  "GET /favicon.ico": { auth: "none", kind: "asset" },
  "GET /web/:file": { auth: "none", kind: "asset" },
  "GET /sdk/manifest.json": { auth: "none", kind: "asset" },
  "GET /sdk/:file": { auth: "none", kind: "asset" },
  "GET /openapi.json": { auth: "none", kind: "asset" },
  "GET /docs": { auth: "none", kind: "page" },
  "GET /docs/:file": { auth: "none", kind: "asset" },
} as const satisfies Record<string, RouteDescriptor>;

export type Routes = typeof ROUTES;
export type RouteKey = keyof Routes;
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The path of a route key (`"GET /v1/things/:id"` → `"/v1/things/:id"`). */
export type RoutePath<K extends RouteKey> = K extends `${string} ${infer P}` ? P : never;

/** `{id: string}` for `"/v1/things/:id"`; `{}` when the path has no parameters. */
export type PathParams<Path extends string> = Path extends `${string}:${infer Param}/${infer Rest}`
  ? { [K in Param]: string } & PathParams<`/${Rest}`>
  : Path extends `${string}:${infer Param}`
    ? { [K in Param]: string }
    : {};

/** The routes of one kind (e.g. every `sse` route). */
export type RoutesOfKind<Kind extends RouteKind> = { [K in RouteKey]: Routes[K]["kind"] extends Kind ? K : never }[RouteKey];

/**
 * The path prefix every `admin` route lives under (their longest common run
 * of segments, `/v1/admin`): the API checks the admin key for it before it
 * reads a body.
 */
export const ADMIN_PATH_PREFIX: string = commonPathPrefix((Object.keys(ROUTES) as RouteKey[]).filter((key) => ROUTES[key].auth === "admin").map(routePath));

function commonPathPrefix(paths: string[]): string {
  const split = paths.map((path) => path.split("/"));
  const common: string[] = [];
  for (let i = 0; split.every((segments) => segments[i] !== undefined && !segments[i]!.startsWith(":") && segments[i] === split[0]![i]); i++) common.push(split[0]![i]!);
  return common.join("/");
}

export function routeMethod(route: RouteKey): HttpMethod {
  return route.slice(0, route.indexOf(" ")) as HttpMethod;
}

export function routePath(route: RouteKey): string {
  return route.slice(route.indexOf(" ") + 1);
}

/** Fills `:name` segments from `params`, URL-encoding each value. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(value);
  });
}
