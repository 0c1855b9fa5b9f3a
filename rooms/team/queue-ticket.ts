import { randomBytes } from "node:crypto";
import type { Delayed } from "@colyseus/timer";
import type { Logger } from "pino";
import type { MatchMode, TeamQueueReason, TeamQueueState, TeamQueueStatus } from "../../shared/index.ts";
import { DEFAULT_RATING } from "../../shared/rules/ratings/glicko2.ts";
import { assertQueueTransition, cancellable } from "../../shared/rules/team/rules.ts";
import type { QueueTicket, RatingStore } from "../../store/index.ts";
import type { MatchDelivery, MatchmakingService } from "../matchmaking/service.ts";
import { TEAM_ROOM_TIMINGS } from "./timings.ts";

/** What the team's queue ticket needs from its room. */
export interface QueueHost {
  readonly roomId: string;
  readonly queue: TeamQueueState;
  /** The team as a ticket names it. */
  team(): { teamId: string; name: string };
  /** True once the room is disposed: nothing is queued any more. */
  disposed(): boolean;
  schedule(fn: () => void, ms: number): Delayed;
  /** The queue status changed (the room refreshes its listing). */
  changed(): void;
}

const newTicketId = () => `q_${randomBytes(9).toString("base64url")}`;

/**
 * The team's place in the matchmaking queue: its ticket (one at a time; a
 * replaced ticket keeps the place under a new id, so a stale claimer can
 * never prepare it), the queue status on the state through the legal
 * transitions of shared/rules/team/rules.ts, and the answers to the
 * matchmaker (prepare, abort, deliver).
 */
export class TeamQueueTicket {
  #ticket: QueueTicket | undefined;
  #startingTimer: Delayed | undefined;

  constructor(
    private readonly host: QueueHost,
    private readonly matchmaking: MatchmakingService,
    private readonly ratings: RatingStore,
    private readonly logger: Logger,
  ) {}

  get status(): TeamQueueStatus {
    return this.host.queue.status;
  }

  /** Moves the queue status (an illegal move throws: a bug). */
  set(status: TeamQueueStatus, reason: TeamQueueReason, extra: { mode?: string; matchId?: string; gameRoomId?: string } = {}): void {
    const queue = this.host.queue;
    assertQueueTransition(queue.status, status, reason);
    queue.status = status;
    queue.reason = reason;
    queue.since = Date.now();
    if (extra.mode !== undefined) queue.mode = extra.mode;
    if (extra.matchId !== undefined) queue.matchId = extra.matchId;
    if (extra.gameRoomId !== undefined) queue.gameRoomId = extra.gameRoomId;
    if (status !== "starting") {
      this.#startingTimer?.clear();
      this.#startingTimer = undefined;
    }
    this.host.changed();
  }

  /** Queues the team (checks done by the room) with its players' average rating. */
  async enter(mode: MatchMode, playerIds: string[]): Promise<void> {
    const team = this.host.team();
    const ticket: QueueTicket = { id: newTicketId(), mode, teamRoomId: this.host.roomId, teamId: team.teamId, name: team.name, players: playerIds.length, rating: 0, enqueuedAt: Date.now() };
    // Queued at once (a second `queue` is a CONFLICT); any cancelling event
    // from here on replaces #ticket, which the awaits below check.
    this.#ticket = ticket;
    this.set("queued", "queued", { mode });
    try {
      const ratings = await this.ratings.get(playerIds);
      ticket.rating = playerIds.reduce((sum, id) => sum + (ratings.get(id)?.rating ?? DEFAULT_RATING), 0) / playerIds.length;
      if (this.#ticket !== ticket) return;
      await this.#enqueue(ticket);
    } catch (error) {
      if (this.#ticket === ticket) {
        this.#ticket = undefined;
        this.set("idle", "left-queue");
      }
      throw error;
    }
  }

  /** Leaves the queue (whatever the status) and withdraws the ticket. */
  leave(reason: TeamQueueReason): void {
    const ticket = this.#ticket;
    this.#ticket = undefined;
    this.set("idle", reason);
    if (ticket) this.#withdraw(ticket);
  }

  /** A cancelling event (un-ready, join, drop, leave): withdraws the ticket while it still can be. */
  cancelIfQueued(reason: TeamQueueReason): void {
    if (cancellable(this.status)) this.leave(reason);
  }

  /** The room closes. */
  dispose(): void {
    const ticket = this.#ticket;
    this.#ticket = undefined;
    if (ticket) this.#withdraw(ticket);
  }

  /** A matchmaker claimed `ticketId`: true if it is still this team's current ticket (the team is then `starting`). */
  prepare(ticketId: string, abort: () => void): boolean {
    if (!this.#current(ticketId, "queued")) return false;
    this.matchmaking.release(ticketId);
    this.set("starting", "match-found");
    this.#startingTimer = this.host.schedule(abort, TEAM_ROOM_TIMINGS.startingTimeoutMs);
    return true;
  }

  abort(ticketId: string): void {
    if (this.#current(ticketId, "starting")) this.#requeue("match-aborted");
  }

  /** The seats arrived: true if they are for this team's current ticket (the team is then `playing`). */
  deliver(delivery: MatchDelivery): boolean {
    if (!this.#current(delivery.ticketId, "starting")) {
      this.logger.warn({ roomId: this.host.roomId, matchId: delivery.matchId }, "match delivered to a team that is no longer waiting for it");
      return false;
    }
    this.#ticket = undefined;
    this.set("playing", "match-found", { matchId: delivery.matchId, gameRoomId: delivery.roomId });
    return true;
  }

  #current(ticketId: string, status: TeamQueueStatus): boolean {
    return !this.host.disposed() && this.#ticket?.id === ticketId && this.status === status;
  }

  async #enqueue(ticket: QueueTicket): Promise<void> {
    await this.matchmaking.enqueue(ticket, () => this.#ticketLost(ticket.id));
    // Cancelled (or the room closed) while the store was being written: take it back out.
    if (this.#ticket !== ticket || this.host.disposed()) await this.matchmaking.cancel(ticket);
  }

  /** The same place in the queue under a new ticket id. */
  #requeue(reason: TeamQueueReason): void {
    const previous = this.#ticket;
    if (!previous) return;
    const ticket = { ...previous, id: newTicketId() };
    this.#ticket = ticket;
    this.set("queued", reason);
    this.#enqueue(ticket).catch((error) => {
      this.logger.warn({ err: error, roomId: this.host.roomId }, "could not re-queue the team");
      if (this.#ticket === ticket) {
        this.#ticket = undefined;
        this.set("idle", "ticket-lost");
      }
    });
  }

  #ticketLost(ticketId: string): void {
    if (this.#current(ticketId, "queued")) this.#requeue("ticket-lost");
  }

  #withdraw(ticket: QueueTicket): void {
    this.matchmaking.cancel(ticket).catch((error) => this.logger.warn({ err: error, roomId: this.host.roomId }, "could not withdraw the queue ticket"));
  }
}
