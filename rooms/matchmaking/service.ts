import { randomBytes } from "node:crypto";
import { matchMaker } from "@colyseus/core";
import type { Logger } from "pino";
import { CloseCodes, MATCH_MODES, type GameRoomOptionsInput, type GameSide, type MatchMode, type MatchSeatReservation, type TokenClaims } from "../../shared/index.ts";
import type { MatchmakingStore, QueueTicket } from "../../store/index.ts";
import { DEFAULT_MATCH_POLICY, proposeMatches, sideIdentity, type MatchPolicy, type MatchProposal } from "../../shared/rules/matchmaking/policy.ts";
import { gameContract } from "../../shared/rooms/index.ts";

/** What a team room answers when a matchmaker claimed its ticket (`prepareMatch`). */
export interface PreparedTeam {
  members: { sessionId: string; claims: TokenClaims }[];
}

/** What a team room receives with its seats (`deliverMatch`). */
export interface MatchDelivery {
  ticketId: string;
  matchId: string;
  mode: MatchMode;
  roomId: string;
  side: GameSide;
  teams: Record<GameSide, { name: string; teamId?: string }>;
  /** Session id (in the team room) → that member's seat in the game room. */
  seats: Record<string, MatchSeatReservation>;
}

/**
 * The methods a team room offers the matchmaker. They are called through
 * Colyseus's `remoteRoomCall`, so the team room may live on any process.
 */
export interface MatchableRoom {
  /** Locks the team for this ticket: its members, or null if the ticket is no longer current. */
  prepareMatch(ticketId: string): PreparedTeam | null;
  /** The match fell through after `prepareMatch`: the team goes back to the queue, keeping its place. */
  abortMatch(ticketId: string): void;
  /** The seats: the team room hands each member theirs (`matchFound`). */
  deliverMatch(delivery: MatchDelivery): boolean;
}

export interface MatchmakingServiceOptions {
  store: MatchmakingStore;
  logger: Logger;
  policy?: MatchPolicy;
  /** Options of every matchmade `game` room (e.g. short matches in tests); the matchmaker sets teamSize, teams, matchId, private. */
  gameOptions?: Omit<GameRoomOptionsInput, "teamSize" | "teams" | "matchId" | "private" | "listed" | "side" | "spectate">;
  /** How often a process with waiting tickets looks for matches. @default 500 */
  intervalMs?: number;
  /** A ticket expires this long after its last renewal (its team room's process died). @default 15000 */
  ticketLeaseMs?: number;
  /** Tickets considered per mode per pass. @default 500 */
  scanLimit?: number;
  /** A waiting ticket that vanished from the store (its claimer died) is re-queued after this long. @default 10000 */
  lostAfterMs?: number;
  clock?: () => number;
}

interface LocalTicket {
  ticket: QueueTicket;
  renewedAt: number;
  /** Set while the store no longer has the ticket (a claim in flight, or a claimer that died). */
  missingSince?: number;
  onLost: () => void;
}

/** Colyseus's remote room call with a typed method name. */
function callRoom<K extends keyof MatchableRoom>(roomId: string, method: K, args: Parameters<MatchableRoom[K]>): Promise<ReturnType<MatchableRoom[K]>> {
  return matchMaker.remoteRoomCall(roomId, method as never, args) as Promise<ReturnType<MatchableRoom[K]>>;
}

/**
 * Team matchmaking on one process. Every process that has a
 * waiting ticket scans its mode's queue on an interval, proposes matches with
 * the pure policy, and for each proposal that involves one of its own tickets
 * tries the store's atomic `claim`; the winner (only one can win) asks each
 * team room to `prepareMatch`, creates the `game` room, reserves one seat per
 * member on the right side, and hands them over with `deliverMatch`. The timer
 * runs only while this process has waiting tickets, so an idle server holds none.
 */
export class MatchmakingService {
  readonly #store: MatchmakingStore;
  readonly #logger: Logger;
  readonly #policy: MatchPolicy;
  readonly #gameOptions: NonNullable<MatchmakingServiceOptions["gameOptions"]>;
  readonly #intervalMs: number;
  readonly #leaseMs: number;
  readonly #scanLimit: number;
  readonly #lostAfterMs: number;
  readonly #clock: () => number;
  readonly #local = new Map<string, LocalTicket>();
  #timer: NodeJS.Timeout | undefined;
  #passing: Promise<void> | undefined;
  /** Matches this process launched (tests, metrics). */
  launched = 0;

  constructor(options: MatchmakingServiceOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#policy = options.policy ?? DEFAULT_MATCH_POLICY;
    this.#gameOptions = options.gameOptions ?? {};
    this.#intervalMs = options.intervalMs ?? 500;
    this.#leaseMs = options.ticketLeaseMs ?? 15_000;
    this.#scanLimit = options.scanLimit ?? 500;
    this.#lostAfterMs = options.lostAfterMs ?? 10_000;
    this.#clock = options.clock ?? Date.now;
  }

  /** Puts a ticket in the queue (shared by all processes in Redis mode). `onLost` runs if it vanishes without a match. */
  async enqueue(ticket: QueueTicket, onLost: () => void): Promise<void> {
    await this.#store.enqueue(ticket, this.#leaseMs);
    this.#local.set(ticket.id, { ticket, renewedAt: this.#clock(), onLost });
    this.#schedule(0);
  }

  /** Withdraws a waiting ticket; false if a matchmaker already claimed it (its `prepareMatch` will then be refused). */
  async cancel(ticket: QueueTicket): Promise<boolean> {
    this.#local.delete(ticket.id);
    return this.#store.cancel(ticket.mode, ticket.id);
  }

  /** Stops tracking a ticket that a matchmaker claimed (no renewals, no lost detection). */
  release(ticketId: string): void {
    this.#local.delete(ticketId);
  }

  /** Tickets of this process waiting in the queue. */
  get waitingLocally(): number {
    return this.#local.size;
  }

  /** Runs one pass now (tests); resolves when it is done. */
  async runPass(): Promise<void> {
    await (this.#passing ??= this.#pass().finally(() => (this.#passing = undefined)));
  }

  #schedule(delayMs = this.#intervalMs): void {
    if (this.#local.size === 0) return;
    if (this.#timer) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.runPass().finally(() => this.#schedule());
    }, delayMs);
    // The rooms own the process's lifetime; a pending pass must never hold it open.
    this.#timer.unref();
  }

  async #pass(): Promise<void> {
    try {
      await this.#renewLeases();
      const modes = new Set([...this.#local.values()].map((local) => local.ticket.mode as MatchMode));
      for (const mode of modes) {
        const waiting = await this.#store.waiting(mode, this.#scanLimit);
        const proposals = proposeMatches(waiting, MATCH_MODES[mode], this.#clock(), this.#policy);
        for (const proposal of proposals) {
          const tickets = [...proposal.home.tickets, ...proposal.away.tickets];
          // Act only on proposals with a ticket of ours: every waiting ticket's own process scans for it.
          if (tickets.some((t) => this.#local.has(t.id))) await this.#launch(mode, proposal);
        }
      }
    } catch (error) {
      this.#logger.warn({ err: error }, "matchmaking pass failed; retrying on the next one");
    }
  }

  async #renewLeases(): Promise<void> {
    const now = this.#clock();
    for (const local of [...this.#local.values()]) {
      if (now - local.renewedAt < this.#leaseMs / 3 && local.missingSince === undefined) continue;
      const renewed = await this.#store.renewTicket(local.ticket.mode, local.ticket.id, this.#leaseMs);
      if (!this.#local.has(local.ticket.id)) continue; // claimed or cancelled meanwhile
      if (renewed) {
        local.renewedAt = now;
        local.missingSince = undefined;
      } else if ((local.missingSince ??= now) + this.#lostAfterMs <= now) {
        // Claimed by a process that never called back (it died), or expired: hand it back to the team room.
        this.#local.delete(local.ticket.id);
        this.#logger.warn({ ticketId: local.ticket.id, teamRoomId: local.ticket.teamRoomId }, "queue ticket vanished without a match; re-queueing");
        local.onLost();
      }
    }
  }

  async #launch(mode: MatchMode, proposal: MatchProposal): Promise<void> {
    const sides: [GameSide, QueueTicket[]][] = [
      ["home", proposal.home.tickets],
      ["away", proposal.away.tickets],
    ];
    const tickets = sides.flatMap(([, list]) => list);
    if (!(await this.#store.claim(mode, tickets.map((t) => t.id)))) return; // another process decided first
    for (const ticket of tickets) this.#local.delete(ticket.id);
    const log = this.#logger.child({ mode, tickets: tickets.map((t) => t.id) });

    const prepared = await Promise.all(
      tickets.map((ticket) =>
        callRoom(ticket.teamRoomId, "prepareMatch", [ticket.id]).catch((error: unknown) => {
          log.warn({ err: error, teamRoomId: ticket.teamRoomId }, "team room did not answer prepareMatch");
          return null;
        }),
      ),
    );
    const abort = (why: string) => {
      log.info({ why }, "match aborted; teams go back to the queue");
      tickets.forEach((ticket, i) => {
        if (prepared[i]) callRoom(ticket.teamRoomId, "abortMatch", [ticket.id]).catch((error: unknown) => log.warn({ err: error }, "abortMatch failed"));
      });
    };
    if (prepared.some((team, i) => !team || team.members.length !== tickets[i]!.players)) return abort("a team changed or left");

    const matchId = `m_mm${randomBytes(9).toString("base64url")}`;
    const teams = { home: sideIdentity(proposal.home), away: sideIdentity(proposal.away) };
    let room: Awaited<ReturnType<typeof matchMaker.createRoom>>;
    try {
      room = await matchMaker.createRoom(gameContract.name, {
        ...this.#gameOptions,
        teamSize: MATCH_MODES[mode],
        // Seats are reserved for the members: joinOrCreate must never place
        // anyone else here; the lobby still lists it as a live game.
        private: true,
        listed: true,
        matchId,
        teams,
      } satisfies GameRoomOptionsInput);
    } catch (error) {
      log.error({ err: error }, "could not create the game room");
      return abort("game room creation failed");
    }

    const seats: Record<string, MatchSeatReservation>[] = tickets.map(() => ({}));
    try {
      await Promise.all(
        tickets.flatMap((ticket, i) => {
          const side = proposal.home.tickets.includes(ticket) ? "home" : "away";
          return prepared[i]!.members.map(async (member) => {
            seats[i]![member.sessionId] = (await matchMaker.reserveSeatFor(room, { side }, member.claims)) as MatchSeatReservation;
          });
        }),
      );
    } catch (error) {
      log.error({ err: error, roomId: room.roomId }, "could not reserve the seats");
      matchMaker.remoteRoomCall(room.roomId, "disconnect").catch(() => undefined);
      return abort("seat reservation failed");
    }

    this.launched++;
    log.info({ matchId, roomId: room.roomId, teams }, "match made");
    const delivered = await Promise.all(
      tickets.map((ticket, i) =>
        callRoom(ticket.teamRoomId, "deliverMatch", [
          {
            ticketId: ticket.id,
            matchId,
            mode,
            roomId: room.roomId,
            side: proposal.home.tickets.includes(ticket) ? "home" : "away",
            teams,
            seats: seats[i]!,
          },
        ]).catch((error: unknown) => {
          log.warn({ err: error, teamRoomId: ticket.teamRoomId }, "deliverMatch failed");
          return false;
        }),
      ),
    );
    if (delivered.every(Boolean)) return;
    // A side that never got its seats would leave the others waiting in a
    // game that cannot fill: close it. The teams that got seats see their
    // game room gone and are idle again (they may queue at once).
    log.warn({ matchId, roomId: room.roomId }, "a team did not take its seats; closing the game room");
    matchMaker.remoteRoomCall(room.roomId, "disconnect", [CloseCodes.ROOM_CLOSED.code]).catch(() => undefined);
  }
}
