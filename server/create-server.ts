import type http from "node:http";
import { fileURLToPath } from "node:url";
import type Koa from "koa";
import { matchMaker } from "@colyseus/core";
import { setLogger as setColyseusLogger } from "@colyseus/core/Logger";
import { createApp, type ApiOptions } from "../api/app.ts";
import type { ApiState } from "../api/context.ts";
import { Lifecycle } from "../api/lifecycle.ts";
import { projectRooms, type RoomDefinition, type RoomDeps } from "../rooms/index.ts";
import type { ReadinessResponse } from "../shared/index.ts";
import { ColyseusHost, claimMatchmaker } from "./colyseus-host.ts";
import type { Config } from "./config.ts";
import { createHttpServer, listenOn } from "./http-server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createMatchmakeEdge, type MatchmakeEdge } from "./matchmake-edge.ts";
import { applyMatchmakerPatches } from "./matchmaker-patches.ts";
import { matchmakingMount } from "./matchmaking-mount.ts";
import { roomlessClass, type ProcessRole } from "./room-placement.ts";
import { createMetrics, type ServerMetrics } from "./metrics.ts";
import { drainInOrder } from "./shutdown.ts";
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
 * The composition root: one http.Server for Koa (HTTP) and Colyseus
 * (WebSocket + /matchmake). Builds the stores, the API and the rooms from
 * `config` and wires them together; Colyseus's side is colyseus-host.ts, the
 * drain shutdown.ts. One server per process at a time (Colyseus's matchmaker
 * is process-wide).
 */
export async function createServer(options: CreateServerOptions): Promise<AppServer> {
  const release = claimMatchmaker();
  try {
    return await composeServer(options, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function composeServer(options: CreateServerOptions, release: () => void): Promise<AppServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  setColyseusLogger(logger.child({ component: "colyseus" }));
  const metrics = createMetrics({ wsClients: () => matchMaker.stats.local.ccu });
  // Stores first: in distributed mode an unreachable Redis fails start-up here (RedisUnavailableError), before anything listens.
  const stores = await openStores(config, logger, metrics);

  const startedAt = Date.now();
  const tokens = new TokenService({ secret: config.tokenSecret, ttlSeconds: config.tokenTtlSeconds });
  const httpServer = createHttpServer(config.http);
  const lifecycle = new Lifecycle();
  const colyseus = new ColyseusHost({ config, tokens, logger });

  let edge: MatchmakeEdge | undefined;
  const app = createApp({
    options: apiOptions(config, options.sdkRoot),
    logger,
    tokens,
    newPlayerId,
    registry: metrics.registry,
    http: metrics,
    latency: { sseChangeToWrite: metrics.latency.sseChangeToWrite, longPollResultToAnswer: metrics.latency.longPollResultToAnswer },
    readiness: () => readiness(colyseus, stores, lifecycle),
    lifecycle,
    startedAt,
    stores,
    adminKey: config.adminKey,
    mounts: [matchmakingMount({ lifecycle, storesAvailable: () => stores.available, edge: () => edge })],
  });
  httpServer.on("request", app.callback());

  const roomDeps = roomDepsFrom(config, { tokens, stores, logger: logger.child({ component: "rooms" }), latency: { inputToPatch: metrics.latency.roomInputToPatch } });
  const definitions = (options.rooms ?? projectRooms)(roomDeps);
  applyMatchmakerPatches({ corsOrigins: config.corsOrigins, serverOnlyOptions: definitions.flatMap((definition) => definition.serverOnlyOptions ?? []) });
  edge = createMatchmakeEdge(definitions, tokens);
  registerRoomTypes(definitions, metrics, config.processRole);

  let closing: Promise<void> | null = null;
  let listening = false;
  let stopBackground: (() => void)[] = [];
  return {
    httpServer,
    api: app,
    logger,
    tokens,
    stores,
    get draining() {
      return lifecycle.draining;
    },

    async listen() {
      const address = await listenOn(httpServer, config.port, config.host, config.http.listenBacklog);
      listening = true;
      const info = await startAccepting({ config, logger, httpServer, colyseus, port: address.port });
      stopBackground = definitions.flatMap((definition) => (definition.background ? [definition.background()] : []));
      return info;
    },

    close(closeOptions = {}) {
      closing ??= (async () => {
        for (const stop of stopBackground.splice(0)) stop();
        const parts = { logger, lifecycle, httpServer, listening, colyseus, roomNames: definitions.map((definition) => definition.name), stores, closeMetrics: () => metrics.close() };
        await drainInOrder(parts, { graceMs: closeOptions.graceMs ?? config.shutdownGraceMs, drainDelayMs: closeOptions.drainDelayMs ?? config.drainDelayMs });
        release();
        logger.info("closed");
      })();
      return closing;
    },
  };
}

/** Once the port is bound: the matchmaker starts taking rooms, announced at the right address. */
async function startAccepting(options: { config: Config; logger: Logger; httpServer: http.Server; colyseus: ColyseusHost; port: number }): Promise<ListeningInfo> {
  const { config, port } = options;
  const reachableHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  // One process: no publicAddress, so the SDK reaches rooms through the
  // URL it already uses (works behind a proxy). Several processes sharing
  // Redis: each must name its own address (the default is only right on
  // one machine without a proxy; config warns).
  const publicAddress = config.publicAddress ?? (config.redisUrl ? `${reachableHost}:${port}` : undefined);
  await options.colyseus.start(options.httpServer, publicAddress);
  const info: ListeningInfo = { port, httpUrl: `http://${reachableHost}:${port}`, wsUrl: `ws://${reachableHost}:${port}` };
  options.logger.info({ ...info, publicAddress, mode: config.redisUrl ? "distributed" : "embedded", role: config.processRole }, "listening");
  return info;
}

async function openStores(config: Config, logger: Logger, metrics: ServerMetrics): Promise<Stores> {
  return createStores({
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
}

/** The API's limits and paths from the configuration. */
function apiOptions(config: Config, sdkRoot: string | undefined): ApiOptions {
  return {
    bodyLimitBytes: config.http.bodyLimitBytes,
    joinAttemptsPerMinute: config.http.joinAttemptsPerMinute,
    guestSignupsPerMinute: config.http.guestSignupsPerMinute,
    corsOrigins: config.corsOrigins,
    trustProxy: config.trustProxy,
    streams: { ...config.streams, maxWaitSeconds: config.polls.maxWaitSeconds },
    polls: config.polls,
    webRoot: fileURLToPath(new URL("../web", import.meta.url)),
    sdkRoot: sdkRoot ?? fileURLToPath(new URL("../web/dist/sdk", import.meta.url)),
  };
}

/** What rooms get: the shared services and their limits from the configuration. */
function roomDepsFrom(config: Config, services: Pick<RoomDeps, "tokens" | "stores" | "logger" | "latency">): RoomDeps {
  return {
    ...services,
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
}

async function readiness(colyseus: ColyseusHost, stores: Stores, lifecycle: Lifecycle): Promise<ReadinessResponse> {
  const checks: ReadinessResponse["checks"] = {
    matchmaker: colyseus.accepting ? { ok: true } : { ok: false, message: "matchmaker not accepting yet" },
    ...(await stores.ping()),
  };
  if (lifecycle.draining) return { status: "draining", checks };
  const ok = Object.values(checks).every((check) => check.ok);
  return { status: ok ? "ready" : "not-ready", checks };
}

/**
 * Registers each room type with the matchmaker, with its room metrics. An api
 * process registers them too (it answers matchmaking requests and runs the
 * rooms' `onAuth`), but with a class that refuses to be created there.
 */
function registerRoomTypes(definitions: RoomDefinition[], metrics: ServerMetrics, role: ProcessRole): void {
  for (const definition of definitions) {
    const room = role === "api" ? roomlessClass(definition.room) : definition.room;
    const handler = matchMaker.defineRoomType(definition.name, room, definition.defaultOptions);
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
}
