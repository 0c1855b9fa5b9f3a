import { randomBytes } from "node:crypto";
import type { Client } from "@colyseus/core";
import {
  AppError,
  CloseCodes,
  TEAM_LIMITS,
  TeamClientMessages,
  TeamCreateOptions,
  TeamJoinOptions,
  TeamRoomState,
  TeamServerMessage,
  type MatchFoundMessage,
  type MatchMode,
  type TokenClaims,
} from "../shared/index.ts";
import { queueRefusal } from "../shared/rules/team/rules.ts";
import { ProjectRoom } from "./base-room.ts";
import { MatchmakingService, type MatchDelivery, type MatchableRoom, type PreparedTeam } from "./matchmaking/service.ts";
import { asRefusal, parseOrRefuse, refusal } from "./refusal.ts";
import { verifyRoomToken } from "./room-auth.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";
import { TeamChat } from "./team/chat.ts";
import { TeamCodeLease } from "./team/code-lease.ts";
import { watchGame } from "./team/game-watch.ts";
import { routeJoinByCode } from "./team/join-code.ts";
import { TeamMemberships, assertNotInAnotherTeam } from "./team/memberships.ts";
import { teamListing } from "./team/listing.ts";
import { TeamQueueTicket } from "./team/queue-ticket.ts";
import { TeamRoster } from "./team/roster.ts";
import { teamChatLimits, type TeamChatLimits } from "./team/timings.ts";
import { teamContract } from "../shared/rooms/index.ts";

export { TEAM_ROOM_TIMINGS, type TeamChatLimits } from "./team/timings.ts";

/**
 * The `team` room: a party with a join code, a captain, roster slots,
 * per-member ready flags, chat, and the way into team matchmaking
 * (docs/protocol.md "Team room"). Thin: the rules are in
 * shared/rules/team/rules.ts and shared/rules/matchmaking/, the bookkeeping
 * in named collaborators (rooms/team/: the code lease, the queue ticket, the
 * chat, the membership claims, the game watch).
 *
 * Join by code with a stock SDK: `client.join("team", { code })`. The code is
 * a `filterBy` key, so Colyseus finds the room by its listing metadata on any
 * process; the static `onAuth` first checks the code against the store, so a
 * wrong code gets `NOT_FOUND` instead of Colyseus's generic "no rooms found".
 */
export function teamRoom(deps: RoomDeps, overrides: Partial<TeamChatLimits> = {}): RoomDefinition {
  const chatLimits = teamChatLimits(overrides);
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
    #roster!: TeamRoster;
    #creatorSeated = false;
    #disposed = false;
    #listingKey = "";
    #chat!: TeamChat;
    #code!: TeamCodeLease;
    #queue!: TeamQueueTicket;
    #stopGameWatch: (() => void) | undefined;
    /** One team room per player (store claims, across processes). */
    readonly #memberships = new TeamMemberships(
      deps.stores.teamMemberships,
      () => ({ roomId: this.roomId, teamId: this.state.teamId, name: this.state.name, code: this.state.code }),
      deps.teamMembershipLeaseSeconds === undefined ? undefined : deps.teamMembershipLeaseSeconds * 1000,
    );

    static override async onAuth(token: string, options: Record<string, unknown> | undefined, _context: unknown): Promise<TokenClaims> {
      const claims = await verifyRoomToken(deps.tokens, token);
      await routeJoinByCode(options, deps.stores.matchmaking);
      await asRefusal(assertNotInAnotherTeam(deps.stores.teamMemberships, claims.playerId));
      return claims;
    }

    override async onCreate(rawOptions: unknown) {
      const { access: _access, ...createOptions } = (rawOptions ?? {}) as Record<string, unknown>;
      const options = parseOrRefuse(TeamCreateOptions, createOptions, "team room options");
      this.state = new TeamRoomState();
      this.state.teamId = `t_${randomBytes(9).toString("base64url")}`;
      this.state.size = options.size;
      this.state.private = options.private;
      this.#roster = new TeamRoster(this.state);
      // Seats are bounded by `size` in playerJoined (a clear "team is full");
      // this only bounds concurrent join attempts.
      this.maxClients = TEAM_LIMITS.maxSize * 2;
      // Private teams stay out of the lobby; they are still found by code.
      if (options.private) await this.setMatchmaking({ unlisted: true });
      this.#code = new TeamCodeLease(deps.stores.matchmaking, this.roomId, deps.logger);
      this.state.code = await this.#code.allocate();
      this.state.name = options.name ?? `Team ${this.state.code}`;
      this.#chat = new TeamChat(this.state.chat, chatLimits);
      const team = () => ({ teamId: this.state.teamId, name: this.state.name });
      const host = { roomId: this.roomId, queue: this.state.queue, team, disposed: () => this.#disposed };
      const timers = { schedule: (fn: () => void, ms: number) => this.clock.setTimeout(fn, ms), changed: () => this.#updateListing() };
      this.#queue = new TeamQueueTicket({ ...host, ...timers }, matchmaking, deps.stores.ratings, deps.logger);
      this.#handleMessages();
      this.clock.setInterval(() => void this.#renewCode(), this.#code.renewEveryMs);
      this.clock.setInterval(() => void this.#memberships.renewOrWarn(deps.logger, this.roomId), this.#memberships.renewEveryMs);
      this.setupProjectRoom();
      this.#updateListing();
    }

    #handleMessages(): void {
      this.handle("ready", (client, { ready }) => {
        this.#roster.member(client.sessionId).ready = ready;
        if (!ready) this.#queue.cancelIfQueued("member-unready");
      });
      this.handle("chat", (client, { text }) => this.#chat.say(client.sessionId, this.#roster.member(client.sessionId), text, Date.now()));
      this.handle("kick", (client, { sessionId }) => this.#kick(client, sessionId));
      this.handle("transferCaptain", (client, { sessionId }) => {
        this.#roster.transferCaptain(client.sessionId, sessionId);
        this.#updateListing();
      });
      this.handle("setName", (client, { name }) => {
        this.#roster.assertCaptain(client.sessionId);
        this.state.name = name;
        this.#updateListing();
      });
      this.handle("setSize", (client, { size }) => {
        this.#roster.resize(client.sessionId, size);
        this.#updateListing();
      });
      this.handle("queue", (client, { mode }) => this.#enterQueue(client, mode));
      this.handle("leaveQueue", (client) => {
        this.#roster.assertCaptain(client.sessionId);
        const status = this.#queue.status;
        if (status === "starting") throw new AppError("CONFLICT", "A match was found; it can no longer be cancelled");
        if (status !== "queued") throw new AppError("CONFLICT", "The team is not in the queue");
        this.#queue.leave("left-queue");
      });
    }

    override onDispose() {
      this.#disposed = true;
      this.#queue?.dispose();
      this.#stopGameWatch?.();
      this.#stopGameWatch = undefined;
      void this.#memberships.releaseAll();
      this.#code?.release();
    }

    // ---- presence -------------------------------------------------------

    protected override async playerJoined(client: Client, rawOptions: unknown) {
      const claims = this.claimsOf(client);
      const options = parseOrRefuse(TeamJoinOptions, rawOptions, "join options");
      this.#roster.assertCanJoin(claims.playerId);
      if (this.state.private && this.#creatorSeated && options.code !== this.state.code) {
        throw refusal("FORBIDDEN", "This team is private: join with its code");
      }
      // The atomic check of "one team room per player" (onAuth's was only a look).
      await asRefusal(this.#memberships.claim(claims.playerId));
      try {
        this.#roster.assertCanJoin(claims.playerId); // the state may have changed while the store answered
      } catch (error) {
        if (!this.#roster.hasPlayer(claims.playerId)) void this.#memberships.release(claims.playerId).catch(() => undefined);
        throw error;
      }
      this.#creatorSeated = true;
      this.#roster.add(client.sessionId, claims, Date.now());
      this.#chat.join(client.sessionId, Date.now());
      // A new member has not said ready: the ticket no longer stands for the team.
      this.#queue.cancelIfQueued("member-joined");
      this.#updateListing();
    }

    protected override playerDropped(client: Client) {
      const member = this.state.members.get(client.sessionId);
      if (!member) return;
      member.connected = false;
      member.away = true;
      member.awayUntil = Date.now() + this.reconnectionSeconds(client) * 1000;
      // An away member could not take a seat: withdraw (the captain queues again).
      this.#queue.cancelIfQueued("member-away");
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
      const seat = this.#roster.takeSeat(client.sessionId);
      if (seat) client.send(TeamServerMessage.MATCH_FOUND, seat);
    }

    protected override playerLeft(client: Client) {
      this.#removeMember(client.sessionId);
    }

    #removeMember(sessionId: string): void {
      const leaving = this.#roster.remove(sessionId);
      if (!leaving) return; // a refused join, or already removed (kicked while away)
      this.#memberships.release(leaving.playerId).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "could not release a member's team claim (it expires)"));
      this.#chat.leave(sessionId);
      this.#queue.cancelIfQueued("member-left");
      this.#updateListing();
    }

    // ---- captain actions -------------------------------------------------

    #kick(client: Client, sessionId: string): void {
      this.#roster.assertCaptain(client.sessionId);
      if (sessionId === client.sessionId) throw new AppError("CONFLICT", "You cannot kick yourself; leave the room instead");
      const target = this.state.members.get(sessionId);
      if (!target) throw new AppError("NOT_FOUND", "No such member");
      this.#roster.ban(target.playerId);
      const connection = this.clients.find((c) => c.sessionId === sessionId);
      // A connected member is closed with KICKED (playerLeft removes them); an away one is removed now.
      if (connection) connection.leave(CloseCodes.KICKED.code, "removed by the captain");
      else this.#removeMember(sessionId);
    }

    async #enterQueue(client: Client, mode: MatchMode): Promise<void> {
      this.#roster.assertCaptain(client.sessionId);
      const refused = queueRefusal(this.#roster.views(), mode, this.#queue.status);
      if (refused) throw new AppError(refused.code, refused.message);
      await this.#queue.enter(mode, [...this.state.members.values()].map((m) => m.playerId));
    }

    // ---- MatchableRoom: called by the matchmaker (any process) ------------

    prepareMatch(ticketId: string): PreparedTeam | null {
      if (!this.#queue.prepare(ticketId, () => this.abortMatch(ticketId))) return null;
      return { members: [...this.state.members.keys()].map((sessionId) => ({ sessionId, claims: this.#currentClaims(sessionId) })) };
    }

    abortMatch(ticketId: string): void {
      this.#queue.abort(ticketId);
    }

    deliverMatch(delivery: MatchDelivery): boolean {
      if (!this.#queue.deliver(delivery)) return false;
      for (const [sessionId, member] of this.state.members) {
        member.ready = false; // the next queue needs a new ready check
        const reservation = delivery.seats[sessionId];
        if (!reservation) continue;
        const message: MatchFoundMessage = { matchId: delivery.matchId, mode: delivery.mode, roomId: delivery.roomId, side: delivery.side, teams: delivery.teams, reservation };
        const connection = this.clients.find((c) => c.sessionId === sessionId);
        if (connection && member.connected) connection.send(TeamServerMessage.MATCH_FOUND, message);
        else this.#roster.holdSeat(sessionId, message);
      }
      // The team is `playing` until the match's result is recorded or its game room is gone without one.
      this.#stopGameWatch?.();
      this.#stopGameWatch = watchGame(deps.stores.notifications, (fn, ms) => this.clock.setInterval(fn, ms), { matchId: delivery.matchId, gameRoomId: delivery.roomId }, () => {
        this.#stopGameWatch = undefined;
        this.#roster.dropSeats();
        if (!this.#disposed && this.#queue.status === "playing") this.#queue.set("idle", "match-ended");
      });
      return true;
    }

    #currentClaims(sessionId: string): TokenClaims {
      const connection = this.clients.find((c) => c.sessionId === sessionId);
      return connection ? this.claimsOf(connection) : this.#roster.claims(sessionId)!;
    }

    // ---- leases and listing ----------------------------------------------

    async #renewCode(): Promise<void> {
      if (!(await this.#code.renew())) return;
      this.state.code = this.#code.code;
      this.#updateListing();
    }

    #updateListing(): void {
      const metadata = teamListing(this.state);
      const key = JSON.stringify(metadata);
      if (key === this.#listingKey) return;
      this.#listingKey = key;
      this.setMetadata(metadata).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "setMetadata failed"));
    }
  }

  return {
    name: teamContract.name,
    room: TeamRoom,
    filterBy: ["code", "access"],
    realtimeListing: true,
    // The early, detailed answer (409 CONFLICT with details) for joins by name; the room enforces it either way.
    admit: ({ claims }) => assertNotInAnotherTeam(deps.stores.teamMemberships, claims.playerId),
  };
}

/** The team room's matchmaker entry points, for tests that reach a room in-process. */
export type TeamRoomControls = MatchableRoom;
