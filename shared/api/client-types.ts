/**
 * The client's view of the HTTP contract, in types only (nothing here exists
 * at run time, so the SDK's bundles stay zod-free): which routes a client
 * calls, and the names the SDK gives their queries.
 */
import type { ClientRoute, RouteBodyInput, RouteQueryInput, RouteResponse } from "./contract.ts";
import type { Routes } from "./routes.ts";

export type { ClientRoute as ApiRoute, RouteResponse };
export type { AuthMode, PathParams } from "./routes.ts";

/** Every client route: `"METHOD /path"` → its query and body (as a caller sends them), its answer and its auth mode. */
export type ApiRoutes = {
  [K in ClientRoute]: { query: RouteQueryInput<K>; body: RouteBodyInput<K>; response: RouteResponse<K>; auth: Routes[K]["auth"] };
};

/** `period`: `current` (default), `previous`, `all`, or an ISO-8601 period start. */
export type LeaderboardPeriodOptions = RouteQueryInput<"GET /v1/leaderboards/:id/players/:playerId">;
/** `limit` 1..100 (default 20), `cursor` (the previous page's `nextCursor`), `period`. */
export type LeaderboardTopOptions = RouteQueryInput<"GET /v1/leaderboards/:id">;
/** `limit` 1..100 (default 20), `period`. */
export type LeaderboardAroundOptions = RouteQueryInput<"GET /v1/leaderboards/:id/around/:playerId">;
/** `wait` seconds to hold (the server clamps it to 1..25; default 25), `cursor` from the previous answer. */
export type MatchResultPollOptions = RouteQueryInput<"GET /v1/matches/:id/result">;
/** `after` (`epoch:seq` from the previous answer; omitted: start at the head), `wait`, `limit` 1..100 (default 50). */
export type MatchFeedOptions = RouteQueryInput<"GET /v1/matches/results">;
/** `limit` 1..100 (default 20), `cursor` (the previous page's `nextCursor`). */
export type PlayerMatchesOptions = RouteQueryInput<"GET /v1/players/:id/matches">;
