import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Router from "@koa/router";
import { AppError } from "../../shared/index.ts";
import type { ApiContext, ApiState } from "../context.ts";
import { contractRouter } from "../contract-router.ts";

/** The pages' own files: plain ES modules and style sheets at the top of web/ (web/dist is the SDK build, served by sdk.ts). */
const ASSET = /^[a-z][a-z0-9-]*\.(js|css)$/;

/**
 * The bundled watch page (web/): `/`, `/leaderboards/:id` and `/matches/:id`
 * serve the same shell (the page routes on the path itself), `/web/<file>`
 * its scripts and style sheet. `/leagues/:id/draft` serves the draft board
 * page (web/draft.html). Files are read once at start-up.
 */
export function webRoutes(webRoot: string): Router<ApiState> {
  const page = readFileSync(join(webRoot, "index.html"));
  const draftPage = readFileSync(join(webRoot, "draft.html"));
  const assets = new Map<string, Buffer>();
  for (const name of readdirSync(webRoot)) if (ASSET.test(name)) assets.set(name, readFileSync(join(webRoot, name)));
  const headers = {
    // connect-src 'self' covers the lobby's WebSocket to this host (CSP 3).
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
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
    "GET /matches/:id": servePage,
    "GET /leagues/:id/draft": (ctx) => {
      ctx.set(headers);
      ctx.type = "text/html; charset=utf-8";
      ctx.body = draftPage;
    },
    // Browsers ask for it on every page: no icon, and nothing to ask again for a day (not a JSON 404).
    "GET /favicon.ico": (ctx) => {
      ctx.set("Cache-Control", "public, max-age=86400");
      ctx.status = 204;
    },
    "GET /web/:file": (ctx) => {
      const file = String(ctx.params.file);
      const body = assets.get(file);
      // The same JSON 404 as every unknown path.
      if (!body) throw new AppError("ROUTE_NOT_FOUND", `No route for ${ctx.method} ${ctx.path}`);
      ctx.set(headers);
      ctx.type = file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      ctx.body = body;
    },
  });
}
