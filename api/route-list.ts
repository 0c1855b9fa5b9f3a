import type Router from "@koa/router";
import type Koa from "koa";
import type { RawMount } from "./app-deps.ts";
import type { ApiState } from "./context.ts";

/** One endpoint of the app: a router route, or a raw mount's prefix (`methods` empty: any). */
export interface RouteInfo {
  methods: string[];
  path: string;
  mount?: RawMount;
}

/**
 * Every endpoint the app answers, read from its middleware stack (the
 * routers' layers and the raw mounts), so a test can enumerate them and a
 * new route cannot slip past it.
 */
export function listRoutes(app: Koa<ApiState>): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const middleware of app.middleware as (Koa.Middleware & { router?: Router<ApiState>; mount?: RawMount })[]) {
    if (middleware.mount) routes.push({ methods: [], path: middleware.mount.prefix, mount: middleware.mount });
    for (const layer of middleware.router?.stack ?? []) {
      // router.use() layers have no methods: they are middleware, not endpoints.
      if (layer.methods.length > 0) routes.push({ methods: [...layer.methods], path: String(layer.path) });
    }
  }
  return routes;
}
