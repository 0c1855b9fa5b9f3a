import { randomBytes, randomInt } from "node:crypto";
import { ErrorCode as ColyseusErrorCode, ServerError, matchMaker, type Client } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import {
  AppError,
  CloseCodes,
  TEAM_LIMITS,
  TeamChatLine,
  TeamClientMessages,
  TeamCode,
  TeamCreateOptions,
  TeamJoinOptions,
  TeamMemberState,
  TeamRoomState,
  TeamServerMessage,
  describeIssues,
  type ErrorCode,
  type MatchFoundMessage,
  type MatchMode,
  type TeamListingMetadata,
  type TeamQueueReason,
  type TeamQueueStatus,
  type TokenClaims,
} from "../shared/index.ts";
import { DEFAULT_RATING } from "../shared/rules/ratings/glicko2.ts";
import type { QueueTicket } from "../store/index.ts";
import { ProjectRoom } from "./base-room.ts";
import { MatchmakingService, type MatchDelivery, type MatchableRoom, type PreparedTeam } from "./matchmaking/service.ts";
import { verifyRoomToken } from "./room-auth.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";
import { TokenBucket } from "./token-bucket.ts";
import { TeamMemberships, assertNotInAnotherTeam } from "./team/memberships.ts";
import { assertQueueTransition, cancellable, codeLengthsToTry, generateTeamCode, nextCaptain, queueRefusal, type MemberView } from "../shared/rules/team/rules.ts";

/** A join refusal the SDK shows as `CODE: message` (the verifyRoomToken convention). */
function refusal(code: ErrorCode, message: string, colyseusCode: number = ColyseusErrorCode.APPLICATION_ERROR): ServerError {
  return new ServerError(colyseusCode, `${code}: ${message}`);
}

/** Runs `work`; an AppError becomes the matchmaker's refusal (`CODE: message`). */
async function asRefusal(work: Promise<void>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AppError) throw refusal(error.code, error.message);
    throw error;
  }
}

/** Named limits of the team room's bookkeeping (the player-facing ones are TEAM_LIMITS in shared/). */
export const TEAM_ROOM_TIMINGS = {
  /** A code's lease in the store; renewed every third of it while the room lives. */
  codeLeaseMs: 60_000,
  /** New codes have this many characters (longer only when these collide). */
  codeLength: 5,
  /** Random codes tried per length before a longer one. */
  codeAttemptsPerLength: 5,
  /** A match found but never delivered (its maker died) puts the team back in the queue after this long. */
  startingTimeoutMs: 20_000,
  /** While playing, how often the room checks that the game room still exists (a game that ended without a result). */
  gameWatchMs: 5_000,
} as const;

/** Chat limits of a team room (defaults: TEAM_LIMITS). */
export interface TeamChatLimits {
  chatHistory: number;
  chatBurst: number;
  chatPerSecond: number;
}

/**
 * The `team` room (issue 7, DESIGN §2): a party with a join code, a captain,
 * roster slots, per-member ready flags, chat, and the way into team
 * matchmaking. Thin: the rules are in rooms/team/rules.ts and
 * rooms/matchmaking/ (policy and service).
 *
 * Join by code with a stock SDK: `client.join("team", { code })`. The code is
 * a `filterBy` key, so Colyseus finds the room by its listing metadata on any
 * process; the static `onAuth` first checks the code against the store, so a
 * wrong code gets `NOT_FOUND` instead of Colyseus's generic "no rooms found".
 */
export function teamRoom(deps: RoomDeps, overrides: Partial<TeamChatLimits> = {}): RoomDefinition {
  const chatLimits: TeamChatLimits = {
    chatHistory: overrides.chatHistory ?? TEAM_LIMITS.chatHistory,
    chatBurst: overrides.chatBurst ?? TEAM_LIMITS.chatBurst,
    chatPerSecond: overrides.chatPerSecond ?? TEAM_LIMITS.chatPerSecond,
  };
  // One matchmaker per server (this definition is built once per createServer).
  const matchmaking = new MatchmakingService({
    store: deps.stores.matchmaking,
    logger: deps.logger.child({ component: "matchmaking" }),
    policy: deps.matchmaking?.policy,
    intervalMs: deps.matchmaking?.intervalMs,
    gameOptions: deps.matchmaking?.gameOptions,
  });

  class TeamRoom extends ProjectRoom<TeamRoomState, typeof TeamClientMessages> implements MatchableRoom {
    protected readonly deps = deps;
    protected readonly messageSchemas = TeamClientMessages;
    #joinSeq = 0;
    readonly #joinSeqOf = new Map<string, number>();
    /** Claims of each member (kept for away members, whose Client is gone until they reconnect). */
    readonly #claimsOf = new Map<string, TokenClaims>();
    readonly #chatBuckets = new Map<string, TokenBucket>();
    /** Player ids the captain removed: they may not rejoin this team. */
    readonly #kicked = new Set<string>();
    /** Seats delivered while a member was away: sent when they reconnect. */
    readonly #pendingSeats = new Map<string, MatchFoundMessage>();
    #creatorSeated = false;
    #ticket: QueueTicket | undefined;
    #chatSeq = 0;
    #startingTimer: Delayed | undefined;
    #gameWatch: { unsubscribe: () => void; timer: Delayed } | undefined;
    #listingKey = "";
    #disposed = false;
    /** One team room per player (store claims, across processes). */
    readonly #memberships = new TeamMemberships(
      deps.stores.teamMemberships,
      () => ({ roomId: this.roomId, teamId: this.state.teamId, name: this.state.name, code: this.state.code }),
      deps.teamMembershipLeaseSeconds === undefined ? undefined : deps.teamMembershipLeaseSeconds * 1000,
    );

    static override async onAuth(token: string, options: Record<string, unknown> | undefined, _context: unknown): Promise<TokenClaims> {
      const claims = await verifyRoomToken(deps.tokens, token);
      // The matchmaker reuses this options object for its room query: a join
      // without a code may only land in an open team (public, idle, a free
      // slot: filterBy "access"); a join with one is matched by the
      // (normalised) code alone.
      if (options && typeof options === "object") {
        if (options.code === undefined) {
          options.access = "open";
        } else {
          const parsed = TeamCode.safeParse(options.code);
          if (!parsed.success) throw refusal("VALIDATION_FAILED", `Invalid team code: ${parsed.error.issues[0]?.message}`);
          options.code = parsed.data;
          delete options.access;
          if (!(await deps.stores.matchmaking.lookupCode(parsed.data))) {
            throw refusal("NOT_FOUND", `No team has the code ${parsed.data}`, ColyseusErrorCode.MATCHMAKE_INVALID_CRITERIA);
          }
        }
      }
      await asRefusal(assertNotInAnotherTeam(deps.stores.teamMemberships, claims.playerId));
      return claims;
    }

    override async onCreate(rawOptions: unknown) {
      const { access: _access, ...createOptions } = (rawOptions ?? {}) as Record<string, unknown>;
      const parsed = TeamCreateOptions.safeParse(createOptions);
      if (!parsed.success) {
        const first = describeIssues(parsed.error)[0];
        throw refusal("VALIDATION_FAILED", `Invalid team room options: ${first?.path}: ${first?.message}`);
      }
      const options = parsed.data;
      this.state = new TeamRoomState();
      this.state.teamId = `t_${randomBytes(9).toString("base64url")}`;
      this.state.size = options.size;
      this.state.private = options.private;
      // Seats are bounded by `size` in playerJoined (a clear "team is full");
      // this only bounds concurrent join attempts.
      this.maxClients = TEAM_LIMITS.maxSize * 2;
      // Private teams stay out of the lobby; they are still found by code.
      if (options.private) await this.setMatchmaking({ unlisted: true });
      await this.#allocateCode();
      this.state.name = options.name ?? `Team ${this.state.code}`;

      this.handle("ready", (client, { ready }) => {
        const member = this.#member(client);
        member.ready = ready;
        if (!ready && cancellable(this.state.queue.status)) this.#leaveQueue("member-unready");
      });
      this.handle("chat", (client, { text }) => this.#chat(client, text));
      this.handle("kick", (client, { sessionId }) => this.#kick(client, sessionId));
      this.handle("transferCaptain", (client, { sessionId }) => {
        this.#assertCaptain(client);
        if (sessionId === client.sessionId) throw new AppError("CONFLICT", "You are already the captain");
        if (!this.state.members.has(sessionId)) throw new AppError("NOT_FOUND", "No such member");
        this.state.captain = sessionId;
        this.#updateListing();
      });
      this.handle("setName", (client, { name }) => {
        this.#assertCaptain(client);
        this.state.name = name;
        this.#updateListing();
      });
      this.handle("setSize", (client, { size }) => {
        this.#assertCaptain(client);
        if (size < this.state.members.size) throw new AppError("CONFLICT", `The team has ${this.state.members.size} members; the size cannot go below that`);
        this.state.size = size;
        this.#updateListing();
      });
      this.handle("queue", (client, { mode }) => this.#queue(client, mode));
      this.handle("leaveQueue", (client) => {
        this.#assertCaptain(client);
        const status = this.state.queue.status;
        if (status === "starting") throw new AppError("CONFLICT", "A match was found; it can no longer be cancelled");
        if (status !== "queued") throw new AppError("CONFLICT", "The team is not in the queue");
        this.#leaveQueue("left-queue");
      });

      this.clock.setInterval(() => void this.#renewCode(), TEAM_ROOM_TIMINGS.codeLeaseMs / 3);
      this.clock.setInterval(() => void this.#renewMemberships(), this.#memberships.renewEveryMs);
      this.setupProjectRoom();
      this.#updateListing();
    }

    override onDispose() {
      this.#disposed = true;
      const ticket = this.#ticket;
      this.#ticket = undefined;
      if (ticket) matchmaking.cancel(ticket).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "could not withdraw the queue ticket"));
      this.#gameWatch?.unsubscribe();
      this.#gameWatch = undefined;
      void this.#memberships.releaseAll();
      // Undefined when onCreate failed before a code was allocated.
      if (this.state?.code) {
        deps.stores.matchmaking.releaseCode(this.state.code, this.roomId).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "could not release the team code"));
      }
    }

    // ---- presence -------------------------------------------------------

    protected override async playerJoined(client: Client, rawOptions: unknown) {
      const claims = this.claimsOf(client);
      const parsed = TeamJoinOptions.safeParse(rawOptions ?? {});
      if (!parsed.success) throw refusal("VALIDATION_FAILED", `Invalid join options: ${describeIssues(parsed.error)[0]?.message}`);
      if (this.#kicked.has(claims.playerId)) throw refusal("FORBIDDEN", "You were removed from this team");
      const seatFree = () => {
        for (const member of this.state.members.values()) {
          if (member.playerId === claims.playerId) throw refusal("CONFLICT", "You are already in this team");
        }
        if (this.state.members.size >= this.state.size) throw refusal("CONFLICT", "The team is full");
      };
      seatFree();
      if (this.state.private && this.#creatorSeated && parsed.data.code !== this.state.code) {
        throw refusal("FORBIDDEN", "This team is private: join with its code");
      }
      // The atomic check of "one team room per player" (onAuth's was only a look).
      await asRefusal(this.#memberships.claim(claims.playerId));
      try {
        seatFree(); // the state may have changed while the store answered
      } catch (error) {
        if (![...this.state.members.values()].some((m) => m.playerId === claims.playerId)) void this.#memberships.release(claims.playerId).catch(() => undefined);
        throw error;
      }
      this.#creatorSeated = true;

      const member = new TeamMemberState();
      member.playerId = claims.playerId;
      member.name = claims.name;
      member.joinedAt = Date.now();
      this.state.members.set(client.sessionId, member);
      this.#joinSeqOf.set(client.sessionId, ++this.#joinSeq);
      this.#claimsOf.set(client.sessionId, claims);
      this.#chatBuckets.set(client.sessionId, new TokenBucket(chatLimits.chatPerSecond, chatLimits.chatBurst, Date.now()));
      if (!this.state.captain) this.state.captain = client.sessionId;
      // A new member has not said ready: the ticket no longer stands for the team.
      if (cancellable(this.state.queue.status)) this.#leaveQueue("member-joined");
      this.#updateListing();
    }

    protected override playerDropped(client: Client) {
      const member = this.state.members.get(client.sessionId);
      if (!member) return;
      member.connected = false;
      member.away = true;
      member.awayUntil = Date.now() + this.reconnectionSeconds(client) * 1000;
      // An away member could not take a seat: withdraw (the captain queues again).
      if (cancellable(this.state.queue.status)) this.#leaveQueue("member-away");
    }

    protected override playerReconnected(client: Client) {
      const member = this.state.members.get(client.sessionId);
      if (!member) {
        // Kicked while away.
        client.leave(CloseCodes.KICKED.code, "removed from the team");
        return;
      }
      member.connected = true;
      member.away = false;
      member.awayUntil = 0;
      const seat = this.#pendingSeats.get(client.sessionId);
      if (seat) {
        this.#pendingSeats.delete(client.sessionId);
        client.send(TeamServerMessage.MATCH_FOUND, seat);
      }
    }

    protected override playerLeft(client: Client) {
      this.#removeMember(client.sessionId);
    }

    #removeMember(sessionId: string): void {
      const leaving = this.state.members.get(sessionId);
      if (!leaving) return; // a refused join, or already removed (kicked while away)
      const views = this.#views();
      this.state.members.delete(sessionId);
      this.#memberships.release(leaving.playerId).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "could not release a member's team claim (it expires)"));
      this.#joinSeqOf.delete(sessionId);
      this.#claimsOf.delete(sessionId);
      this.#chatBuckets.delete(sessionId);
      this.#pendingSeats.delete(sessionId);
      // Left for good (a short drop keeps the seat: playerDropped): the longest-present member takes over.
      if (this.state.captain === sessionId) this.state.captain = nextCaptain(views, sessionId) ?? "";
      if (cancellable(this.state.queue.status)) this.#leaveQueue("member-left");
      this.#updateListing();
    }

    // ---- captain actions and chat ----------------------------------------

    #member(client: Client): TeamMemberState {
      const member = this.state.members.get(client.sessionId);
      if (!member) throw new AppError("FORBIDDEN", "You are not a member of this team");
      return member;
    }

    #assertCaptain(client: Client): void {
      this.#member(client);
      if (this.state.captain !== client.sessionId) throw new AppError("FORBIDDEN", "Only the captain can do that");
    }

    #kick(client: Client, sessionId: string): void {
      this.#assertCaptain(client);
      if (sessionId === client.sessionId) throw new AppError("CONFLICT", "You cannot kick yourself; leave the room instead");
      const target = this.state.members.get(sessionId);
      if (!target) throw new AppError("NOT_FOUND", "No such member");
      this.#kicked.add(target.playerId);
      const connection = this.clients.find((c) => c.sessionId === sessionId);
      // A connected member is closed with KICKED (playerLeft removes them); an away one is removed now.
      if (connection) connection.leave(CloseCodes.KICKED.code, "removed by the captain");
      else this.#removeMember(sessionId);
    }

    #chat(client: Client, text: string): void {
      const member = this.#member(client);
      const bucket = this.#chatBuckets.get(client.sessionId)!;
      if (!bucket.take(Date.now())) {
        throw new AppError("RATE_LIMITED", `Chat is limited to ${chatLimits.chatBurst} lines at once, then ${chatLimits.chatPerSecond} per second`);
      }
      const line = new TeamChatLine();
      line.seq = ++this.#chatSeq;
      line.playerId = member.playerId;
      line.name = member.name;
      line.text = text;
      line.at = Date.now();
      this.state.chat.push(line);
      while (this.state.chat.length > chatLimits.chatHistory) this.state.chat.shift();
    }

    // ---- the queue -------------------------------------------------------

    #views(): MemberView[] {
      return [...this.state.members.entries()].map(([sessionId, m]) => ({
        sessionId,
        joinSeq: this.#joinSeqOf.get(sessionId) ?? Number.MAX_SAFE_INTEGER,
        ready: m.ready,
        connected: m.connected,
        name: m.name,
      }));
    }

    #setQueue(status: TeamQueueStatus, reason: TeamQueueReason, extra: { mode?: string; matchId?: string; gameRoomId?: string } = {}): void {
      const queue = this.state.queue;
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
      this.#updateListing();
    }

    async #queue(client: Client, mode: MatchMode): Promise<void> {
      this.#assertCaptain(client);
      const refused = queueRefusal(this.#views(), mode, this.state.queue.status);
      if (refused) throw new AppError(refused.code, refused.message);
      const members = [...this.state.members.values()];
      const ticket: QueueTicket = {
        id: `q_${randomBytes(9).toString("base64url")}`,
        mode,
        teamRoomId: this.roomId,
        teamId: this.state.teamId,
        name: this.state.name,
        players: members.length,
        rating: 0,
        enqueuedAt: Date.now(),
      };
      // Queued at once (a second `queue` is a CONFLICT); any cancelling event
      // from here on replaces #ticket, which the awaits below check.
      this.#ticket = ticket;
      this.#setQueue("queued", "queued", { mode });
      try {
        const ratings = await deps.stores.ratings.get(members.map((m) => m.playerId));
        ticket.rating = members.reduce((sum, m) => sum + (ratings.get(m.playerId)?.rating ?? DEFAULT_RATING), 0) / members.length;
        if (this.#ticket !== ticket) return;
        await this.#enqueue(ticket);
      } catch (error) {
        if (this.#ticket === ticket) {
          this.#ticket = undefined;
          this.#setQueue("idle", "left-queue");
        }
        throw error;
      }
    }

    async #enqueue(ticket: QueueTicket): Promise<void> {
      await matchmaking.enqueue(ticket, () => this.#ticketLost(ticket.id));
      // Cancelled (or the room closed) while the store was being written: take it back out.
      if (this.#ticket !== ticket || this.#disposed) await matchmaking.cancel(ticket);
    }

    /** The same place in the queue under a new ticket id (a stale claimer can never prepare it). */
    #requeue(reason: TeamQueueReason): void {
      const previous = this.#ticket;
      if (!previous) return;
      const ticket = { ...previous, id: `q_${randomBytes(9).toString("base64url")}` };
      this.#ticket = ticket;
      this.#setQueue("queued", reason);
      this.#enqueue(ticket).catch((error) => {
        deps.logger.warn({ err: error, roomId: this.roomId }, "could not re-queue the team");
        if (this.#ticket === ticket) {
          this.#ticket = undefined;
          this.#setQueue("idle", "ticket-lost");
        }
      });
    }

    #ticketLost(ticketId: string): void {
      if (this.#disposed || this.#ticket?.id !== ticketId || this.state.queue.status !== "queued") return;
      this.#requeue("ticket-lost");
    }

    #leaveQueue(reason: TeamQueueReason): void {
      const ticket = this.#ticket;
      this.#ticket = undefined;
      this.#setQueue("idle", reason);
      if (ticket) matchmaking.cancel(ticket).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "could not withdraw the queue ticket"));
    }

    // ---- MatchableRoom: called by the matchmaker (any process) ------------

    prepareMatch(ticketId: string): PreparedTeam | null {
      if (this.#disposed || this.#ticket?.id !== ticketId || this.state.queue.status !== "queued") return null;
      matchmaking.release(ticketId);
      this.#setQueue("starting", "match-found");
      this.#startingTimer = this.clock.setTimeout(() => this.abortMatch(ticketId), TEAM_ROOM_TIMINGS.startingTimeoutMs);
      return {
        members: [...this.state.members.keys()].map((sessionId) => ({ sessionId, claims: this.#currentClaims(sessionId) })),
      };
    }

    abortMatch(ticketId: string): void {
      if (this.#disposed || this.#ticket?.id !== ticketId || this.state.queue.status !== "starting") return;
      this.#requeue("match-aborted");
    }

    deliverMatch(delivery: MatchDelivery): boolean {
      if (this.#disposed || this.#ticket?.id !== delivery.ticketId || this.state.queue.status !== "starting") {
        deps.logger.warn({ roomId: this.roomId, matchId: delivery.matchId }, "match delivered to a team that is no longer waiting for it");
        return false;
      }
      this.#ticket = undefined;
      this.#setQueue("playing", "match-found", { matchId: delivery.matchId, gameRoomId: delivery.roomId });
      for (const [sessionId, member] of this.state.members) {
        member.ready = false; // the next queue needs a new ready check
        const reservation = delivery.seats[sessionId];
        if (!reservation) continue;
        const message: MatchFoundMessage = { matchId: delivery.matchId, mode: delivery.mode, roomId: delivery.roomId, side: delivery.side, teams: delivery.teams, reservation };
        const connection = this.clients.find((c) => c.sessionId === sessionId);
        if (connection && member.connected) connection.send(TeamServerMessage.MATCH_FOUND, message);
        else this.#pendingSeats.set(sessionId, message);
      }
      this.#watchGame(delivery.matchId, delivery.roomId);
      return true;
    }

    #currentClaims(sessionId: string): TokenClaims {
      const connection = this.clients.find((c) => c.sessionId === sessionId);
      return connection ? this.claimsOf(connection) : this.#claimsOf.get(sessionId)!;
    }

    /**
     * The team is `playing` until the match's result is recorded (a store
     * notification, from any process) or its game room is gone without one.
     */
    #watchGame(matchId: string, gameRoomId: string): void {
      this.#gameWatch?.unsubscribe();
      const end = () => {
        if (this.#gameWatch !== watch) return;
        this.#gameWatch.unsubscribe();
        this.#gameWatch = undefined;
        this.#pendingSeats.clear();
        if (!this.#disposed && this.state.queue.status === "playing") this.#setQueue("idle", "match-ended");
      };
      const unsubscribe = deps.stores.notifications.subscribe((event) => {
        if (event.type === "result" && event.matchId === matchId) end();
      });
      const timer = this.clock.setInterval(() => {
        matchMaker
          .query({ roomId: gameRoomId })
          .then((rooms) => (rooms.length === 0 ? end() : undefined))
          .catch(() => undefined);
      }, TEAM_ROOM_TIMINGS.gameWatchMs);
      const watch = {
        unsubscribe: () => {
          unsubscribe();
          timer.clear();
        },
        timer,
      };
      this.#gameWatch = watch;
    }

    // ---- code and listing ------------------------------------------------

    async #allocateCode(): Promise<void> {
      for (const length of codeLengthsToTry(TEAM_ROOM_TIMINGS.codeLength, TEAM_ROOM_TIMINGS.codeAttemptsPerLength)) {
        const code = generateTeamCode(length, (n) => randomInt(n));
        if (await deps.stores.matchmaking.claimCode(code, this.roomId, TEAM_ROOM_TIMINGS.codeLeaseMs)) {
          this.state.code = code;
          return;
        }
      }
      throw refusal("CONFLICT", "Could not allocate a team code; try again");
    }

    async #renewCode(): Promise<void> {
      try {
        if (await deps.stores.matchmaking.claimCode(this.state.code, this.roomId, TEAM_ROOM_TIMINGS.codeLeaseMs)) return;
        // Our lease ran out (e.g. a long store outage) and another team took the code: take a new one.
        const old = this.state.code;
        await this.#allocateCode();
        deps.logger.warn({ roomId: this.roomId, old, code: this.state.code }, "team code lost; allocated a new one");
        this.#updateListing();
      } catch (error) {
        deps.logger.warn({ err: error, roomId: this.roomId }, "could not renew the team code; retrying");
      }
    }

    async #renewMemberships(): Promise<void> {
      try {
        const lost = await this.#memberships.renew();
        if (lost.length > 0) deps.logger.warn({ roomId: this.roomId, players: lost }, "members joined another team while their claim here had lapsed");
      } catch (error) {
        deps.logger.warn({ err: error, roomId: this.roomId }, "could not renew the members' team claims; retrying");
      }
    }

    #updateListing(): void {
      const captain = this.state.members.get(this.state.captain);
      const metadata: TeamListingMetadata = {
        // Filter keys (code, access) must stay in the metadata: setMetadata replaces it whole.
        code: this.state.code,
        access: this.state.private ? "private" : this.state.members.size < this.state.size && this.state.queue.status === "idle" ? "open" : "closed",
        teamId: this.state.teamId,
        name: this.state.name,
        size: this.state.size,
        members: this.state.members.size,
        captain: captain?.name ?? "",
        status: this.state.queue.status,
        mode: this.state.queue.mode,
      };
      const key = JSON.stringify(metadata);
      if (key === this.#listingKey) return;
      this.#listingKey = key;
      this.setMetadata(metadata).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "setMetadata failed"));
    }
  }

  return {
    name: "team",
    room: TeamRoom,
    filterBy: ["code", "access"],
    realtimeListing: true,
    // The early, detailed answer (409 CONFLICT with details) for joins by name; the room enforces it either way.
    admit: ({ claims }) => assertNotInAnotherTeam(deps.stores.teamMemberships, claims.playerId),
  };
}

/** The team room's matchmaker entry points, for tests that reach a room in-process. */
export type TeamRoomControls = MatchableRoom;
