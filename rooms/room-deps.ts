import type { Room } from "@colyseus/core";
import type { Logger } from "pino";
import type { TokenClaims, TokenVerifier } from "../shared/index.ts";
import type { Stores } from "../store/index.ts";

/** What rooms get from the composition root (server/). Rooms never read the environment. */
export interface RoomDeps {
  tokens: TokenVerifier;
  logger: Logger;
  /**
   * The stores bundle (memory or Redis). Rooms use `results.record` (goes
   * through the outbox and the effects pipeline; may wait while Redis is
   * down) and `results.expect(matchId, ttl)` when a match starts.
   */
  stores: Stores;
  /**
   * Where the game room records `room_input_to_patch_seconds` (server/metrics.ts):
   * per input, accepted by the input handler → the patch carrying it written. Unset: not measured.
   */
  latency?: { inputToPatch: LatencyRecorder };
  tickRateHz: number;
  patchRateHz: number;
  /** Frames per second published to SSE spectators (`GET /v1/matches/:id/spectate`). */
  spectateRateHz: number;
  /** How long a draining process lets its rooms finish before closing them with DRAINING. */
  shutdownGraceMs: number;
  /**
   * Largest send backlog (ws `bufferedAmount`) a room client may build up by
   * not reading; past it the base room closes it with 4104 SLOW_CONSUMER.
   * Unset: rooms/base-room.ts's default.
   */
  maxBufferedBytes?: number;
  /** Default seconds a dropped client keeps its seat. */
  reconnectWindowSeconds: number;
  /** Seconds before token expiry that rooms ask the client to refresh in-band. */
  authRefreshLeadSeconds: number;
  /** Lease of a team member's "one team room per player" claim (TEAM_MEMBERSHIP_LEASE_SECONDS); default in rooms/team/memberships.ts. */
  teamMembershipLeaseSeconds?: number;
  /** Team matchmaking; defaults in rooms/matchmaking/ when unset. */
  matchmaking?: MatchmakingDeps;
  /** Draft room limits; defaults in rooms/draft/limits.ts when unset. */
  draft?: { poolLimit: number; closeAfterSeconds: number; idleCloseSeconds: number; scheduleCheckMs?: number };
}

/** Somewhere to put one latency, in seconds (a histogram of the composition root's). */
export interface LatencyRecorder {
  observe(seconds: number): void;
}

/** A room type to register with the matchmaker. */
export interface RoomDefinition {
  name: string;
  /**
   * Work the room type does while no room of it is open (the draft
   * scheduler): started once the matchmaker accepts rooms, stopped by the
   * returned function when the server closes.
   */
  background?: () => () => void;
  // Colyseus's own Type<Room> is `new (...args) => Room`.
  room: new (...args: any[]) => Room;
  defaultOptions?: Record<string, unknown>;
  /**
   * Join options joinOrCreate must match (Colyseus `filterBy`): a client that
   * passes one of these keys only lands in rooms whose listing metadata has the
   * same value. The room must keep these keys in its metadata.
   */
  filterBy?: string[];
  /**
   * Announce this type's rooms to the `lobby` room (Colyseus's
   * `enableRealtimeListing`: create, join, leave, metadata and visibility
   * changes, dispose). Private or unlisted rooms stay out of it.
   */
  realtimeListing?: boolean;
  /**
   * Option keys only the server may set (the game's `matchId`, chosen by a
   * matchmaker through `matchMaker.createRoom`). The matchmake edge
   * (`POST /matchmake/*`, the only way a client's options reach a room)
   * refuses a request carrying one, for any room: matchmake error 526
   * `VALIDATION_FAILED: …`.
   */
  serverOnlyOptions?: string[];
  /**
   * Checked at the matchmake edge before Colyseus sees a `joinOrCreate`,
   * `create` or `join` of this room type by a client whose token is valid:
   * throw an AppError to refuse it in the API's error shape (status from the
   * code, `details` included). The room must enforce the same rule itself
   * (joinById, races); this only gives clients an early, detailed answer.
   */
  admit?: (request: { method: "joinOrCreate" | "create" | "join"; claims: TokenClaims }) => Promise<void>;
}

/** Team matchmaking settings from the configuration (MATCHMAKING_* variables). */
export interface MatchmakingDeps {
  policy: { initialGap: number; gapGrowthPerSecond: number; maxGap: number };
  /** How often a process with waiting tickets looks for matches. */
  intervalMs: number;
  /** Options of every matchmade `game` room (MATCH_GAME_OPTIONS), e.g. `{ matchSeconds: 60 }`. */
  gameOptions: Record<string, unknown>;
}
