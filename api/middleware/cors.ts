import cors from "@koa/cors";
import type Koa from "koa";
import { CORS_EXPOSED_HEADERS, CORS_METHODS, CORS_REQUEST_HEADERS } from "../../shared/index.ts";
import type { ApiState } from "../context.ts";

/** CORS for the API: the configured origins (CORS_ORIGINS), every header the SDK sends, the headers it reads. */
export function corsMiddleware(origins: "*" | string[]): Koa.Middleware<ApiState> {
  const allowed = origins === "*" ? null : new Set(origins);
  return cors({
    origin: (ctx: Koa.Context) => {
      const origin = ctx.get("Origin");
      if (allowed === null) return origin || "*";
      return allowed.has(origin) ? origin : "";
    },
    // Every header the SDK sends (shared/cors.ts), plus the admin API's key.
    allowHeaders: [...CORS_REQUEST_HEADERS, "x-admin-key"],
    allowMethods: [...CORS_METHODS],
    exposeHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: 600,
  });
}
