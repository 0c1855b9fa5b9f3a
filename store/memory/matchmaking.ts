import type { MatchmakingStore, QueueTicket } from "../matchmaking.ts";

/** The embedded default: one process, so Maps are the truth; leases are checked against the clock. */
export class MemoryMatchmakingStore implements MatchmakingStore {
  readonly #codes = new Map<string, { roomId: string; expiresAt: number }>();
  /** mode → ticket id → ticket + lease */
  readonly #queues = new Map<string, Map<string, { ticket: QueueTicket; expiresAt: number }>>();
  readonly #clock: () => number;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  async claimCode(code: string, roomId: string, leaseMs: number): Promise<boolean> {
    const held = this.#liveCode(code);
    if (held && held.roomId !== roomId) return false;
    this.#codes.set(code, { roomId, expiresAt: this.#clock() + leaseMs });
    return true;
  }

  async releaseCode(code: string, roomId: string): Promise<void> {
    if (this.#codes.get(code)?.roomId === roomId) this.#codes.delete(code);
  }

  async lookupCode(code: string): Promise<string | undefined> {
    return this.#liveCode(code)?.roomId;
  }

  async enqueue(ticket: QueueTicket, leaseMs: number): Promise<void> {
    let queue = this.#queues.get(ticket.mode);
    if (!queue) this.#queues.set(ticket.mode, (queue = new Map()));
    queue.set(ticket.id, { ticket: structuredClone(ticket), expiresAt: this.#clock() + leaseMs });
  }

  async renewTicket(mode: string, ticketId: string, leaseMs: number): Promise<boolean> {
    const entry = this.#liveTicket(mode, ticketId);
    if (!entry) return false;
    entry.expiresAt = this.#clock() + leaseMs;
    return true;
  }

  async cancel(mode: string, ticketId: string): Promise<boolean> {
    const live = this.#liveTicket(mode, ticketId) !== undefined;
    this.#queues.get(mode)?.delete(ticketId);
    return live;
  }

  async waiting(mode: string, limit: number): Promise<QueueTicket[]> {
    const queue = this.#queues.get(mode);
    if (!queue) return [];
    const now = this.#clock();
    for (const [id, entry] of queue) if (entry.expiresAt <= now) queue.delete(id);
    return [...queue.values()]
      .map((entry) => structuredClone(entry.ticket))
      .sort((a, b) => a.enqueuedAt - b.enqueuedAt || (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  async claim(mode: string, ticketIds: string[]): Promise<boolean> {
    if (new Set(ticketIds).size !== ticketIds.length) return false;
    if (!ticketIds.every((id) => this.#liveTicket(mode, id))) return false;
    for (const id of ticketIds) this.#queues.get(mode)!.delete(id);
    return true;
  }

  #liveCode(code: string) {
    const held = this.#codes.get(code);
    if (held && held.expiresAt <= this.#clock()) {
      this.#codes.delete(code);
      return undefined;
    }
    return held;
  }

  #liveTicket(mode: string, ticketId: string) {
    const entry = this.#queues.get(mode)?.get(ticketId);
    if (entry && entry.expiresAt <= this.#clock()) {
      this.#queues.get(mode)!.delete(ticketId);
      return undefined;
    }
    return entry;
  }
}
