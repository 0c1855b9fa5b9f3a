/**
 * What team matchmaking keeps outside a room (issue 7), in memory or in Redis:
 * - team join codes: unique among live teams, across processes (a code is
 *   claimed with SET NX and a lease the room renews, so a crashed process
 *   frees its codes when the lease runs out);
 * - the queue: tickets per mode, each with a lease its team room renews, and
 *   an atomic `claim` of several tickets at once. Two processes may propose
 *   the same pair; only one claim wins, so there is one decision per pair and
 *   no ticket in two matches.
 */

/** A team (or a solo player, or any party smaller than the mode) waiting for a match. */
export interface QueueTicket {
  /** Unique per enqueue. */
  id: string;
  /** e.g. "2v2". */
  mode: string;
  /** The team room that owns the ticket (answers `prepareMatch`, `deliverMatch`). */
  teamRoomId: string;
  teamId: string;
  name: string;
  /** Party size: equal to the mode's team size for a full team, smaller for a party to group. */
  players: number;
  /** Average rating of the party's players. */
  rating: number;
  /** ms since the epoch; a re-enqueued ticket (aborted match) keeps its place. */
  enqueuedAt: number;
}

export interface MatchmakingStore {
  /**
   * Claims `code` for `roomId` for `leaseMs`, or renews the lease when
   * `roomId` already holds it; false if another live team holds it.
   */
  claimCode(code: string, roomId: string, leaseMs: number): Promise<boolean>;
  /** Frees the code if `roomId` holds it. */
  releaseCode(code: string, roomId: string): Promise<void>;
  /** The room id holding `code`, if any. */
  lookupCode(code: string): Promise<string | undefined>;

  /** Adds (or replaces) a ticket in its mode's queue; the ticket lives `leaseMs` unless renewed. */
  enqueue(ticket: QueueTicket, leaseMs: number): Promise<void>;
  /** Renews a waiting ticket's lease; false if it is no longer waiting (claimed, cancelled, expired). */
  renewTicket(mode: string, ticketId: string, leaseMs: number): Promise<boolean>;
  /** Removes a waiting ticket; false if it was not waiting (e.g. already claimed by a matchmaker). */
  cancel(mode: string, ticketId: string): Promise<boolean>;
  /** Waiting tickets of a mode, oldest first (at most `limit`); expired ones are dropped. */
  waiting(mode: string, limit: number): Promise<QueueTicket[]>;
  /** Atomically removes all these tickets if every one is still waiting; false (and nothing removed) otherwise. */
  claim(mode: string, ticketIds: string[]): Promise<boolean>;
}

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
