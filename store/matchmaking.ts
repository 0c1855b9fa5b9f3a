import type { QueueTicket } from "../shared/rules/matchmaking/ticket.ts";

export type { QueueTicket };

/**
 * What team matchmaking keeps outside a room, in memory or in Redis:
 * - team join codes: unique among live teams, across processes (a code is
 *   claimed with SET NX and a lease the room renews, so a crashed process
 *   frees its codes when the lease runs out);
 * - the queue: tickets per mode, each with a lease its team room renews, and
 *   an atomic `claim` of several tickets at once. Two processes may propose
 *   the same pair; only one claim wins, so there is one decision per pair and
 *   no ticket in two matches.
 */

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
