import type { Logger } from "pino";
import type { RosterEntry } from "../shared/fantasy.ts";
import { leagueStandingsBoard, REFERENCE_BOARDS } from "../shared/rules/leaderboards/reference-boards.ts";
import type { EffectBatch } from "../shared/rules/results/effects.ts";
import { loadLeaderboardFile } from "./common/leaderboard-file.ts";
import { upsertBoard } from "./common/board-setup.ts";
import { ResultPipeline } from "./common/result-pipeline.ts";
import { ResultRecorder } from "./common/result-recorder.ts";
import type { StoreParts } from "./common/store-parts.ts";
import type { DraftFeed } from "./draft-feed.ts";
import type { LeaderboardStore } from "./leaderboards.ts";
import type { LeagueStore } from "./leagues.ts";
import type { ResultRejection, ResultsFront } from "./match-results.ts";
import type { MatchmakingStore } from "./matchmaking.ts";
import { createMemoryParts } from "./memory/index.ts";
import type { ChangeNotifications } from "./notifications.ts";
import type { RatingStore } from "./ratings.ts";
import { createRedisParts } from "./redis/index.ts";
import type { RosterStore } from "./rosters.ts";
import type { SpectatorFeed } from "./spectator-feed.ts";
import type { TeamMembershipStore } from "./team-memberships.ts";

/**
 * The stores: an interface per store at this level (leaderboards.ts,
 * match-results.ts, …), their implementations in memory/ and redis/, what
 * both compose in common/ (the result pipeline and outbox, local fan-out,
 * storage encodings), and `createStores`, which picks the backend. The
 * rules they apply are pure functions in shared/rules/.
 */

export type { LeaderboardStore } from "./leaderboards.ts";
export type { ResultStore, MatchResultStore, MatchClaims, MatchClaimOutcome, RecordOptions, ResultsFront, RecordOutcome, ResultRejection, ResultRejectionReason } from "./match-results.ts";
export type { RosterStore } from "./rosters.ts";
export type { LeagueStore, DraftSnapshot, NewLeague } from "./leagues.ts";
export type { RatingStore, PlayerRating } from "./ratings.ts";
export type { MatchmakingStore, QueueTicket } from "./matchmaking.ts";
export type { TeamMembershipStore, TeamMembership, MembershipClaim } from "./team-memberships.ts";
export type { ChangeNotifications, StoreEvent, StoreEventListener } from "./notifications.ts";
export type { SpectatorFeed } from "./spectator-feed.ts";
export type { DraftFeed, DraftFeedEntry, DraftFeedBoard } from "./draft-feed.ts";
export { DRAFT_FEED_RETAINED } from "./common/draft-feed.ts";
export type { ResultPipeline } from "./common/result-pipeline.ts";
export { RedisUnavailableError } from "./redis/connection.ts";
export { LeaderboardFileError } from "./common/leaderboard-file.ts";

export type StoreChecks = Record<string, { ok: boolean; message?: string }>;

/**
 * Everything that must outlive a room, in memory or in Redis.
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
  /** Fantasy leagues and their draft snapshots. */
  readonly leagues: LeagueStore;
  readonly ratings: RatingStore;
  readonly notifications: ChangeNotifications;
  readonly pipeline: ResultPipeline;
  /** Live match frames from game rooms to SSE spectators (pub/sub, never stored). */
  readonly spectators: SpectatorFeed;
  /** Each league draft's event feed and board, from its room to the draft streams of every process. */
  readonly draftFeed: DraftFeed;
  /** Team join codes and the team matchmaking queue. */
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
  const partsOptions = { historyLimit: options.historyLimit, clock };
  const fileBoards = options.leaderboardsFile ? await loadLeaderboardFile(options.leaderboardsFile) : [];
  const parts: StoreParts = options.redisUrl
    ? await createRedisParts(logger, { ...partsOptions, url: options.redisUrl, prefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX, connectTimeoutMs: options.connectTimeoutMs, pipelineLeaseMs: options.pipelineLeaseMs })
    : createMemoryParts(logger, partsOptions);

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

  let closing: Promise<void> | null = null;
  return {
    mode: options.redisUrl ? "redis" : "memory",
    leaderboards,
    results: recorder,
    rosters: withStandingsBoards(parts.rosters, leaderboards),
    leagues: parts.leagues,
    ratings: parts.ratings,
    notifications: parts.notifications,
    spectators: parts.spectators,
    draftFeed: parts.draftFeed,
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

/** Assigning a player creates the league's standings board first (both backends). */
function withStandingsBoards(rosters: RosterStore, leaderboards: LeaderboardStore): RosterStore {
  return {
    async assign(entry: RosterEntry & { teamName?: string }) {
      await leaderboards.ensure(leagueStandingsBoard(entry.leagueId));
      return rosters.assign(entry);
    },
    unassign: (leagueId, playerId) => rosters.unassign(leagueId, playerId),
    ownersOf: (playerIds) => rosters.ownersOf(playerIds),
    league: (leagueId) => rosters.league(leagueId),
    teamName: (leagueId, teamId) => rosters.teamName(leagueId, teamId),
  };
}
