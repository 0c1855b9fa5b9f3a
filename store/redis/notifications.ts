import type { Logger } from "pino";
import { LocalNotifications } from "../common/local-notifications.ts";
import type { StoreEvent } from "../notifications.ts";
import type { RedisConnection } from "./connection.ts";

/**
 * Redis pub/sub on one channel (`<prefix>events`). Stores publish from inside
 * their Lua scripts, so a notification goes out exactly when its change
 * commits. Every process's subscriber feeds its local listeners. Pub/sub is
 * at-most-once: after the subscriber reconnects, listeners get a `resync`
 * (they re-read), and versions/seqs let them spot any other gap.
 */
export class RedisNotifications extends LocalNotifications {
  readonly #redis: RedisConnection;
  readonly #channel: string;
  readonly #logger: Logger;
  #subscribedOnce = false;

  constructor(redis: RedisConnection, channel: string, logger: Logger) {
    super((error) => logger.error({ err: error }, "store event listener threw"));
    this.#redis = redis;
    this.#channel = channel;
    this.#logger = logger;
    redis.subscriber.on("ready", () => {
      // node-redis re-subscribes by itself after a reconnect; tell listeners what they may have missed.
      if (this.#subscribedOnce) this.emit({ type: "resync", reason: "redis-reconnected" });
    });
  }

  async start(): Promise<void> {
    await this.#redis.subscriber.subscribe(this.#channel, (message) => this.#onMessage(message));
    this.#subscribedOnce = true;
  }

  #onMessage(message: string): void {
    let event: StoreEvent;
    try {
      event = JSON.parse(message) as StoreEvent;
    } catch (error) {
      this.#logger.warn({ err: error }, "ignoring a malformed store event");
      return;
    }
    this.emit(event);
  }
}
