import type { Client } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { CloseCodes, DraftClientMessages, DraftJoinOptions, DraftRoomOptions, DraftServerMessage, DraftState, type DraftEvents, type TokenClaims } from "../shared/index.ts";
import { ProjectRoom } from "./base-room.ts";
import { isCommissioner, markBack, syncTeams, teamOf, type AuctionEvent, type DraftModel, type DraftPick } from "../shared/rules/draft/index.ts";
import { RoomChat } from "./chat.ts";
import { DisconnectClock } from "./draft/absence.ts";
import { tickClock } from "./draft/clock.ts";
import { DraftFinish } from "./draft/finish.ts";
import { draftHandlers } from "./draft/handlers.ts";
import { IdleClose } from "./draft/idle-close.ts";
import { DraftScheduler } from "./draft/scheduler.ts";
import { DraftStart } from "./draft/start.ts";
import { loadDraft } from "./draft/league-io.ts";
import { auctionAnnouncements, syncClock, syncDraftState } from "./draft/index.ts";
import { DEFAULT_DRAFT_LIMITS, type DraftRoomLimits } from "./draft/limits.ts";
import { pickMessage, type Announce } from "./draft/messages.ts";
import { draftBoard, draftClock, draftOrder } from "./draft/feed-board.ts";
import { FeedWriter } from "./draft/feed-writer.ts";
import { DraftSeats } from "./draft/seats.ts";
import { SnapshotWriter } from "./draft/snapshot-writer.ts";
import { parseOrRefuse, refusal } from "./refusal.ts";
import { verifyRoomToken } from "./room-auth.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";
import { draftContract } from "../shared/rooms/index.ts";

export { DEFAULT_DRAFT_LIMITS, type DraftRoomLimits } from "./draft/limits.ts";

/** A client message of the draft room and a handler of any of them (rooms/draft/handlers.ts types each one). */
type Message = keyof typeof DraftClientMessages & string;
type Handler = (client: Client, payload: unknown) => void | Promise<void>;

export interface DraftListingMetadata {
  leagueId: string;
  status: DraftState["status"];
}

/**
 * The `draft` room: one per league draft, found with
 * `joinOrCreate("draft", {leagueId})` (filtered by `leagueId`). Thin: it
 * checks who is asking, calls the pure rules in shared/rules/draft/ (through
 * its collaborators in rooms/draft/), mirrors the model into `DraftState`, and
 * snapshots the model to the league store after every change so a restarted
 * process (Redis mode) restores the draft.
 */
export function draftRoom(deps: RoomDeps, overrides: Partial<DraftRoomLimits> = {}): RoomDefinition {
  const limits: DraftRoomLimits = { ...DEFAULT_DRAFT_LIMITS, ...deps.draft, ...overrides };
  const { leagues } = deps.stores;

  class DraftRoom extends ProjectRoom<DraftState, typeof DraftClientMessages> implements DraftRoomControls {
    protected readonly deps = deps;
    protected readonly messageSchemas = DraftClientMessages;
    #model!: DraftModel;
    #writer!: SnapshotWriter;
    /** The league's draft feed (the draft stream of every process reads it). */
    #feed!: FeedWriter;
    readonly #seats = new DraftSeats();
    readonly #disconnects = new DisconnectClock();
    #chat!: RoomChat;
    #starter!: DraftStart;
    #finisher!: DraftFinish;
    #idle!: IdleClose;
    #listingKey = "";

    static override async onAuth(token: string): Promise<TokenClaims> {
      return verifyRoomToken(deps.tokens, token);
    }

    override async onCreate(rawOptions: unknown) {
      const { leagueId } = parseOrRefuse(DraftRoomOptions, rawOptions, "draft room options");
      const league = await leagues.get(leagueId);
      if (!league) throw refusal("NOT_FOUND", `No league ${leagueId}`);
      const model = (this.#model = await loadDraft(league, deps.stores, limits.poolLimit, deps.logger.child({ roomId: this.roomId })));
      this.#writer = new SnapshotWriter({
        save: (s) => leagues.saveDraftSnapshot(leagueId, s),
        logger: deps.logger.child({ roomId: this.roomId, leagueId }),
      });
      this.state = new DraftState();
      this.#chat = new RoomChat(this.state.chat, limits);
      syncDraftState(model, this.state, Date.now());
      this.#feed = new FeedWriter({
        leagueId,
        feed: deps.stores.draftFeed,
        board: () => draftBoard(model, Date.now()),
        clock: () => draftClock(model, Date.now()),
        order: () => draftOrder(model),
        logger: deps.logger.child({ roomId: this.roomId, leagueId }),
      });
      this.#feed.start();

      const changed = () => this.#changed();
      const announce: Announce = (type, payload) => this.#announce(type, payload);
      const picked = (picks: DraftPick[]) => this.#picked(picks);
      const close = () => this.disconnect(CloseCodes.ROOM_CLOSED.code);
      const { roomId, clock } = this;
      this.#starter = new DraftStart({ model, leagues, logger: deps.logger, roomId, changed, announce, picked });
      this.#finisher = new DraftFinish({ model, stores: deps.stores, logger: deps.logger, roomId, limits, clock, changed, announce, close });
      this.#idle = new IdleClose({ clock, idleCloseSeconds: limits.idleCloseSeconds, logger: deps.logger, roomId, leagueId: model.leagueId, close });

      const handlers = draftHandlers({
        model, chat: this.#chat, starter: this.#starter, changed, announce, picked,
        auctioned: (events) => this.#auctioned(events),
        actor: (client) => this.#actor(client),
        claims: (client) => this.claimsOf(client),
      });
      for (const [type, handler] of Object.entries(handlers.managers)) this.#on(type as Message, handler as Handler);
      for (const [type, handler] of Object.entries(handlers.auction)) this.#on(type as Message, handler as Handler);

      this.clock.setInterval(() => this.#tick(), limits.clockTickMs);
      this.setupProjectRoom();
      this.#updateListing();
      if (this.#model.status === "complete") this.#finisher.run();
      this.#starter.startIfDue(Date.now()); // opened by the scheduler, or joined late
      this.#watchIdle(); // a paused draft restored by a join that then fails is still reclaimed
    }

    /** Managers and the commissioner keep their seat for the whole draft; before and after it, the usual window. */
    protected override reconnectionSeconds(_client: Client): number {
      const live = this.#model.status === "running" || this.#model.status === "paused";
      return live ? Infinity : deps.reconnectWindowSeconds;
    }

    protected override async playerJoined(client: Client, rawOptions: unknown) {
      const options = parseOrRefuse(DraftJoinOptions, rawOptions, "join options");
      if (options.leagueId !== undefined && options.leagueId !== this.#model.leagueId) {
        throw refusal("VALIDATION_FAILED", `This room drafts league ${this.#model.leagueId}, not ${options.leagueId}`);
      }
      const { playerId } = this.claimsOf(client);
      if (!teamOf(this.#model, playerId) && !isCommissioner(this.#model, { playerId }) && this.#model.status === "waiting") {
        // Joined the league after this room loaded it.
        const league = await leagues.get(this.#model.leagueId);
        if (league && syncTeams(this.#model, league).length > 0) this.#changed();
      }
      const team = teamOf(this.#model, playerId);
      if (!team && !isCommissioner(this.#model, { playerId })) {
        throw refusal("FORBIDDEN", `Only the managers and the commissioner of league ${this.#model.leagueId} may join its draft`);
      }
      this.#seats.take(client.sessionId, playerId, team?.teamId);
      this.#chat.join(client.sessionId, Date.now());
      // Private information: this client's view holds its own team, so only it receives that team's queue.
      client.view = new StateView();
      if (team) client.view.add(this.state.teams.get(team.teamId)!);
      this.#syncConnected();
      this.#cameBack(client);
    }

    protected override playerDropped(client: Client) {
      this.#seats.setLive(client.sessionId, false);
      this.#syncConnected();
    }

    protected override playerReconnected(client: Client) {
      this.#seats.setLive(client.sessionId, true);
      this.#syncConnected();
      this.#cameBack(client);
    }

    protected override playerLeft(client: Client) {
      this.#seats.leave(client.sessionId);
      this.#chat.leave(client.sessionId);
      client.view?.dispose();
      this.#syncConnected();
    }

    override async onDispose() {
      if (!this.#writer) return; // onCreate refused
      await this.#writer.flush();
      this.#writer.stop();
      await this.#feed?.flush();
      this.#feed?.stop();
    }

    get model(): DraftModel {
      return this.#model;
    }

    async flushSnapshots(): Promise<void> {
      await this.#writer.flush();
      await this.#feed.flush();
    }

    #actor(client: Client) {
      return { playerId: this.claimsOf(client).playerId };
    }

    /** Every client message: its sender's manager has come back (absent teams leave autopick), then the handler runs. */
    #on(type: Message, handler: Handler): void {
      this.handle(type, (client, payload) => {
        this.#cameBack(client);
        return handler(client, payload);
      });
    }

    /** A manager who (re)joins or sends any message is back: an absent team leaves autopick. */
    #cameBack(client: Client): void {
      const team = teamOf(this.#model, this.claimsOf(client).playerId);
      if (!team || !markBack(this.#model, team.teamId)) return;
      this.#changed();
      this.#announce(DraftServerMessage.BACK, { teamId: team.teamId });
    }

    /** The clock (rooms/draft/clock.ts): a due scheduled start, absent teams, autopicks, quiet hours, auction clocks. */
    #tick(): void {
      try {
        const now = Date.now();
        if (this.#starter.startIfDue(now)) return;
        this.#updateDisconnects(now);
        const ticked = tickClock(this.#model, this.#disconnects.since, now);
        if (ticked.changed) this.#changed();
        else syncClock(this.#model, this.state, now);
        for (const [type, payload] of ticked.notices) this.#announce(type, payload);
        if (this.#model.auction && (ticked.events.length > 0 || ticked.statusChanged)) this.#auctioned(ticked.events, false);
        if (ticked.picks.length > 0) this.#picked(ticked.picks, false);
      } catch (error) {
        deps.logger.error({ err: error, roomId: this.roomId }, "draft clock failed");
      }
    }

    #updateDisconnects(now: number): void {
      const drafting = this.#model.status === "running" || this.#model.status === "paused";
      this.#disconnects.update(this.#model.teams.map((t) => t.teamId), this.#seats.liveTeams(), drafting, now);
    }

    #picked(picks: DraftPick[], changed = true): void {
      if (picks.length === 0) return;
      if (changed) this.#changed();
      for (const pick of picks) this.#announce(DraftServerMessage.PICKED, pickMessage(this.#model, pick));
      if (this.#model.status === "complete") this.#finisher.run();
    }

    /** Auction happenings (rules/draft/auction.ts): the change goes out, then each event; a complete auction saves its rosters. */
    #auctioned(events: AuctionEvent[], changed = true): void {
      if (changed) this.#changed();
      for (const { type, payload } of auctionAnnouncements(this.#model, events)) this.#announce(type, payload);
      if (this.#model.status === "complete") this.#finisher.run();
    }

    /**
     * Every draft event to everyone goes out here, after the patch that shows
     * it: the one place the draft's happenings leave the room. Each also
     * goes to the league's draft feed (the draft stream over HTTP).
     */
    #announce<K extends keyof DraftEvents>(type: K, payload: DraftEvents[K]): void {
      this.broadcast(type, payload, { afterNextPatch: true });
      this.#feed.event(type, payload);
    }

    /** After every change: version, state, snapshot, listing. */
    #changed(): void {
      this.#model.version++;
      syncDraftState(this.#model, this.state, Date.now());
      this.#syncConnected();
      this.#writer.write({ version: this.#model.version, data: JSON.stringify(this.#model) });
      this.#feed.changed();
      this.#updateListing();
    }

    #syncConnected(): void {
      const live = this.#seats.liveTeams();
      this.#updateDisconnects(Date.now());
      this.state.teams.forEach((team, teamId) => {
        const connected = live.has(teamId);
        if (team.connected !== connected) team.connected = connected;
      });
      this.#watchIdle();
    }

    /** A paused draft with nobody connected is closed after a while (rooms/draft/idle-close.ts). */
    #watchIdle(): void {
      this.#idle.watch(this.#model.status === "paused" && !this.#seats.anyLive);
    }

    #updateListing(): void {
      // An empty room may go away before the start (the snapshot keeps the queues); a live draft must run its clock to the end.
      this.autoDispose = this.#model.status === "waiting" || (this.#model.status === "complete" && this.#model.rostersSaved);
      const metadata: DraftListingMetadata = { leagueId: this.#model.leagueId, status: this.#model.status };
      const key = JSON.stringify(metadata);
      if (key === this.#listingKey) return;
      this.#listingKey = key;
      this.setMetadata(metadata).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "setMetadata failed"));
    }
  }
  const background = () => {
    const scheduler = new DraftScheduler({ leagues, roomName: draftContract.name, checkMs: limits.scheduleCheckMs, logger: deps.logger.child({ component: "draft-scheduler" }) });
    scheduler.start();
    return () => scheduler.stop();
  };
  return { name: draftContract.name, room: DraftRoom, filterBy: ["leagueId"], background };
}

/** What the draft room offers beyond Colyseus's Room (tests and operations reach it in-process). */
export interface DraftRoomControls {
  readonly model: DraftModel;
  /** Resolves once every snapshot (and draft feed event) so far is in the store. */
  flushSnapshots(): Promise<void>;
}
