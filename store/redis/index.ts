import type { Logger } from "pino";
import type { PartsOptions, StoreParts } from "../common/store-parts.ts";
import { RedisConnection } from "./connection.ts";
import { RedisDraftFeed } from "./draft-feed.ts";
import { RedisLeaderboardStore } from "./leaderboards.ts";
import { RedisLeagueStore } from "./leagues.ts";
import { RedisMatchResultStore } from "./match-results.ts";
import { RedisMatchmakingStore } from "./matchmaking.ts";
import { RedisNotifications } from "./notifications.ts";
import { RedisPipelineBackend } from "./pipeline-backend.ts";
import { RedisRatingStore } from "./ratings.ts";
import { RedisRosterStore } from "./rosters.ts";
import { RedisSpectatorFeed } from "./spectator-feed.ts";
import { RedisTeamMembershipStore } from "./team-memberships.ts";

export interface RedisPartsOptions extends PartsOptions {
  url: string;
  /** Prefix of every key and of the pub/sub channel. */
  prefix: string;
  connectTimeoutMs?: number;
  pipelineLeaseMs?: number;
}

/**
 * The distributed mode's stores: one connection (plus its subscriber), every
 * key under `prefix`. Fails (RedisUnavailableError) if Redis cannot be
 * reached within `connectTimeoutMs`.
 */
export async function createRedisParts(logger: Logger, options: RedisPartsOptions): Promise<StoreParts> {
  const { prefix, clock } = options;
  const keys = { prefix, channel: `${prefix}events` };
  const redis = await RedisConnection.connect({ url: options.url, logger, connectTimeoutMs: options.connectTimeoutMs });
  try {
    const notifications = new RedisNotifications(redis, keys.channel, logger);
    await notifications.start();
    const leaderboards = new RedisLeaderboardStore(redis, keys, options);
    const ratings = new RedisRatingStore(redis, keys);
    return {
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
      draftFeed: new RedisDraftFeed(redis, keys, { clock }),
      matchmaking: new RedisMatchmakingStore(redis, keys),
      teamMemberships: new RedisTeamMembershipStore(redis, keys),
      close: () => redis.close(),
    };
  } catch (error) {
    await redis.close();
    throw error;
  }
}
