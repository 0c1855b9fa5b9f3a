import type { DraftFeed } from "../draft-feed.ts";
import type { LeaderboardStore } from "../leaderboards.ts";
import type { LeagueStore } from "../leagues.ts";
import type { ResultStore } from "../match-results.ts";
import type { MatchmakingStore } from "../matchmaking.ts";
import type { ChangeNotifications } from "../notifications.ts";
import type { PipelineBackend } from "../pipeline.ts";
import type { RatingStore } from "../ratings.ts";
import type { RosterStore } from "../rosters.ts";
import type { SpectatorFeed } from "../spectator-feed.ts";
import type { TeamMembershipStore } from "../team-memberships.ts";

/**
 * What one backend (store/memory/index.ts, store/redis/index.ts) builds and
 * `createStores` (store/index.ts) composes with the backend-independent
 * parts: the result pipeline, the outbox and the start-up boards.
 */
export interface StoreParts {
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
  draftFeed: DraftFeed;
  matchmaking: MatchmakingStore;
  teamMemberships: TeamMembershipStore;
  close: () => Promise<void>;
}

export interface PartsOptions {
  /** Versions of change history kept per board period. */
  historyLimit?: number;
  clock: () => number;
}
