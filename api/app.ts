import type { IncomingMessage, ServerResponse } from "node:http";
import Koa from "koa";
import Router from "@koa/router";
import cors from "@koa/cors";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { AppError, CORS_EXPOSED_HEADERS, CORS_METHODS, CORS_REQUEST_HEADERS, type ReadinessResponse, type TokenIssuer } from "../shared/index.ts";
import type { ApiState } from "./context.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { errorMiddleware } from "./middleware/errors.ts";
import { requestBody } from "./middleware/request-body.ts";
import { requestContext, type HttpObserver } from "./middleware/request-context.ts";
import { authRoutes } from "./routes/auth.ts";
import { healthRoutes } from "./routes/health.ts";
import { leaderboardRoutes } from "./routes/leaderboards.ts";
import { adminRoutes } from "./routes/admin.ts";
import { leagueRoutes } from "./routes/leagues.ts";
import type { Stores } from "../store/index.ts";
import { StreamHub } from "./leaderboard-streams/stream-hub.ts";
import { leaderboardStreamRoutes, type StreamOptions } from "./routes/leaderboard-streams.ts";
import { matchResultRoutes, type LongPollOptions } from "./routes/match-results.ts";
import { webRoutes } from "./routes/web.ts";
import { sdkRoutes } from "./routes/sdk.ts";
import { spectateRoutes } from "./routes/spectate.ts";
import { ConnectionBudget } from "./limits/connection-budget.ts";
import { BoardAccess } from "./leaderboard-access.ts";
import { JoinAttemptLimiter, limitJoinAttempts } from "./middleware/join-attempts.ts";
import { clientIp, type TrustProxy } from "./middleware/client-ip.ts";
import { adminKeyCheck } from "./middleware/auth.ts";
import { LogThrottle } from "./logging/log-throttle.ts";

/** A raw Node handler mounted under a path prefix (e.g. Colyseus's `/matchmake/`). */
export interface RawMount {
  prefix: string;
  /** Label for metrics and logs. */
  label: string;
  /** Calls `next()` when it does not handle the request. */
  handle: (req: IncomingMessage, res: ServerResponse, next: () => void) => Promise<void> | void;
  /** Which requests are join attempts (counted against `joinAttemptsPerMinute`). */
  isJoinAttempt?: (method: string, path: string) => boolean;
}

export interface ApiOptions {
  bodyLimitBytes: number;
  corsOrigins: "*" | string[];
  /** Who may set the client address in X-Forwarded-For (TRUST_PROXY; see client-ip.ts). */
  trustProxy: TrustProxy;
  /** Leaderboard streams (SSE and the changes long poll). Defaults in server/config.ts. */
  streams?: StreamOptions & {
    history: number;
    /** Streams from one IP, whatever its tokens (STREAMS_PER_IP). Unset: none. */
    perIp?: number;
    /** Streams on this process (STREAMS_MAX). Unset: none. */
    max?: number;
    /** Live board publishers (STREAM_PUBLISHERS_MAX). @default 1000 */
    publishersMax?: number;
    /** How long an unwatched publisher lingers (STREAM_PUBLISHER_LINGER_MS). @default 60000 */
    publisherLingerMs?: number;
  };
  /** Match-result long polls. */
  polls?: LongPollOptions;
  /** The leaderboard page's folder (web/); not served when unset. */
  webRoot?: string;
  /** The SDK's browser build (web/dist/sdk, scripts/build-sdk.ts), served under /sdk/; not served when unset. */
  sdkRoot?: string;
  /**
   * Join attempts (matchmaking joins of mounts that mark them, league joins
   * by invite code) per player, or per IP without a valid token. Unset: no limit.
   */
  joinAttemptsPerMinute?: number;
  /** Guest sign-ins per client IP per minute. Unset: no limit. */
  guestSignupsPerMinute?: number;
}

export interface AppDeps {
  options: ApiOptions;
  logger: Logger;
  tokens: TokenIssuer;
  newPlayerId: () => string;
  registry: Registry;
  http: HttpObserver;
  readiness: () => Promise<ReadinessResponse>;
  /** Draining state and drain hooks (streams and polls register theirs). */
  lifecycle: Lifecycle;
  startedAt: number;
  mounts?: RawMount[];
  /**
   * Store interfaces (api never imports rooms; rooms and api meet in the
   * stores). Without them (unit tests of the app shell) the leaderboard and
   * admin routes are not mounted.
   */
  stores?: Pick<Stores, "leaderboards" | "results" | "rosters" | "notifications" | "spectators"> & Partial<Pick<Stores, "leagues">>;
  /** `X-Admin-Key` for /v1/admin/*. Required with `stores`. */
  adminKey?: string;
}

/**
 * The Koa app factory (it never listens). The server composes it with
 * Colyseus on one http.Server; tests can call `app.callback()` directly.
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

  const routers: Router<ApiState>[] = [
    healthRoutes({ startedAt: deps.startedAt, readiness: deps.readiness, registry: deps.registry }),
    authRoutes({
      tokens: deps.tokens,
      newPlayerId: deps.newPlayerId,
      guestLimiter: deps.options.guestSignupsPerMinute ? new JoinAttemptLimiter({ perMinute: deps.options.guestSignupsPerMinute }) : undefined,
    }),
  ];
  if (deps.stores) {
    if (!deps.adminKey) throw new Error("createApp: stores need an adminKey for the admin routes");
    routers.push(
      leaderboardRoutes({ leaderboards: deps.stores.leaderboards, access: boardAccess(deps.stores), isAdmin: isAdmin(deps.adminKey), tokens: deps.tokens }),
      adminRoutes({ adminKey: deps.adminKey, leaderboards: deps.stores.leaderboards, rosters: deps.stores.rosters, results: deps.stores.results }),
    );
    routers.push(...liveRoutes(deps, deps.stores, throttle));
    if (deps.stores.leagues) routers.push(leagueRoutes({ leagues: deps.stores.leagues, tokens: deps.tokens, joinLimit }));
  }
  if (deps.options.webRoot) routers.push(webRoutes(deps.options.webRoot));
  if (deps.options.sdkRoot) routers.push(sdkRoutes(deps.options.sdkRoot));
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }

  return app;
}

/** SSE leaderboard streams, their long-poll twin, and match-result long polls. */
function liveRoutes(deps: AppDeps, stores: NonNullable<AppDeps["stores"]>, throttle: LogThrottle): Router<ApiState>[] {
  // Every publisher of every board fails at once while the store is down: one line per kind and minute is enough.
  const onError = (error: unknown) => throttle.warn("live-update-failed", { err: error }, "live update failed");
  const routers: Router<ApiState>[] = [];
  if (deps.options.streams) {
    const { history, perIp, max, publishersMax, publisherLingerMs, ...streamOptions } = deps.options.streams;
    const admission = new ConnectionBudget({
      what: "concurrent streams",
      perClient: { max: streamOptions.perClient, variable: "STREAMS_PER_CLIENT", code: "TOO_MANY_STREAMS", retryAfter: 5 },
      perIp: perIp === undefined ? undefined : { max: perIp, variable: "STREAMS_PER_IP", code: "TOO_MANY_STREAMS", retryAfter: 5 },
      total: max === undefined ? undefined : { max, variable: "STREAMS_MAX", retryAfter: 5 },
    });
    const hub = new StreamHub({
      readTop: async (boardId, period, limit) => {
        const page = await stores.leaderboards.top(boardId, { limit, period });
        return { ...page.state, records: page.records };
      },
      subscribeChanges: (listener) =>
        stores.notifications.subscribe((event) => {
          if (event.type === "leaderboard" || event.type === "leaderboard-config") listener({ boardId: event.boardId });
          else if (event.type === "resync") listener({ boardId: "*" });
        }),
      registry: deps.registry,
      historyLimit: history,
      lingerMs: publisherLingerMs ?? 60_000,
      maxPublishers: publishersMax ?? 1000,
      onError,
    });
    routers.push(
      leaderboardStreamRoutes({
        hub,
        admission,
        leaderboards: stores.leaderboards,
        access: boardAccess(stores),
        isAdmin: isAdmin(deps.adminKey),
        tokens: deps.tokens,
        lifecycle: deps.lifecycle,
        options: streamOptions,
      }),
    );
    deps.lifecycle.onDrain(() => hub.close());
    routers.push(
      spectateRoutes({
        spectators: stores.spectators,
        results: stores.results,
        notifications: stores.notifications,
        tokens: deps.tokens,
        lifecycle: deps.lifecycle,
        admission,
        options: streamOptions,
      }),
    );
  }
  if (deps.options.polls) {
    const polls = matchResultRoutes({
      results: stores.results,
      notifications: stores.notifications,
      tokens: deps.tokens,
      lifecycle: deps.lifecycle,
      registry: deps.registry,
      options: deps.options.polls,
      onError,
    });
    routers.push(polls.router);
    deps.lifecycle.onDrain(() => polls.close());
  }
  return routers;
}

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

function boardAccess(stores: NonNullable<AppDeps["stores"]>): BoardAccess {
  return new BoardAccess({ leaderboards: stores.leaderboards, leagues: stores.leagues });
}

/** Whether a request carries the admin key (it reads every board, private ones included). */
function isAdmin(adminKey: string | undefined): (ctx: Koa.ParameterizedContext<ApiState>) => boolean {
  const check = adminKeyCheck(adminKey);
  return (ctx) => check(ctx.get("X-Admin-Key"));
}

/** Routers leave unmatched requests at 404 (or 405/501 from allowedMethods); answer those in the error shape. */
function notFoundInErrorShape(): Koa.Middleware<ApiState> {
  return async (ctx, next) => {
    await next();
    if (ctx.body != null || ctx.respond === false) return;
    if (ctx.status === 405 || ctx.status === 501) throw new AppError("METHOD_NOT_ALLOWED", `${ctx.method} is not allowed on ${ctx.path}`);
    if (ctx.status === 404) throw new AppError("ROUTE_NOT_FOUND", `No route for ${ctx.method} ${ctx.path}`);
  };
}

function corsMiddleware(origins: "*" | string[]): Koa.Middleware<ApiState> {
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

/** Hands a path prefix to a raw Node handler (Koa's documented escape hatch `ctx.respond = false`). */
function rawMountMiddleware(mount: RawMount, joinLimit?: Koa.Middleware<ApiState>): Koa.Middleware<ApiState> {
  return Object.assign(async (ctx: Koa.ParameterizedContext<ApiState>, next: Koa.Next) => {
    if (!ctx.path.startsWith(mount.prefix)) return next();
    ctx.state.routeLabel = mount.label;
    if (joinLimit && mount.isJoinAttempt?.(ctx.method, ctx.path)) await joinLimit(ctx, async () => undefined);
    let passed = false;
    ctx.respond = false;
    try {
      await mount.handle(ctx.req, ctx.res, () => {
        passed = true;
      });
    } catch (error) {
      // Nothing written yet: let the error middleware answer in the usual shape.
      if (!ctx.res.headersSent) ctx.respond = true;
      throw error;
    }
    if (passed) {
      ctx.respond = true;
      await next();
    }
  }, { mount });
}
