import type { Client } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import { StateView } from "@colyseus/schema";
import {
  CloseCodes,
  DraftClientMessages,
  DraftJoinOptions,
  DraftRoomOptions,
  DraftServerMessage,
  DraftState,
  AppError,
  draftRefusal,
  type DraftEvents,
  type DraftPickResult,
  type DraftUndoneMessage,
  type TokenClaims,
} from "../shared/index.ts";
import { ProjectRoom } from "./base-room.ts";
import {
  absentAfterDisconnect,
  auctionTick,
  isCommissioner,
  makePick,
  markBack,
  nominate,
  pauseDraft,
  placeBid,
  resumeDraft,
  setAutopick,
  setOrder,
  setQueue,
  startIsDue,
  syncTeams,
  teamOf,
  tick,
  undoPicks,
  type AuctionEvent,
  type ClockNotice,
  type DraftModel,
  type DraftPick,
} from "../shared/rules/draft/index.ts";
import { RoomChat } from "./chat.ts";
import { DisconnectClock } from "./draft/absence.ts";
import { DraftScheduler } from "./draft/scheduler.ts";
import { loadDraft, saveRosters, startWithFinalTeams } from "./draft/league-io.ts";
import { auctionAnnouncements, syncClock, syncDraftState, withBidId } from "./draft/index.ts";
import { DEFAULT_DRAFT_LIMITS, type DraftRoomLimits } from "./draft/limits.ts";
import { completeMessage, pickMessage, withPickId } from "./draft/messages.ts";
import { LEAGUE_COMMANDS, noticeAnnouncement, type Announcement } from "./draft/league-commands.ts";
import { draftBoard, draftClock, draftOrder } from "./draft/feed-board.ts";
import { FeedWriter } from "./draft/feed-writer.ts";
import { DraftSeats } from "./draft/seats.ts";
import { SnapshotWriter } from "./draft/snapshot-writer.ts";
import { parseOrRefuse, refusal } from "./refusal.ts";
import { verifyRoomToken } from "./room-auth.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";
import { draftContract } from "../shared/rooms/index.ts";

export { DEFAULT_DRAFT_LIMITS, type DraftRoomLimits } from "./draft/limits.ts";

export interface DraftListingMetadata {
  leagueId: string;
  status: DraftState["status"];
}

/**
 * The `draft` room: one per league draft, found with
 * `joinOrCreate("draft", {leagueId})` (filtered by `leagueId`). Thin: it
 * checks who is asking, calls the pure rules in shared/rules/draft/, mirrors the
 * model into `DraftState`, and snapshots the model to the league store after
 * every change so a restarted process (Redis mode) restores the draft.
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
    #starting = false;
    #finishing = false;
    #finishAttempts = 0;
    #listingKey = "";
    #idleClose: Delayed | undefined;

    static override async onAuth(token: string): Promise<TokenClaims> {
      return verifyRoomToken(deps.tokens, token);
    }

    override async onCreate(rawOptions: unknown) {
      const { leagueId } = parseOrRefuse(DraftRoomOptions, rawOptions, "draft room options");
      const league = await leagues.get(leagueId);
      if (!league) throw refusal("NOT_FOUND", `No league ${leagueId}`);
      this.#model = await loadDraft(league, deps.stores, limits.poolLimit, deps.logger.child({ roomId: this.roomId }));
      this.#writer = new SnapshotWriter({
        save: (s) => leagues.saveDraftSnapshot(leagueId, s),
        logger: deps.logger.child({ roomId: this.roomId, leagueId }),
      });
      this.state = new DraftState();
      this.#chat = new RoomChat(this.state.chat, limits);
      syncDraftState(this.#model, this.state, Date.now());
      this.#feed = new FeedWriter({
        leagueId,
        feed: deps.stores.draftFeed,
        board: () => draftBoard(this.#model, Date.now()),
        clock: () => draftClock(this.#model, Date.now()),
        order: () => draftOrder(this.#model),
        logger: deps.logger.child({ roomId: this.roomId, leagueId }),
      });
      this.#feed.start();

      this.#on("start", async (client) => this.#start(client));
      this.#on("order.set", (client, { teamIds }) => this.#apply(client, (actor) => setOrder(this.#model, actor, teamIds)));
      this.#on("pick", (client, request) => {
        const before = this.#model.picks.length;
        const outcome = withPickId(request.pickId, () => makePick(this.#model, this.#actor(client), request, Date.now()));
        if (!outcome.replayed) this.#picked(this.#model.picks.slice(before));
        client.send(
          DraftServerMessage.PICK_RESULT,
          { pickId: request.pickId, replayed: outcome.replayed, undone: outcome.undone, pick: pickMessage(this.#model, outcome.pick) } satisfies DraftPickResult,
          { afterNextPatch: true },
        );
      });
      this.#on("queue.set", (client, { playerIds }) => this.#apply(client, (actor) => setQueue(this.#model, actor, playerIds)));
      this.#on("autopick.set", (client, { enabled, teamId }) => this.#apply(client, (actor) => setAutopick(this.#model, actor, enabled, teamId)));
      this.#on("pause", (client) => this.#apply(client, (actor) => pauseDraft(this.#model, actor, Date.now())));
      this.#on("resume", (client) => this.#apply(client, (actor) => resumeDraft(this.#model, actor, Date.now())));
      this.#on("undo", (client, { pickNumber }) => {
        const undone = undoPicks(this.#model, this.#actor(client), pickNumber, Date.now());
        this.#changed();
        this.#announce(DraftServerMessage.UNDONE, { fromPick: undone[0].number, undone: undone.map((p) => pickMessage(this.#model, p)) } satisfies DraftUndoneMessage);
        this.#picked(this.#model.picks.slice(undone[0].number - 1)); // keepers drafted again with their slot
      });
      for (const type of Object.keys(LEAGUE_COMMANDS) as (keyof typeof LEAGUE_COMMANDS)[]) {
        const command = LEAGUE_COMMANDS[type] as (model: DraftModel, actor: { playerId: string }, payload: unknown, now: number) => Announcement;
        this.#on(type, (client, payload: unknown) => {
          const announcement = command(this.#model, this.#actor(client), payload, Date.now());
          this.#changed();
          this.#announce(announcement[0], announcement[1]);
        });
      }
      this.#on("chat", (client, { text }) => {
        const { playerId, name } = this.claimsOf(client);
        const line = this.#chat.say(client.sessionId, { playerId, name }, text, Date.now());
        this.#announce(DraftServerMessage.CHAT, { seq: line.seq, playerId, name, text: line.text, at: line.at });
      });

      this.handle("auction.nominate", (client, request) => this.#auctioned([nominate(this.#model, this.#actor(client), request, Date.now())]));
      this.handle("auction.bid", (client, request) => {
        const events = withBidId(request.bidId, () => placeBid(this.#model, this.#actor(client), request, Date.now()));
        if (events.length > 0) this.#auctioned(events); // a retried bid id changed nothing
      });

      this.clock.setInterval(() => this.#tick(), limits.clockTickMs);
      this.setupProjectRoom();
      this.#updateListing();
      if (this.#model.status === "complete") this.#finish();
      if (startIsDue(this.#model, Date.now())) this.#startScheduled(); // opened by the scheduler, or joined late
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
    #on<K extends keyof typeof DraftClientMessages & string>(type: K, handler: Parameters<typeof this.handle<K>>[1]): void {
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

    /** A command of the rules on the client's behalf; then the change goes out. */
    #apply(client: Client, command: (actor: { playerId: string }) => unknown): void {
      command(this.#actor(client));
      this.#changed();
    }

    async #start(client: Client | undefined): Promise<void> {
      const actor = client ? this.#actor(client) : { playerId: this.#model.commissionerId };
      if (this.#starting) throw draftRefusal("STARTING", "The draft is being started");
      this.#starting = true;
      try {
        await startWithFinalTeams(this.#model, actor, leagues);
      } finally {
        this.#starting = false;
      }
      deps.logger.info({ roomId: this.roomId, leagueId: this.#model.leagueId, order: this.#model.order, scheduled: !client }, "draft started");
      this.#changed();
      this.#announce(DraftServerMessage.STARTED, { by: client ? "commissioner" : "schedule", order: [...this.#model.order] });
      this.#picked(this.#model.picks); // keepers of round 1
    }

    /** The league's `startAt` passed: the draft starts itself; a refusal is announced once and not retried. */
    #startScheduled(): void {
      this.#start(undefined).catch((error: unknown) => {
        if (!(error instanceof AppError) || this.#model.status !== "waiting") return deps.logger.warn({ err: error, roomId: this.roomId }, "scheduled draft start failed");
        this.#model.scheduleFailed = true;
        this.#changed();
        // Off the scheduler's due list, so the refused draft's room is not opened again and again.
        leagues.clearDraftSchedule(this.#model.leagueId).catch((err: unknown) => deps.logger.warn({ err, roomId: this.roomId }, "clearing the draft schedule failed"));
        const reason = String((error.details as { reason?: string } | undefined)?.reason ?? error.code);
        this.#announce(DraftServerMessage.SCHEDULE_FAILED, { reason, message: error.message });
      });
    }

    #tick(): void {
      try {
        const now = Date.now();
        if (startIsDue(this.#model, now) && !this.#starting) return this.#startScheduled();
        const notices: ClockNotice[] = [];
        this.#updateDisconnects(now);
        for (const teamId of absentAfterDisconnect(this.#model, this.#disconnects.since, now)) notices.push({ type: "absent", teamId, reason: "disconnected" });
        const status = this.#model.status;
        const picks = tick(this.#model, now, notices); // an auction's: quiet hours only
        const events = this.#model.auction ? auctionTick(this.#model, now, notices) : [];
        const statusChanged = this.#model.status !== status;
        if (picks.length > 0 || notices.length > 0 || events.length > 0 || statusChanged) this.#changed();
        else syncClock(this.#model, this.state, now);
        for (const [type, payload] of notices.map((notice) => noticeAnnouncement(this.#model, notice, now))) this.#announce(type, payload);
        if (this.#model.auction && (events.length > 0 || statusChanged)) this.#auctioned(events, false);
        if (picks.length > 0) this.#picked(picks, false);
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
      if (this.#model.status === "complete") this.#finish();
    }

    /** Auction happenings (rules/draft/auction.ts): the change goes out, then each event; a complete auction saves its rosters. */
    #auctioned(events: AuctionEvent[], changed = true): void {
      if (changed) this.#changed();
      for (const { type, payload } of auctionAnnouncements(this.#model, events)) this.#announce(type, payload);
      if (this.#model.status === "complete") this.#finish();
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

    /**
     * A paused draft nobody is connected to would wait in memory forever
     * (its seats are held for the whole draft): after `idleCloseSeconds` it
     * is snapshotted and closed, and the next join restores it. A running
     * draft needs no such rule: its clock autopicks it to the end.
     */
    #watchIdle(): void {
      const idle = this.#model.status === "paused" && !this.#seats.anyLive;
      if (!idle) {
        this.#idleClose?.clear();
        this.#idleClose = undefined;
        return;
      }
      this.#idleClose ??= this.clock.setTimeout(() => {
        this.#idleClose = undefined;
        deps.logger.info({ roomId: this.roomId, leagueId: this.#model.leagueId, idleSeconds: limits.idleCloseSeconds }, "paused draft idle with nobody connected: snapshotted and closed");
        // onDispose flushes the snapshot; the held seats' reconnections fail and their clients join again (restore).
        void this.disconnect(CloseCodes.ROOM_CLOSED.code).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "closing the idle draft failed"));
      }, limits.idleCloseSeconds * 1000);
    }

    /**
     * A complete draft writes its rosters to the fantasy roster store (which
     * creates the standings board; match results credit points from then
     * on), marks the league complete, tells everyone, and closes later.
     * Retried with backoff until it lands (the store may be down).
     */
    #finish(): void {
      if (this.#finishing) return;
      if (this.#model.rostersSaved) return this.#scheduleClose();
      this.#finishing = true;
      const model = this.#model;
      saveRosters(model, deps.stores, deps.logger)
        .then(() => {
          this.#finishing = false;
          model.rostersSaved = true;
          this.#changed();
          this.#announce(DraftServerMessage.COMPLETE, completeMessage(model));
          deps.logger.info({ roomId: this.roomId, leagueId: model.leagueId }, "draft complete; rosters saved");
          this.#scheduleClose();
        })
        .catch((error) => {
          this.#finishing = false;
          const delay = Math.min(limits.maxRetryMs, 500 * 2 ** Math.min(this.#finishAttempts++, 10));
          deps.logger.warn({ err: error, roomId: this.roomId, retryInMs: delay }, "saving the draft's rosters failed; retrying");
          this.clock.setTimeout(() => this.#finish(), delay);
        });
    }

    #scheduleClose(): void {
      this.clock.setTimeout(() => void this.disconnect(CloseCodes.ROOM_CLOSED.code).catch(() => undefined), limits.closeAfterSeconds * 1000);
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
