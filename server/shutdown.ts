import type http from "node:http";
import { closeIdleHeld } from "../api/held-connection.ts";
import type { Lifecycle } from "../api/lifecycle.ts";
import type { Stores } from "../store/index.ts";
import type { ColyseusHost } from "./colyseus-host.ts";
import { raceTimeout } from "./deadline.ts";
import type { Logger } from "./logger.ts";

/**
 * The stores get at most this long (or the grace window, if shorter) to
 * flush their outbox and close their connections.
 * @default 5000
 */
export const STORES_CLOSE_GRACE_CAP_MS = 5_000;

/**
 * After a signal, the process exits anyway once the drain has taken
 * DRAIN_DELAY_MS + 2 × SHUTDOWN_GRACE_MS (rooms, then HTTP connections) plus
 * this margin (the stores close within STORES_CLOSE_GRACE_CAP_MS): a drain
 * that hangs never keeps a stopped process alive (server/main.ts).
 * @default 5000
 */
export const HARD_STOP_MARGIN_MS = 5_000;

/** What the ordered drain closes, in the order it closes them. */
export interface DrainParts {
  logger: Logger;
  lifecycle: Lifecycle;
  httpServer: http.Server;
  /** Whether `httpServer` was listening (a server closed before `listen()` has no listener to close). */
  listening: boolean;
  colyseus: ColyseusHost;
  roomNames: readonly string[];
  stores: Stores;
  /** Last: the metrics registry. */
  closeMetrics: () => void;
}

/**
 * The ordered drain of docs/operations.md ("Draining"): `/readyz` turns 503,
 * drain hooks run (streams end, polls are answered), new connections are
 * refused, rooms get `graceMs` to finish and are then closed with a
 * rejoinable code, the HTTP server closes, then the stores.
 */
export async function drainInOrder(parts: DrainParts, options: { graceMs: number; drainDelayMs: number }): Promise<void> {
  const { logger, lifecycle, httpServer, listening } = parts;
  const { graceMs, drainDelayMs } = options;
  logger.info({ graceMs, drainDelayMs }, "draining");
  // /readyz is 503 from here; keep serving until the load balancer has
  // noticed, then end streams and answer parked polls.
  await lifecycle.drain(drainDelayMs);
  // Stop accepting new TCP connections; open keep-alive sockets finish their request.
  const closed = listening ? new Promise<void>((resolve) => httpServer.close(() => resolve())) : Promise.resolve();
  closeIdle(httpServer);

  await parts.colyseus.stop({ graceMs, roomNames: parts.roomNames });

  if (listening) {
    closeIdle(httpServer);
    if (await raceTimeout(closed, graceMs)) {
      logger.warn("HTTP connections still open after the grace window; closing them");
      httpServer.closeAllConnections();
      closeIdleHeld(httpServer);
      await closed;
    }
  }
  // After the rooms: a room finishing during the grace window still records its result.
  await parts.stores.close({ graceMs: Math.min(graceMs, STORES_CLOSE_GRACE_CAP_MS) });
  parts.closeMetrics();
}

/** Node's idle keep-alive connections, and ours: those served by a held stream or poll, between requests (api/held-connection.ts). */
function closeIdle(httpServer: http.Server): void {
  httpServer.closeIdleConnections();
  closeIdleHeld(httpServer);
}
