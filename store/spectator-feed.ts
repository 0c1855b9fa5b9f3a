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
}

export class MemorySpectatorFeed implements SpectatorFeed {
  readonly #local: LocalFrames;
  constructor(logger: Logger) {
    this.#local = new LocalFrames((error) => logger.error({ err: error }, "spectator listener threw"));
  }
  publish(frame: SpectateStateEvent): void {
    this.#local.deliver(frame);
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
