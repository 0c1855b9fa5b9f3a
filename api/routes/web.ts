import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Router from "@koa/router";
import type { ApiContext, ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";

/**
 * The bundled leaderboard page (web/): `/` and `/leaderboards/:id` serve the
 * page, `/web/leaderboard.js` its script. Files are read once at start-up.
 */
export function webRoutes(webRoot: string): Router<ApiState> {
  const page = readFileSync(join(webRoot, "index.html"));
  const script = readFileSync(join(webRoot, "leaderboard.js"));
  const headers = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
  };
  const servePage = (ctx: ApiContext) => {
    ctx.set(headers);
    ctx.type = "text/html; charset=utf-8";
    ctx.body = page;
  };
  return contractRouter({
    "GET /": servePage,
    "GET /leaderboards/:id": servePage,
    // Browsers ask for it on every page: no icon, and nothing to ask again for a day (not a JSON 404).
    "GET /favicon.ico": (ctx) => {
      ctx.set("Cache-Control", "public, max-age=86400");
      ctx.status = 204;
    },
    "GET /web/leaderboard.js": (ctx) => {
      ctx.set(headers);
      ctx.type = "text/javascript; charset=utf-8";
      ctx.body = script;
    },
  });
}
