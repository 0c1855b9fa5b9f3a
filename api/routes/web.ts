import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Router, { type RouterContext } from "@koa/router";
import type { ApiState } from "../context.ts";

/** The page's own files: plain ES modules and style sheets at the top of web/ (web/dist is the SDK build, served by sdk.ts). */
const ASSET = /^[a-z][a-z0-9-]*\.(js|css)$/;

/**
 * The bundled watch page (web/): `/`, `/leaderboards/:id` and `/matches/:id`
 * serve the same shell (the page routes on the path itself), `/web/<file>`
 * its scripts and style sheet. Files are read once at start-up.
 */
export function webRoutes(webRoot: string): Router<ApiState> {
  const page = readFileSync(join(webRoot, "index.html"));
  const assets = new Map<string, Buffer>();
  for (const name of readdirSync(webRoot)) if (ASSET.test(name)) assets.set(name, readFileSync(join(webRoot, name)));
  const router = new Router<ApiState>();
  const headers = {
    // connect-src 'self' covers the lobby's WebSocket to this host (CSP 3).
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
  };
  const servePage = (ctx: RouterContext<ApiState>) => {
    ctx.set(headers);
    ctx.type = "text/html; charset=utf-8";
    ctx.body = page;
  };
  router.get("/", servePage);
  router.get("/leaderboards/:id", servePage);
  router.get("/matches/:id", servePage);
  // Browsers ask for it on every page: no icon, and nothing to ask again for a day (not a JSON 404).
  router.get("/favicon.ico", (ctx) => {
    ctx.set("Cache-Control", "public, max-age=86400");
    ctx.status = 204;
  });
  router.get("/web/:file", (ctx, next) => {
    const body = assets.get(ctx.params.file);
    if (!body) return next(); // the JSON 404 of every unknown path
    ctx.set(headers);
    ctx.type = ctx.params.file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    ctx.body = body;
  });
  return router;
}
