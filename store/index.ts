import type { Logger } from "pino";
import type { RosterEntry } from "../shared/fantasy.ts";
import type { LeaderboardConfigInput } from "../shared/leaderboards.ts";
import { patchedConfig } from "./leaderboard-rules.ts";
import { loadLeaderboardFile } from "./leaderboard-file.ts";
import type { LeaderboardStore } from "./leaderboards.ts";
import { MemoryMatchResultStore, type RecordOptions, type ResultStore } from "./match-results.ts";
import { MemoryLeaderboardStore } from "./memory/leaderboards.ts";
import { MemoryPipelineBackend } from "./memory/pipeline-backend.ts";
import { LocalNotifications, type ChangeNotifications } from "./notifications.ts";
import { ResultPipeline, type PipelineBackend } from "./pipeline.ts";
import type { EffectBatch } from "./pipeline-effects.ts";
import { MemoryRatingStore, type RatingStore } from "./ratings.ts";
import { RedisConnection } from "./redis/connection.ts";
import { RedisLeaderboardStore } from "./redis/leaderboards.ts";
import { RedisMatchResultStore } from "./redis/match-results.ts";
import { RedisNotifications } from "./redis/notifications.ts";
import { MemorySpectatorFeed, RedisSpectatorFeed, type SpectatorFeed } from "./spectator-feed.ts";
import { MemoryMatchmakingStore, type MatchmakingStore } from "./matchmaking.ts";
import { RedisMatchmakingStore } from "./redis/matchmaking.ts";
import { RedisPipelineBackend } from "./redis/pipeline-backend.ts";
import { RedisTeamMembershipStore } from "./redis/team-memberships.ts";
import { MemoryTeamMembershipStore, type TeamMembershipStore } from "./team-memberships.ts";
import { RedisRatingStore } from "./redis/ratings.ts";
import { RedisRosterStore } from "./redis/rosters.ts";
import { leagueStandingsBoard, REFERENCE_BOARDS } from "./reference-boards.ts";
import { ResultRecorder, type RecordOutcome, type ResultRejection } from "./result-recorder.ts";
import { MemoryRosterStore, type RosterStore } from "./rosters.ts";
import { MemoryLeagueStore, type LeagueStore } from "./leagues.ts";
import { RedisLeagueStore } from "./redis/leagues.ts";

export type { LeaderboardStore } from "./leaderboards.ts";
export type { ResultStore, MatchResultStore, MatchClaims, MatchClaimOutcome, RecordOptions } from "./match-results.ts";
export type { RosterStore } from "./rosters.ts";
export type { LeagueStore, DraftSnapshot, NewLeague } from "./leagues.ts";
export type { RatingStore, PlayerRating } from "./ratings.ts";
export type { MatchmakingStore, QueueTicket } from "./matchmaking.ts";
export type { TeamMembershipStore, TeamMembership, MembershipClaim } from "./team-memberships.ts";
export type { ChangeNotifications, StoreEvent, StoreEventListener } from "./notifications.ts";
export type { ResultPipeline } from "./pipeline.ts";
export type { RecordOutcome, ResultRejection, ResultRejectionReason } from "./result-recorder.ts";
export { RedisUnavailableError } from "./redis/connection.ts";
export { LeaderboardFileError } from "./leaderboard-file.ts";

/** The results store as the rest of the server sees it: writes go through the outbox and kick the pipeline. */
export interface ResultsFront extends ResultStore {
  /** Records now, or answers `queued` when the store is unreachable (the outbox writes it later). */
  recordOrQueue(result: Parameters<ResultStore["record"]>[0], options?: RecordOptions): Promise<RecordOutcome>;
  /** Results waiting in the outbox. */
  readonly pending: number;
}

export type StoreChecks = Record<string, { ok: boolean; message?: string }>;

/**
 * Everything that must outlive a room (DESIGN §4), in memory or in Redis.
 * A result's effects (boards, ratings, fantasy standings) are applied by the
 * pipeline shortly AFTER `results.record` resolves: react to the `leaderboard`
 * notifications, or `await stores.pipeline.settled()` (tests).
 */
export interface Stores {
  readonly mode: "memory" | "redis";
  readonly leaderboards: LeaderboardStore;
  readonly results: ResultsFront;
  /** Assigning a player also creates the league's standings board. */
  readonly rosters: RosterStore;
  /** Fantasy leagues and their draft snapshots (issue 8). */
  readonly leagues: LeagueStore;
  readonly ratings: RatingStore;
  readonly notifications: ChangeNotifications;
  readonly pipeline: ResultPipeline;
  /** Live match frames from game rooms to SSE spectators (pub/sub, never stored). */
  readonly spectators: SpectatorFeed;
  /** Team join codes and the team matchmaking queue (issue 7). */
  readonly matchmaking: MatchmakingStore;
  /** Which team room each player is in (one at a time, across processes). */
  readonly teamMemberships: TeamMembershipStore;
  /** Readiness checks for `/readyz`: the store is reachable and nothing waits in the outbox. */
  ping(): Promise<StoreChecks>;
  /**
   * Whether the store is connected right now (always true in memory; in Redis
   * mode false during an outage): callers that would otherwise wait on Redis
   * (matchmaking) answer 503 STORE_UNAVAILABLE at once instead.
   */
  readonly available: boolean;
  /** Stops the pipeline, gives the outbox `graceMs` to drain, closes connections. */
  close(options?: { graceMs?: number }): Promise<void>;
}

export interface CreateStoresOptions {
  /** Unset: memory (embedded mode). */
  redisUrl?: string;
  /** Prefix of every Redis key and of the pub/sub channel. Tests use a unique one per run. @default "arena:" */
  keyPrefix?: string;
  logger: Logger;
  /** A JSON file of board configs to create or update at start-up. */
  leaderboardsFile?: string;
  /** Create the built-in boards (rating, wins, goals, all-time and weekly). @default true */
  referenceBoards?: boolean;
  /** How long start-up waits for Redis. @default 5000 */
  connectTimeoutMs?: number;
  /** Results held while Redis is unreachable. @default 1000 */
  outboxLimit?: number;
  /** Versions of change history kept per board period. @default 512 */
  historyLimit?: number;
  /** Sweep interval of the result pipeline. @default 2000 */
  pipelineSweepMs?: number;
  /** Redis mode: the result pipeline's applier lease (how long a crashed applier blocks the others). @default 15000 */
  pipelineLeaseMs?: number;
  /** Test hook (see ResultPipelineOptions.beforeCommit). */
  beforeCommit?: (batch: EffectBatch) => void | Promise<void>;
  /** The clock (ms). @default Date.now */
  clock?: () => number;
  /** Called for every match result the store refuses (metrics). */
  onResultRejected?: (rejection: ResultRejection) => void;
}

export const DEFAULT_KEY_PREFIX = "arena:";

/**
 * Builds the stores: memory without `redisUrl`, Redis with it. In Redis mode
 * start-up fails (RedisUnavailableError) if Redis cannot be reached within
 * `connectTimeoutMs`: a distributed process must not start half-connected.
 */
export async function createStores(options: CreateStoresOptions): Promise<Stores> {
  const logger = options.logger.child({ component: "stores" });
  const clock = options.clock ?? Date.now;
  const storeOptions = { historyLimit: options.historyLimit, clock };
  const fileBoards = options.leaderboardsFile ? await loadLeaderboardFile(options.leaderboardsFile) : [];

  let parts: {
    leaderboards: LeaderboardStore;
    results: ResultStore;
    rosters: RosterStore;
    leagues: LeagueStore;
    ratings: RatingStore;
    notifications: ChangeNotifications;
    backend: PipelineBackend;
    ping: () => Promise<{ ok: boolean; message?: string }>;
    available: () => boolean;
    onReconnect?: (listener: () => void) => void;
    spectators: SpectatorFeed;
    matchmaking: MatchmakingStore;
    teamMemberships: TeamMembershipStore;
    close: () => Promise<void>;
  };

  if (!options.redisUrl) {
    const notifications = new LocalNotifications((error) => logger.error({ err: error }, "store event listener threw"));
    const leaderboards = new MemoryLeaderboardStore(notifications, storeOptions);
    const ratings = new MemoryRatingStore();
    parts = {
      leaderboards,
      results: new MemoryMatchResultStore({ notifications, clock }),
      rosters: new MemoryRosterStore(),
      leagues: new MemoryLeagueStore({ clock }),
      ratings,
      notifications,
      backend: new MemoryPipelineBackend({ leaderboards, ratings, notifications, clock }),
      ping: async () => ({ ok: true }),
      available: () => true,
      spectators: new MemorySpectatorFeed(logger),
      matchmaking: new MemoryMatchmakingStore({ clock }),
      teamMemberships: new MemoryTeamMembershipStore({ clock }),
      close: async () => undefined,
    };
  } else {
    const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    const keys = { prefix, channel: `${prefix}events` };
    const redis = await RedisConnection.connect({ url: options.redisUrl, logger, connectTimeoutMs: options.connectTimeoutMs });
    try {
      const notifications = new RedisNotifications(redis, keys.channel, logger);
      await notifications.start();
      const leaderboards = new RedisLeaderboardStore(redis, keys, storeOptions);
      const ratings = new RedisRatingStore(redis, keys);
      parts = {
        leaderboards,
        results: new RedisMatchResultStore(redis, keys, { clock }),
        rosters: new RedisRosterStore(redis, keys),
        leagues: new RedisLeagueStore(redis, keys, { clock }),
        ratings,
        notifications,
        backend: new RedisPipelineBackend({ redis, prefix, leaderboards, ratingsKey: ratings.key, clock, leaseMs: options.pipelineLeaseMs }),
        ping: () => redis.ping(),
        available: () => redis.available,
        onReconnect: (listener) => redis.onReady(listener),
        spectators: new RedisSpectatorFeed(redis, prefix, logger),
        matchmaking: new RedisMatchmakingStore(redis, keys),
        teamMemberships: new RedisTeamMembershipStore(redis, keys),
        close: () => redis.close(),
      };
    } catch (error) {
      await redis.close();
      throw error;
    }
  }

  const { leaderboards } = parts;
  try {
    if (options.referenceBoards ?? true) for (const board of REFERENCE_BOARDS) await leaderboards.ensure(board);
    for (const board of fileBoards) await upsertBoard(leaderboards, board, logger);
  } catch (error) {
    await parts.close();
    throw error;
  }

  const pipeline = new ResultPipeline({
    backend: parts.backend,
    results: parts.results,
    ratings: parts.ratings,
    rosters: parts.rosters,
    leaderboards,
    logger,
    sweepIntervalMs: options.pipelineSweepMs,
    beforeCommit: options.beforeCommit,
  });
  const recorder = new ResultRecorder({ store: parts.results, pipeline, logger, outboxLimit: options.outboxLimit, onRejected: options.onResultRejected, clock });
  parts.onReconnect?.(() => {
    recorder.flushSoon();
    pipeline.kick();
  });
  pipeline.start();

  const rosters: RosterStore = {
    async assign(entry: RosterEntry & { teamName?: string }) {
      await leaderboards.ensure(leagueStandingsBoard(entry.leagueId));
      return parts.rosters.assign(entry);
    },
    unassign: (leagueId, playerId) => parts.rosters.unassign(leagueId, playerId),
    ownersOf: (playerIds) => parts.rosters.ownersOf(playerIds),
    league: (leagueId) => parts.rosters.league(leagueId),
    teamName: (leagueId, teamId) => parts.rosters.teamName(leagueId, teamId),
  };

  let closing: Promise<void> | null = null;
  return {
    mode: options.redisUrl ? "redis" : "memory",
    leaderboards,
    results: recorder,
    rosters,
    leagues: parts.leagues,
    ratings: parts.ratings,
    notifications: parts.notifications,
    spectators: parts.spectators,
    matchmaking: parts.matchmaking,
    teamMemberships: parts.teamMemberships,
    pipeline,
    get available() {
      return parts.available();
    },
    async ping() {
      const store = await parts.ping();
      const pending = recorder.pending;
      return {
        store,
        outbox: pending === 0 ? { ok: true } : { ok: false, message: `${pending} match result(s) waiting for the store` },
      };
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        await pipeline.stop();
        await recorder.close(closeOptions.graceMs ?? 2000);
        await parts.close();
      })();
      return closing;
    },
  };
}

/** File boards are the operator's declared config: create, or update what differs (a sort change is refused). */
async function upsertBoard(leaderboards: LeaderboardStore, board: LeaderboardConfigInput, logger: Logger): Promise<void> {
  const { config, created } = await leaderboards.ensure(board);
  if (created) {
    logger.info({ leaderboardId: config.id }, "leaderboard created from LEADERBOARDS_FILE");
    return;
  }
  const patch = {
    title: board.title ?? board.id,
    sort: board.sort ?? "desc",
    operator: board.operator ?? "best",
    reset: board.reset ?? null,
    metadata: board.metadata ?? {},
    visibility: board.visibility ?? "public",
  };
  const wanted = patchedConfig(config, patch, 0);
  const differs = (["title", "operator", "reset", "visibility"] as const).some((k) => wanted[k] !== config[k]) || JSON.stringify(wanted.metadata) !== JSON.stringify(config.metadata);
  if (differs) {
    await leaderboards.update(config.id, patch);
    logger.info({ leaderboardId: config.id }, "leaderboard updated from LEADERBOARDS_FILE");
  }
}
