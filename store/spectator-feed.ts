import type { Logger } from "pino";
import type { SpectateStateEvent } from "../shared/spectate.ts";
import type { RedisConnection } from "./redis/connection.ts";

export type SpectatorFrameListener = (frame: SpectateStateEvent) => void;

/**
 * Live match frames from game rooms to SSE spectators (rooms and api meet
 * only here). Fire-and-forget: a lost frame is replaced by the next one, so
 * this is plain pub/sub, never stored. The end of a match reaches spectators
 * through the results store (the `result` notification), not through here.
 */
export interface SpectatorFeed {
  publish(frame: SpectateStateEvent): void;
  /**
   * Whether a frame of this match could reach a viewer: rooms skip building
   * frames (state → JSON, 5 Hz per room) nobody watches. False only when no
   * viewer exists (memory: none here; Redis: no subscriber on the channel at
   * the last check, at most `WATCHED_CHECK_MS` ago), so a new viewer's first
   * frame can come that much later.
   */
  isWatched(matchId: string): boolean;
  /** Listens to one match's frames from every process; returns unsubscribe. */
  subscribe(matchId: string, listener: SpectatorFrameListener): () => void;
  close(): Promise<void>;
}

/** Local fan-out, used by both implementations. */
class LocalFrames {
  readonly #byMatch = new Map<string, Set<SpectatorFrameListener>>();
  constructor(readonly onListenerError: (error: unknown) => void) {}

  add(matchId: string, listener: SpectatorFrameListener): { first: boolean; remove: () => boolean } {
    let set = this.#byMatch.get(matchId);
    const first = !set;
    if (!set) this.#byMatch.set(matchId, (set = new Set()));
    set.add(listener);
    return {
      first,
      /** True when it removed the last listener of the match. */
      remove: () => {
        if (!set.delete(listener) || set.size > 0) return false;
        this.#byMatch.delete(matchId);
        return true;
      },
    };
  }

  deliver(frame: SpectateStateEvent): void {
    for (const listener of this.#byMatch.get(frame.matchId) ?? []) {
      try {
        listener(frame);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  get size(): number {
    return this.#byMatch.size;
  }

  has(matchId: string): boolean {
    return this.#byMatch.has(matchId);
  }
}

/** How often the Redis feed asks Redis whether a match's channel has a subscriber. */
export const WATCHED_CHECK_MS = 1000;

export class MemorySpectatorFeed implements SpectatorFeed {
  readonly #local: LocalFrames;
  constructor(logger: Logger) {
    this.#local = new LocalFrames((error) => logger.error({ err: error }, "spectator listener threw"));
  }
  publish(frame: SpectateStateEvent): void {
    this.#local.deliver(frame);
  }
  isWatched(matchId: string): boolean {
    return this.#local.has(matchId);
  }
  subscribe(matchId: string, listener: SpectatorFrameListener): () => void {
    const entry = this.#local.add(matchId, listener);
    return () => void entry.remove();
  }
  async close(): Promise<void> {}
}

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
