import { EventEmitter } from "node:events";
import type { ChangeNotifications, StoreEvent, StoreEventListener } from "../notifications.ts";

/**
 * In-process fan-out used by both implementations: the memory stores emit
 * into it directly; the Redis subscriber feeds it what arrives on the channel.
 */
export class LocalNotifications implements ChangeNotifications {
  readonly #emitter = new EventEmitter();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => undefined) {
    this.#onListenerError = onListenerError;
    // SSE publishers and long-poll registries each add one listener per process;
    // many tests add their own. A leak would still show in listenerCount.
    this.#emitter.setMaxListeners(0);
  }

  subscribe(listener: StoreEventListener): () => void {
    const wrapped = (event: StoreEvent) => {
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error);
      }
    };
    this.#emitter.on("event", wrapped);
    return () => this.#emitter.off("event", wrapped);
  }

  get listenerCount(): number {
    return this.#emitter.listenerCount("event");
  }

  /** Delivers to local listeners (synchronously, in order). */
  emit(event: StoreEvent): void {
    this.#emitter.emit("event", event);
  }
}
