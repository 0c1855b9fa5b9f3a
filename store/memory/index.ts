import type { Logger } from "pino";
import { LocalNotifications } from "../common/local-notifications.ts";
import type { PartsOptions, StoreParts } from "../common/store-parts.ts";
import { MemoryDraftFeed } from "./draft-feed.ts";
import { MemoryLeaderboardStore } from "./leaderboards.ts";
import { MemoryLeagueStore } from "./leagues.ts";
import { MemoryMatchResultStore } from "./match-results.ts";
import { MemoryMatchmakingStore } from "./matchmaking.ts";
import { MemoryPipelineBackend } from "./pipeline-backend.ts";
import { MemoryRatingStore } from "./ratings.ts";
import { MemoryRosterStore } from "./rosters.ts";
import { MemorySpectatorFeed } from "./spectator-feed.ts";
import { MemoryTeamMembershipStore } from "./team-memberships.ts";

/** The embedded mode's stores: one process, Maps are the truth, everything is lost on restart. */
export function createMemoryParts(logger: Logger, options: PartsOptions): StoreParts {
  const { clock } = options;
  const notifications = new LocalNotifications((error) => logger.error({ err: error }, "store event listener threw"));
  const leaderboards = new MemoryLeaderboardStore(notifications, options);
  const ratings = new MemoryRatingStore();
  return {
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
    draftFeed: new MemoryDraftFeed(notifications, { clock }),
    matchmaking: new MemoryMatchmakingStore({ clock }),
    teamMemberships: new MemoryTeamMembershipStore({ clock }),
    close: async () => undefined,
  };
}
