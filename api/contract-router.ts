import Router, { type RouterMiddleware } from "@koa/router";
import type { Middleware } from "koa";
import { parseOrThrow } from "../shared/validation.ts";
import { CONTRACT, type RouteBody, type RouteParams, type RouteQuery, type RouteResponse } from "../shared/api/contract.ts";
import { ROUTES, routeMethod, routePath, type RouteKey } from "../shared/api/routes.ts";
import type { ApiContext, ApiState } from "./context.ts";

/** What a handler gets besides the Koa context: its route's parameters and parsers, typed by the contract. */
export interface RouteRequest<K extends RouteKey> {
  /** The raw path parameters, named as in the route key (a handler checks them in its own order: some answer 404, not 400). */
  readonly params: RouteParams<K>;
  /** Parses the query with the route's schema: 400 `VALIDATION_FAILED` "Invalid <what>: …". */
  query(what: string): RouteQuery<K>;
  /** Parses the JSON body (absent: `{}`) with the route's schema: 400 `VALIDATION_FAILED` "Invalid <what>: …". */
  body(what: string): RouteBody<K>;
}

/**
 * A route's handler: returns the route's answer (put on `ctx.body`), or
 * nothing when it answered itself (a status without a body, pre-serialised
 * JSON, a stream, a detached long poll).
 */
export type RouteHandler<K extends RouteKey> = (ctx: ApiContext, request: RouteRequest<K>) => RouteResponse<K> | void | Promise<RouteResponse<K> | void>;

/** One handler per route key; the keys say which routes a router serves. */
export type RouteHandlers<K extends RouteKey> = { [P in K]: RouteHandler<P> };

export interface ContractRouterOptions<K extends RouteKey> {
  /** Middleware for every route of this router (cache headers), run before the route's auth. */
  use?: Middleware<ApiState>[];
  /** What the table's `auth: "required"` runs (requireAuth); a router with such a route and none fails at start-up. */
  requireAuth?: Middleware<ApiState>;
  /** What the table's `auth: "admin"` runs (requireAdmin). */
  requireAdmin?: Middleware<ApiState>;
  /** Middleware of single routes, run after the auth (a rate limit). */
  before?: { [P in K]?: Middleware<ApiState> };
}

/**
 * A Koa router for some routes of the shared table (shared/api/routes.ts):
 * each handler is registered under its key's method and path, behind the
 * auth the table names, with its query and body parsed by the contract's
 * schemas (shared/api/contract.ts). No path is spelled in api/.
 */
export function contractRouter<K extends RouteKey>(handlers: RouteHandlers<K>, options: ContractRouterOptions<K> = {}): Router<ApiState> {
  const router = new Router<ApiState>();
  for (const middleware of options.use ?? []) router.use(middleware);
  for (const key of Object.keys(handlers) as K[]) {
    const steps = [...authFor(key, options), ...(options.before?.[key] ? [options.before[key]!] : []), endpoint(key, handlers[key])];
    router.register(routePath(key), [routeMethod(key)], steps as RouterMiddleware<ApiState>[], { name: key });
  }
  return router;
}

function authFor<K extends RouteKey>(key: K, options: ContractRouterOptions<K>): Middleware<ApiState>[] {
  const { auth, kind } = ROUTES[key];
  if (kind === "mount") throw new Error(`contractRouter: ${key} is a mount, not a Koa route`);
  if (auth === "required" || auth === "admin") {
    const check = auth === "required" ? options.requireAuth : options.requireAdmin;
    if (!check) throw new Error(`contractRouter: ${key} needs auth "${auth}": pass ${auth === "required" ? "requireAuth" : "requireAdmin"}`);
    return [check];
  }
  return [];
}

function endpoint<K extends RouteKey>(key: K, handler: RouteHandler<K>): RouterMiddleware<ApiState> {
  const contract = CONTRACT[key] as { query?: Parameters<typeof parseOrThrow>[0]; body?: Parameters<typeof parseOrThrow>[0] };
  return async (ctx) => {
    const request: RouteRequest<K> = {
      params: ctx.params as RouteParams<K>,
      query: (what) => parseOrThrow(required(contract.query, key, "query"), ctx.query, what) as RouteQuery<K>,
      body: (what) => parseOrThrow(required(contract.body, key, "body"), ctx.request.body ?? {}, what) as RouteBody<K>,
    };
    const answer = await handler(ctx, request);
    if (answer !== undefined) ctx.body = answer;
  };
}

function required<T>(schema: T | undefined, key: RouteKey, part: string): T {
  if (!schema) throw new Error(`${key} has no ${part} schema in shared/api/contract.ts`);
  return schema;
}
