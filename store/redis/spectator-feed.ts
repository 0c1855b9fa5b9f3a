import type { Logger } from "pino";
import type { SpectateStateEvent } from "../../shared/spectate.ts";
import { LocalFrames } from "../common/local-frames.ts";
import type { SpectatorFeed, SpectatorFrameListener } from "../spectator-feed.ts";
import type { RedisConnection } from "./connection.ts";

/** How often the Redis feed asks Redis whether a match's channel has a subscriber. */
export const WATCHED_CHECK_MS = 1000;

/**
 * Redis pub/sub, one channel per match (`<prefix>spectate:<matchId>`), subscribed
 * only while this process has a viewer of that match. A PUBLISH with no
 * subscriber anywhere costs Redis almost nothing.
 */
export class RedisSpectatorFeed implements SpectatorFeed {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #local: LocalFrames;
  /** Per match: subscribers on its channel (any process) at `checkedAt`; a check in flight. */
  readonly #watched = new Map<string, { watched: boolean; checkedAt: number; checking: boolean }>();

  constructor(redis: RedisConnection, prefix: string, logger: Logger) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#logger = logger;
    this.#local = new LocalFrames((error) => logger.error({ err: error }, "spectator listener threw"));
  }

  #channel(matchId: string): string {
    return `${this.#prefix}spectate:${matchId}`;
  }

  publish(frame: SpectateStateEvent): void {
    this.#redis.client.publish(this.#channel(frame.matchId), JSON.stringify(frame)).catch((error: unknown) => {
      this.#logger.debug({ err: error }, "spectator frame not published");
    });
  }

  isWatched(matchId: string): boolean {
    if (this.#local.has(matchId)) return true;
    const now = Date.now();
    let entry = this.#watched.get(matchId);
    if (!entry) {
      if (this.#watched.size > 10_000) this.#sweep(now);
      this.#watched.set(matchId, (entry = { watched: true, checkedAt: 0, checking: false }));
    }
    if (!entry.checking && now - entry.checkedAt >= WATCHED_CHECK_MS) {
      const current = entry;
      current.checking = true;
      const channel = this.#channel(matchId);
      this.#redis.client
        .pubSubNumSub(channel)
        .then((counts) => {
          current.watched = Number(counts[channel] ?? 0) > 0;
        })
        .catch(() => {
          current.watched = true; // unknown: keep publishing
        })
        .finally(() => {
          current.checking = false;
          current.checkedAt = Date.now();
        });
    }
    return entry.watched;
  }

  /** Forgets matches not asked about for a minute (finished ones). */
  #sweep(now: number): void {
    for (const [matchId, entry] of this.#watched) if (now - entry.checkedAt > 60_000 && !entry.checking) this.#watched.delete(matchId);
  }

  subscribe(matchId: string, listener: SpectatorFrameListener): () => void {
    const entry = this.#local.add(matchId, listener);
    if (entry.first) {
      this.#redis.subscriber
        .subscribe(this.#channel(matchId), (message: string) => {
          try {
            this.#local.deliver(JSON.parse(message) as SpectateStateEvent);
          } catch (error) {
            this.#logger.warn({ err: error }, "ignoring a malformed spectator frame");
          }
        })
        .catch((error: unknown) => this.#logger.warn({ err: error, matchId }, "spectator subscribe failed"));
    }
    return () => {
      if (entry.remove()) {
        this.#redis.subscriber.unsubscribe(this.#channel(matchId)).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {}
}
