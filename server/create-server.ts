import http from "node:http";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import type Koa from "koa";
import { matchMaker, createNodeMatchmakingMiddleware, ErrorCode, ServerError, type Presence } from "@colyseus/core";
import { setTransport } from "@colyseus/core/Transport";
import { setLogger as setColyseusLogger } from "@colyseus/core/Logger";
import { createApp, type RawMount } from "../api/app.ts";
import { clientErrorHandler } from "../api/client-error.ts";
import type { ApiState } from "../api/context.ts";
import { Lifecycle } from "../api/lifecycle.ts";
import { projectRooms, type RoomDefinition, type RoomDeps } from "../rooms/index.ts";
import { RoomTransport } from "../rooms/room-transport.ts";
import { AppError, CloseCodes, CORS_EXPOSED_HEADERS, CORS_METHODS, CORS_REQUEST_HEADERS, type ReadinessResponse } from "../shared/index.ts";
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMatchmakeEdge, type MatchmakeEdge } from "./matchmake-edge.ts";
import { createMetrics } from "./metrics.ts";
import { createStores, type Stores } from "../store/index.ts";
import { TokenService, newPlayerId } from "./token-service.ts";

export interface CreateServerOptions {
  config: Config;
  logger?: Logger;
  /**
   * Room types to register. Default: the project's rooms. Tests pass their
   * own (e.g. a trivial echo room) alongside or instead.
   */
  rooms?: (deps: RoomDeps) => RoomDefinition[];
  /** The SDK's browser build served under /sdk/. Default: web/dist/sdk (scripts/build-sdk.ts). */
  sdkRoot?: string;
}

export interface ListeningInfo {
  port: number;
  /** http://host:port — the Koa API. */
  httpUrl: string;
  /** ws://host:port — what an SDK client connects to (same port). */
  wsUrl: string;
}

export interface AppServer {
  readonly httpServer: http.Server;
  /** The Koa app (tests enumerate its routes with `listRoutes`). */
  readonly api: Koa<ApiState>;
  readonly logger: Logger;
  readonly tokens: TokenService;
  readonly draining: boolean;
  /** Leaderboards, results, rosters, notifications and the result pipeline (memory or Redis). */
  readonly stores: Stores;
  /** Binds `config.port` (0 = any free port) on `config.host`, then starts the matchmaker. */
  listen(): Promise<ListeningInfo>;
  /**
   * Ordered drain: `/readyz` turns 503, drain hooks run (streams end, polls are
   * answered), new connections are refused, rooms get `graceMs` to finish and
   * are then closed with a rejoinable code, and the HTTP server closes.
   */
  close(options?: { graceMs?: number; drainDelayMs?: number }): Promise<void>;
}

/**
 * Colyseus keeps its matchmaker in module state, so one process can host
 * one server at a time. Tests run servers one after another; multi-process
 * tests spawn processes.
 */
let activeServer: AppServer | null = null;

/** The composition root: one http.Server for Koa (HTTP) and Colyseus (WebSocket + /matchmake). */
export async function createServer(options: CreateServerOptions): Promise<AppServer> {
  if (activeServer) {
    throw new Error("A server is already running in this process (Colyseus's matchmaker is process-wide); close it first.");
  }
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  setColyseusLogger(logger.child({ component: "colyseus" }));
  const metrics = createMetrics({ wsClients: () => matchMaker.stats.local.ccu });
  // Stores first: in distributed mode an unreachable Redis fails start-up here (RedisUnavailableError), before anything listens.
  const stores = await createStores({
    redisUrl: config.redisUrl,
    keyPrefix: config.stores.keyPrefix,
    connectTimeoutMs: config.stores.connectTimeoutMs,
    outboxLimit: config.stores.outboxLimit,
    leaderboardsFile: config.stores.leaderboardsFile,
    logger,
    onResultRejected: ({ reason, source }) => metrics.matchResultsRejected.inc({ reason, source }),
  }).catch((error: unknown) => {
    metrics.close();
    throw error;
  });

  const startedAt = Date.now();
  const tokens = new TokenService({ secret: config.tokenSecret, ttlSeconds: config.tokenTtlSeconds });
  const httpServer = http.createServer({
    // Node's request timeout bounds RECEIVING a request (headers and body), not
    // answering it: a long poll's or SSE stream's GET is complete at once, so
    // holds of 25 s and streams of minutes are not cut, while a client that
    // stalls its headers or body is answered 408 and its socket freed.
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    // Node checks those deadlines on this interval (default 30 s, which would let a stalled request live that much longer).
    connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs),
  });
  // Longer than the 60 s upstream keep-alive of nginx and AWS ALB, so they never reuse a connection the server is closing.
  httpServer.keepAliveTimeout = 65_000;
  // Requests Node refuses before Koa (huge headers, malformed HTTP, too slow) are answered in the error shape too.
  httpServer.on("clientError", clientErrorHandler({ headersTimeoutMs: config.http.headersTimeoutMs, requestTimeoutMs: config.http.requestTimeoutMs }));

  const lifecycle = new Lifecycle();
  let matchmakerReady = false;

  const readiness = async (): Promise<ReadinessResponse> => {
    const checks: ReadinessResponse["checks"] = {
      matchmaker: matchmakerReady ? { ok: true } : { ok: false, message: "matchmaker not accepting yet" },
      ...(await stores.ping()),
    };
    if (lifecycle.draining) return { status: "draining", checks };
    const ok = Object.values(checks).every((check) => check.ok);
    return { status: ok ? "ready" : "not-ready", checks };
  };

  const colyseusMatchmaking = createNodeMatchmakingMiddleware();
  let edge: MatchmakeEdge | undefined;
  const matchmaking: RawMount["handle"] = async (req, res, next) => {
    // A draining process takes no new seats: the client retries and lands on another process.
    if (lifecycle.draining) throw new AppError("DRAINING", "This server is draining; retry shortly", { retryAfter: 2 });
    // Without Redis the matchmaker (its presence and driver live there) would hold the request
    // until its own timeouts, then answer with the Redis client's text: say so at once.
    if (!stores.available) throw new AppError("STORE_UNAVAILABLE", "Matchmaking is unavailable while the store (Redis) is unreachable; retry shortly", { retryAfter: 2 });
    if (await edge?.admit(req, res)) return;
    return colyseusMatchmaking(req, res, next);
  };
  const app = createApp({
    options: {
      bodyLimitBytes: config.http.bodyLimitBytes,
      joinAttemptsPerMinute: config.http.joinAttemptsPerMinute,
      guestSignupsPerMinute: config.http.guestSignupsPerMinute,
      corsOrigins: config.corsOrigins,
      trustProxy: config.trustProxy,
      streams: { ...config.streams, maxWaitSeconds: config.polls.maxWaitSeconds },
      polls: config.polls,
      webRoot: fileURLToPath(new URL("../web", import.meta.url)),
      sdkRoot: options.sdkRoot ?? fileURLToPath(new URL("../web/dist/sdk", import.meta.url)),
    },
    logger,
    tokens,
    newPlayerId,
    registry: metrics.registry,
    http: metrics,
    readiness,
    lifecycle,
    startedAt,
    stores,
    adminKey: config.adminKey,
    mounts: [{ prefix: "/matchmake/", label: "/matchmake/:method/:roomName", handle: matchmaking, isJoinAttempt: isMatchmakeJoin }],
  });
  httpServer.on("request", app.callback());
  applyCorsPolicyToMatchmaker(config.corsOrigins);
  answerDeadProcessRoomsAsGone();

  const transport = new RoomTransport({
    noServer: true,
    maxPayload: config.ws.maxPayloadBytes,
    pingInterval: config.ws.pingIntervalMs,
    pingMaxRetries: config.ws.pingMaxRetries,
    frameLimits: {
      messages: { perSecond: config.ws.messagesPerSecond, burst: config.ws.messageBurst },
      control: { perSecond: config.ws.controlFramesPerSecond, burst: config.ws.controlFrameBurst },
    },
    tokens,
    onFlood: ({ kind, url }) => logger.warn({ kind, url }, "a WebSocket exceeded its frame budget; closed with 4103"),
  });

  const roomDeps: RoomDeps = {
    tokens,
    stores,
    logger: logger.child({ component: "rooms" }),
    tickRateHz: config.tickRateHz,
    patchRateHz: config.patchRateHz,
    spectateRateHz: config.spectateRateHz,
    shutdownGraceMs: config.shutdownGraceMs,
    maxBufferedBytes: config.ws.maxBufferedBytes,
    reconnectWindowSeconds: config.reconnectWindowSeconds,
    authRefreshLeadSeconds: config.authRefreshLeadSeconds,
    matchmaking: config.matchmaking,
    draft: config.draft,
    teamMembershipLeaseSeconds: config.teamMembershipLeaseSeconds,
  };
  const definitions = (options.rooms ?? projectRooms)(roomDeps);
  edge = createMatchmakeEdge(definitions, tokens);
  for (const definition of definitions) {
    const handler = matchMaker.defineRoomType(definition.name, definition.room, definition.defaultOptions);
    if (definition.filterBy) handler.filterBy(definition.filterBy);
    if (definition.realtimeListing) handler.enableRealtimeListing();
    handler.on("create", () => {
      metrics.roomsOpen.inc({ room: definition.name });
      metrics.roomsCreated.inc({ room: definition.name });
    });
    handler.on("dispose", () => metrics.roomsOpen.dec({ room: definition.name }));
    handler.on("join", () => metrics.roomClients.inc({ room: definition.name }));
    handler.on("leave", () => metrics.roomClients.dec({ room: definition.name }));
  }

  let closing: Promise<void> | null = null;
  let listening = false;

  const server: AppServer = {
    httpServer,
    api: app,
    logger,
    tokens,
    stores,
    get draining() {
      return lifecycle.draining;
    },

    async listen() {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
      listening = true;
      const address = httpServer.address() as AddressInfo;
      const reachableHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
      // One process: no publicAddress, so the SDK reaches rooms through the
      // URL it already uses (works behind a proxy). Several processes sharing
      // Redis: each must name its own address (the default is only right on
      // one machine without a proxy; config warns).
      const publicAddress = config.publicAddress ?? (config.redisUrl ? `${reachableHost}:${address.port}` : undefined);

      transport.attachToServer(httpServer);
      setTransport(transport);
      const { presence, driver } = await createColyseusBackends(config);
      await matchMaker.setup(presence, driver, publicAddress);
      await matchMaker.accept();
      matchmakerReady = true;

      const info: ListeningInfo = {
        port: address.port,
        httpUrl: `http://${reachableHost}:${address.port}`,
        wsUrl: `ws://${reachableHost}:${address.port}`,
      };
      logger.info({ ...info, publicAddress, mode: config.redisUrl ? "distributed" : "embedded" }, "listening");
      return info;
    },

    close(closeOptions = {}) {
      closing ??= (async () => {
        const graceMs = closeOptions.graceMs ?? config.shutdownGraceMs;
        const drainDelayMs = closeOptions.drainDelayMs ?? config.drainDelayMs;
        logger.info({ graceMs, drainDelayMs }, "draining");
        // /readyz is 503 from here; keep serving until the load balancer has
        // noticed, then end streams and answer parked polls.
        await lifecycle.drain(drainDelayMs);
        // Stop accepting new TCP connections; open keep-alive sockets finish their request.
        const closed = listening ? new Promise<void>((resolve) => httpServer.close(() => resolve())) : Promise.resolve();
        httpServer.closeIdleConnections();

        if (matchmakerReady) {
          // Rooms get the grace window (their onBeforeShutdown decides how to
          // wind down); whatever is left is closed with DRAINING so SDKs rejoin elsewhere.
          const shutdown = matchMaker.gracefullyShutdown().catch((error) => logger.warn({ err: error }, "matchmaker shutdown"));
          const timedOut = await raceTimeout(shutdown, graceMs);
          if (timedOut) {
            logger.warn("rooms did not finish within the grace window; closing them");
            await Promise.allSettled(matchMaker.disconnectAll(CloseCodes.DRAINING.code));
            await raceTimeout(shutdown, 2_000);
          }
          transport.shutdown();
          await Promise.resolve(matchMaker.presence?.shutdown()).catch(() => undefined);
          await Promise.resolve(matchMaker.driver?.shutdown()).catch(() => undefined);
        }
        for (const definition of definitions) matchMaker.removeRoomType(definition.name);

        if (listening) {
          httpServer.closeIdleConnections();
          if (await raceTimeout(closed, graceMs)) {
            logger.warn("HTTP connections still open after the grace window; closing them");
            httpServer.closeAllConnections();
            await closed;
          }
        }
        // After the rooms: a room finishing during the grace window still records its result.
        await stores.close({ graceMs: Math.min(graceMs, 5_000) });
        metrics.close();
        activeServer = null;
        logger.info("closed");
      })();
      return closing;
    },
  };
  activeServer = server;
  return server;
}

/** Resolves true if `promise` did not settle within `ms`. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  try {
    return await Promise.race([promise.then(() => false as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function createColyseusBackends(config: Config): Promise<{ presence?: Presence; driver?: matchMaker.MatchMakerDriver }> {
  if (!config.redisUrl) return {}; // LocalPresence + LocalDriver
  const [{ RedisPresence }, { RedisDriver }] = await Promise.all([import("@colyseus/redis-presence"), import("@colyseus/redis-driver")]);
  // Colyseus's keys live under the same configurable prefix as the stores', so
  // two deployments (or test runs) sharing one Redis never see each other's rooms.
  const options = ioredisOptions(config.redisUrl, `${config.stores.keyPrefix}colyseus:`);
  const driver = new RedisDriver(options);
  // The driver's ioredis client has no error listener of its own (ioredis then
  // prints "Unhandled error event" on every failed reconnect); it reconnects by itself.
  (driver as unknown as { _client?: { on(event: "error", listener: () => void): void } })._client?.on("error", () => undefined);
  return { presence: new RedisPresence(options), driver };
}

/** ioredis options from a redis:// or rediss:// URL (ioredis takes a URL or options, not both with a key prefix). */
function ioredisOptions(redisUrl: string, keyPrefix: string) {
  const url = new URL(redisUrl);
  const db = Number(url.pathname.slice(1) || 0);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: url.protocol === "rediss:" ? {} : undefined,
    keyPrefix,
  };
}

/**
 * Matchmaking calls that seat a client somewhere new count against
 * JOIN_ATTEMPTS_PER_MINUTE; `reconnect` does not (it can only take back a
 * seat the client held, and a proxy restart sends a whole crowd of them at once).
 */
const MATCHMAKE_JOIN = /^\/matchmake\/(joinOrCreate|create|join|joinById)\//;
function isMatchmakeJoin(method: string, path: string): boolean {
  return method === "POST" && MATCHMAKE_JOIN.test(path);
}

const DEAD_ROOM_PATCH = Symbol("arena:dead-room-answer");

/**
 * A room whose process died without a goodbye (SIGKILL, OOM) stays listed in
 * Redis until a health check sweeps it. `joinById` to it then answers
 * Colyseus's generic 523 `process … is not available.` (the sweep it
 * triggered has just removed the room), while the next client, after the
 * sweep, gets 522 `room not found`: clients of the same dead room would end
 * differently depending on who asked first. Answer 522 in both cases, since
 * the room is gone either way, so the SDK's documented fallback (the original join,
 * docs/protocol.md "Process crash") applies to every client. The controller
 * is process-wide: patched once.
 */
function answerDeadProcessRoomsAsGone(): void {
  const controller = matchMaker.controller as typeof matchMaker.controller & { [DEAD_ROOM_PATCH]?: true };
  if (controller[DEAD_ROOM_PATCH]) return;
  controller[DEAD_ROOM_PATCH] = true;
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (method, roomName, clientOptions, authOptions) => {
    try {
      return await invoke(method, roomName, clientOptions, authOptions);
    } catch (error) {
      if (method === "joinById" && (error as ServerError).code === ErrorCode.MATCHMAKE_UNHANDLED && !(await matchMaker.driver.findOne({ roomId: roomName }))) {
        throw new ServerError(ErrorCode.MATCHMAKE_INVALID_ROOM_ID, `room "${roomName}" not found`);
      }
      throw error;
    }
  };
}

/**
 * Colyseus answers `/matchmake/*` with its own CORS headers (any origin, with
 * credentials, by default). Apply the same policy as the API: an origin that
 * is not allowed gets no `Access-Control-Allow-Origin` at all (not `null`,
 * which a sandboxed iframe's `Origin: null` would match). The controller is process-wide.
 */
function applyCorsPolicyToMatchmaker(origins: Config["corsOrigins"]): void {
  const allowed = origins === "*" ? null : new Set(origins);
  const controller = matchMaker.controller as { DEFAULT_CORS_HEADERS: Record<string, string> };
  // Tokens travel in Authorization, never in cookies: no credentials, and no origin unless allowed below.
  const { "Access-Control-Allow-Origin": _anyOrigin, "Access-Control-Allow-Credentials": _credentials, ...defaults } = controller.DEFAULT_CORS_HEADERS;
  // The same request headers and methods as the API (shared/cors.ts): what the SDK sends.
  controller.DEFAULT_CORS_HEADERS = {
    ...defaults,
    "Access-Control-Allow-Headers": CORS_REQUEST_HEADERS.join(", "),
    "Access-Control-Allow-Methods": CORS_METHODS.join(", "),
    "Access-Control-Expose-Headers": CORS_EXPOSED_HEADERS.join(", "),
  };
  matchMaker.controller.getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get("origin");
    if (allowed === null) return { "Access-Control-Allow-Origin": origin || "*", Vary: "Origin" };
    return origin && allowed.has(origin) ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : { Vary: "Origin" };
  };
}
