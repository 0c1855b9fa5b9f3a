import type { Room } from "@colyseus/core";
import type { Logger } from "pino";
import type { TokenVerifier } from "../shared/index.ts";
import type { MatchResultStore } from "../store/match-results.ts";

/** What rooms get from the composition root (server/). Rooms never read the environment. */
export interface RoomDeps {
  tokens: TokenVerifier;
  logger: Logger;
  stores: { results: MatchResultStore };
  tickRateHz: number;
  patchRateHz: number;
  /** How long a draining process lets its rooms finish before closing them with DRAINING. */
  shutdownGraceMs: number;
  /** Per-client room message limits (token bucket). */
  messageLimits: { perSecond: number; burst: number };
  /** Default seconds a dropped client keeps its seat. */
  reconnectWindowSeconds: number;
  /** Seconds before token expiry that rooms ask the client to refresh in-band. */
  authRefreshLeadSeconds: number;
}

/** A room type to register with the matchmaker. */
export interface RoomDefinition {
  name: string;
  // Colyseus's own Type<Room> is `new (...args) => Room`.
  room: new (...args: any[]) => Room;
  defaultOptions?: Record<string, unknown>;
}
