import type http from "node:http";
import { matchMaker, type Presence } from "@colyseus/core";
import { setTransport } from "@colyseus/core/Transport";
import { RoomTransport } from "../rooms/room-transport.ts";
import { CloseCodes } from "../shared/index.ts";
import type { Config } from "./config.ts";
import { raceTimeout } from "./deadline.ts";
import type { Logger } from "./logger.ts";
import { markRoomless, selectRoomHost, unmarkRoomless } from "./room-placement.ts";
import type { TokenService } from "./token-service.ts";

/**
 * Colyseus's side of one server: the WebSocket transport on the shared
 * `http.Server`, the presence and driver (local, or Redis in distributed
 * mode), the matchmaker's start and its part of the drain. Room types are
 * registered by the composition root (create-server.ts); the process-wide
 * controller patches live in matchmaker-patches.ts.
 */

/**
 * After the grace window, rooms closed with DRAINING get this long to finish
 * disposing before the drain moves on.
 * @default 2000
 */
export const ROOM_DISPOSE_AFTER_CLOSE_MS = 2_000;

let claimed = false;

/**
 * Colyseus keeps its matchmaker in module state, so one process can host
 * one server at a time. Tests run servers one after another; multi-process
 * tests spawn processes. Returns the release.
 */
export function claimMatchmaker(): () => void {
  if (claimed) throw new Error("A server is already running in this process (Colyseus's matchmaker is process-wide); close it first.");
  claimed = true;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    claimed = false;
  };
}

export class ColyseusHost {
  readonly #config: Config;
  readonly #logger: Logger;
  readonly #transport: RoomTransport;
  #accepting = false;

  constructor(options: { config: Config; tokens: TokenService; logger: Logger }) {
    const { config, tokens, logger } = options;
    this.#config = config;
    this.#logger = logger;
    this.#transport = new RoomTransport({
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
  }

  /** The matchmaker takes joins (readiness check). */
  get accepting(): boolean {
    return this.#accepting;
  }

  /** Attaches the transport to `httpServer`, sets up presence and driver, and starts accepting. */
  async start(httpServer: http.Server, publicAddress: string | undefined): Promise<void> {
    this.#transport.attachToServer(httpServer);
    setTransport(this.#transport);
    const { presence, driver } = await createBackends(this.#config);
    // Every process places rooms the same way: never on a process marked room-less (room-placement.ts).
    await matchMaker.setup(presence, driver, publicAddress, selectRoomHost);
    if (this.#config.processRole === "api") await markRoomless(matchMaker.presence, matchMaker.processId);
    await matchMaker.accept();
    this.#accepting = true;
    if (this.#config.processRole === "api") await this.#warnWithoutRoomHost();
  }

  /**
   * An api process alone on its Redis and key prefix (no room process started
   * yet, or one with another REDIS_KEY_PREFIX) serves streams and polls, but
   * every room creation answers SERVER_BUSY: say so once at start.
   */
  async #warnWithoutRoomHost(): Promise<void> {
    const host = await selectRoomHost().catch(() => undefined);
    if (host) return;
    this.#logger.warn(
      { keyPrefix: this.#config.stores.keyPrefix },
      "PROCESS_ROLE=api: no process that hosts rooms shares this Redis and REDIS_KEY_PREFIX yet; creating a room answers SERVER_BUSY until one (PROCESS_ROLE=all) starts",
    );
  }

  /**
   * Rooms get the grace window (their onBeforeShutdown decides how to wind
   * down); whatever is left is closed with DRAINING so SDKs rejoin elsewhere.
   * Then the transport, presence and driver close, and `roomNames` are
   * unregistered (the next server of this process registers its own).
   */
  async stop(options: { graceMs: number; roomNames: readonly string[] }): Promise<void> {
    if (this.#accepting) {
      const shutdown = matchMaker.gracefullyShutdown().catch((error) => this.#logger.warn({ err: error }, "matchmaker shutdown"));
      if (await raceTimeout(shutdown, options.graceMs)) {
        this.#logger.warn("rooms did not finish within the grace window; closing them");
        await Promise.allSettled(matchMaker.disconnectAll(CloseCodes.DRAINING.code));
        await raceTimeout(shutdown, ROOM_DISPOSE_AFTER_CLOSE_MS);
      }
      this.#transport.shutdown();
      if (this.#config.processRole === "api") await unmarkRoomless(matchMaker.presence, matchMaker.processId).catch(() => undefined);
      await Promise.resolve(matchMaker.presence?.shutdown()).catch(() => undefined);
      await Promise.resolve(matchMaker.driver?.shutdown()).catch(() => undefined);
    }
    for (const name of options.roomNames) matchMaker.removeRoomType(name);
  }
}

async function createBackends(config: Config): Promise<{ presence?: Presence; driver?: matchMaker.MatchMakerDriver }> {
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
