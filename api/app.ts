import Koa from "koa";
import type Router from "@koa/router";
import type { AppDeps } from "./app-deps.ts";
import type { ApiState } from "./context.ts";
import { boardAccess, isAdmin, liveRoutes } from "./live-routes.ts";
import { LogThrottle } from "./logging/log-throttle.ts";
import { clientIp } from "./middleware/client-ip.ts";
import { corsMiddleware } from "./middleware/cors.ts";
import { errorMiddleware, notFoundInErrorShape } from "./middleware/errors.ts";
import { JoinAttemptLimiter, limitJoinAttempts } from "./middleware/join-attempts.ts";
import { rawMountMiddleware } from "./middleware/raw-mount.ts";
import { requestBody } from "./middleware/request-body.ts";
import { requestContext } from "./middleware/request-context.ts";
import { adminRoutes } from "./routes/admin.ts";
import { apiDocsRoutes } from "./routes/api-docs.ts";
import { authRoutes } from "./routes/auth.ts";
import { healthRoutes } from "./routes/health.ts";
import { leaderboardRoutes } from "./routes/leaderboards.ts";
import { leagueRoutes } from "./routes/leagues.ts";
import { sdkRoutes } from "./routes/sdk.ts";
import { webRoutes } from "./routes/web.ts";

export type { ApiOptions, AppDeps, RawMount } from "./app-deps.ts";
export { listRoutes, type RouteInfo } from "./route-list.ts";

/**
 * The Koa app factory (it never listens). The server composes it with
 * Colyseus on one http.Server; tests can call `app.callback()` directly.
 *
 * The middleware, in order: the client address, request context (id, log,
 * metrics), the error shape, CORS, the raw mounts (Colyseus's matchmaker),
 * the not-found shape, the request body; then the routers, each serving
 * routes of the shared table (shared/api/routes.ts).
 */
export function createApp(deps: AppDeps): Koa<ApiState> {
  // `proxy` lets Koa read X-Forwarded-Proto/Host; the client address itself is set by clientIp().
  const app = new Koa<ApiState>({ proxy: deps.options.trustProxy !== false });
  // Errors are logged once by errorMiddleware; silence Koa's default stderr print.
  app.silent = true;
  app.on("error", (error) => deps.logger.debug({ err: error }, "koa error event"));

  app.use(clientIp(deps.options.trustProxy));
  const throttle = new LogThrottle(deps.logger);
  app.use(requestContext(deps.logger, deps.http, throttle));
  app.use(errorMiddleware());
  app.use(corsMiddleware(deps.options.corsOrigins));

  const joinLimit = deps.options.joinAttemptsPerMinute
    ? limitJoinAttempts(new JoinAttemptLimiter({ perMinute: deps.options.joinAttemptsPerMinute }), deps.tokens)
    : undefined;
  for (const mount of deps.mounts ?? []) app.use(rawMountMiddleware(mount, joinLimit));
  app.use(notFoundInErrorShape());

  for (const step of requestBody({ bodyLimitBytes: deps.options.bodyLimitBytes, adminKey: deps.adminKey })) app.use(step);

  for (const router of routers(deps, throttle, joinLimit)) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}

/** The app's routers: always health, auth and the API reference; the store-backed routes with stores; the pages when their folders are set. */
function routers(deps: AppDeps, throttle: LogThrottle, joinLimit: Koa.Middleware<ApiState> | undefined): Router<ApiState>[] {
  const guestLimiter = deps.options.guestSignupsPerMinute ? new JoinAttemptLimiter({ perMinute: deps.options.guestSignupsPerMinute }) : undefined;
  const list: Router<ApiState>[] = [
    healthRoutes({ startedAt: deps.startedAt, readiness: deps.readiness, registry: deps.registry }),
    authRoutes({ tokens: deps.tokens, newPlayerId: deps.newPlayerId, guestLimiter }),
    apiDocsRoutes(),
  ];
  const stores = deps.stores;
  if (stores) {
    if (!deps.adminKey) throw new Error("createApp: stores need an adminKey for the admin routes");
    list.push(
      leaderboardRoutes({ leaderboards: stores.leaderboards, access: boardAccess(stores), isAdmin: isAdmin(deps.adminKey), tokens: deps.tokens }),
      adminRoutes({ adminKey: deps.adminKey, leaderboards: stores.leaderboards, rosters: stores.rosters, results: stores.results }),
      ...liveRoutes(deps, stores, throttle),
    );
    if (stores.leagues) list.push(leagueRoutes({ leagues: stores.leagues, leaderboards: stores.leaderboards, tokens: deps.tokens, joinLimit }));
  }
  if (deps.options.webRoot) list.push(webRoutes(deps.options.webRoot));
  if (deps.options.sdkRoot) list.push(sdkRoutes(deps.options.sdkRoot));
  return list;
}
