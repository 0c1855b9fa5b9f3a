import type { z } from "zod";
import { LEADERBOARD_CONTRACT } from "./contract-leaderboards.ts";
import { LEAGUE_CONTRACT } from "./contract-leagues.ts";
import { MATCH_CONTRACT } from "./contract-matches.ts";
import { SERVICE_CONTRACT } from "./contract-service.ts";
import type { RouteContract } from "./route-contract.ts";
import type { PathParams, RouteKey, RoutePath, Routes } from "./routes.ts";

/**
 * The HTTP contract: for every route of the table (routes.ts), its zod
 * schemas (path parameters, query, body, answer or SSE events), the error
 * codes it may answer and its documentation. The server validates with
 * these schemas (api/contract-router.ts), the SDK's `http.call` takes its
 * types from them (type-only imports: no zod in the SDK's bundles), and
 * `/openapi.json` is generated from them (api/openapi/).
 *
 * A route missing here, or one here that is not in the table, does not compile.
 */
export const CONTRACT = {
  ...SERVICE_CONTRACT,
  ...LEADERBOARD_CONTRACT,
  ...MATCH_CONTRACT,
  ...LEAGUE_CONTRACT,
} as const satisfies { readonly [K in RouteKey]: RouteContract };

export type Contract = typeof CONTRACT;
export type { RouteContract };

type Schema<K extends RouteKey, Part extends "query" | "body" | "response"> = Contract[K] extends { [P in Part]: infer S extends z.ZodType } ? S : never;

/** What a caller sends as the query (numbers as numbers: the server coerces the strings). */
export type RouteQueryInput<K extends RouteKey> = z.input<Schema<K, "query">>;
/** The query as the handler gets it, parsed and defaulted. */
export type RouteQuery<K extends RouteKey> = z.output<Schema<K, "query">>;
/** What a caller sends as the JSON body. */
export type RouteBodyInput<K extends RouteKey> = z.input<Schema<K, "body">>;
/** The body as the handler gets it, parsed and normalised. */
export type RouteBody<K extends RouteKey> = z.output<Schema<K, "body">>;
/** The JSON answer (the shared DTO type, e.g. LeaderboardPage). */
export type RouteResponse<K extends RouteKey> = z.output<Schema<K, "response">>;
/** The path parameters of a route, by name, as strings. */
export type RouteParams<K extends RouteKey> = PathParams<RoutePath<K>>;

export type HasQuery<K extends RouteKey> = Contract[K] extends { query: z.ZodType } ? true : false;
export type HasBody<K extends RouteKey> = Contract[K] extends { body: z.ZodType } ? true : false;

/**
 * The routes a client library calls: JSON answers (plain and long polls) for
 * players, not the admin API (its key never belongs in a client), the
 * streams (the SDK's SSE transports), pages, files or the matchmaker mount.
 */
export type ClientRoute = {
  [K in RouteKey]: Routes[K]["kind"] extends "json" | "long-poll" ? (Routes[K]["auth"] extends "admin" ? never : K) : never;
}[RouteKey];
