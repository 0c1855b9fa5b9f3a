import type { Room } from "@colyseus/sdk";

/**
 * Messages `send()` while a room connection is not open: kept (the oldest
 * dropped past `limit`; none with a limit of 0) and sent, in order, once the
 * next room is open, before anything a `state` listener sends on open.
 */
export class SendQueue {
  readonly #limit: number;
  readonly #items: { type: string; payload: unknown }[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(type: string, payload: unknown): void {
    if (this.#limit <= 0) return;
    this.#items.push({ type, payload });
    if (this.#items.length > this.#limit) this.#items.shift();
  }

  flush(room: Room<any, any>): void {
    while (this.#items.length > 0 && room.connection?.isOpen) {
      const { type, payload } = this.#items.shift()!;
      room.send(type, payload);
    }
  }

  clear(): void {
    this.#items.length = 0;
  }
}
