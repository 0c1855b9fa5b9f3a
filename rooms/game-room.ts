import type { Client } from "@colyseus/core";
import {
  AppError,
  CloseCodes,
  GameClientMessages,
  GameJoinOptions,
  GameRoomOptions,
  GameServerMessage,
  GameState,
  type GameRoomSettings,
  type GameSide,
  type GoalMessage,
  type MatchFinishedMessage,
  type TokenClaims,
} from "../shared/index.ts";
import {
  acceptInput,
  arenaConfigFromSettings,
  buildMatchResult,
  createWorld,
  requestStart,
  seatPlayer,
  setConnected,
  setReady,
  stepWorld,
  unseatPlayer,
  type ArenaEvent,
  type MatchMeta,
  type World,
} from "../shared/rules/arena/index.ts";
import { ProjectRoom } from "./base-room.ts";
import { publishLobbyListing } from "./lobby-room.ts";
import { initGameState, syncGameState } from "./game-state-sync.ts";
import { expectedMatchSeconds, gameListing, matchMeta } from "./game/room-info.ts";
import { MatchIdClaim, newMatchId } from "./match-id-claim.ts";
import { parseOrRefuse, refusal } from "./refusal.ts";
import { ResultSubmitter } from "./result-submitter.ts";
import { verifyRoomToken } from "./room-auth.ts";
import type { RoomDefinition, RoomDeps } from "./room-deps.ts";
import { gameContract } from "../shared/rooms/index.ts";


export type { GameListingMetadata } from "../shared/index.ts";

/**
 * The `game` room: arena soccer, server-authoritative (docs/protocol.md "Game room").
 * Thin: it validates, seats, and runs `stepWorld` on a fixed timestep; the
 * rules live in shared/rules/arena/. The simulation runs at deps.tickRateHz and a
 * patch goes out right after every tickRateHz / patchRateHz-th step (config
 * keeps the ratio whole), not on a second timer: an input then waits for one
 * clock (at most one patch interval) before a state shows it, instead of a
 * step plus an unaligned patch. The schema is refreshed from the simulation
 * once per patch (onBeforePatch).
 */
export function gameRoom(deps: RoomDeps): RoomDefinition {
  class GameRoom extends ProjectRoom<GameState, typeof GameClientMessages> implements GameRoomControls {
    protected readonly deps = deps;
    protected readonly messageSchemas = GameClientMessages;
    #settings!: GameRoomSettings;
    #world!: World;
    #meta!: MatchMeta;
    #reconnectSeconds = deps.reconnectWindowSeconds;
    readonly #spectators = new Set<string>();
    #submitter!: ResultSubmitter;
    #claim: MatchIdClaim | undefined;
    #listingKey = "";
    #visible: boolean | undefined;
    #tickErrors = 0;
    #frameSeq = 0;
    #ticksSinceFrame = 0;
    #ticksSincePatch = 0;
    readonly #ticksPerPatch = Math.max(1, Math.round(deps.tickRateHz / deps.patchRateHz));
    readonly #ticksPerFrame = Math.max(1, Math.round(deps.tickRateHz / deps.spectateRateHz));
    /** When each input since the last patch was accepted (performance.now()), for `room_input_to_patch_seconds`. */
    readonly #inputTimes = deps.latency ? new InputClock(deps.latency.inputToPatch) : undefined;

    static override async onAuth(token: string): Promise<TokenClaims> {
      return verifyRoomToken(deps.tokens, token);
    }

    override async onCreate(rawOptions: unknown) {
      const settings = (this.#settings = parseOrRefuse(GameRoomOptions, rawOptions, "game room options"));
      // `matchId` comes only from the server (a matchmaker): the matchmake
      // edge refuses it in a client's options (RoomDefinition.serverOnlyOptions).
      const claim = (this.#claim = new MatchIdClaim(settings.matchId ?? newMatchId(), this.roomId, deps.stores.results, deps.logger.child({ roomId: this.roomId })));
      const taken = await claim.take();
      if (taken !== "ok") throw refusal("CONFLICT", `Match ${claim.matchId} is ${taken === "recorded" ? "already recorded" : "being played in another room"}`);
      this.#reconnectSeconds = settings.reconnectSeconds ?? deps.reconnectWindowSeconds;
      this.#world = createWorld(arenaConfigFromSettings(settings, this.#reconnectSeconds));
      this.#meta = matchMeta(claim.matchId, settings);
      this.#submitter = new ResultSubmitter({
        store: deps.stores.results,
        owner: this.roomId,
        logger: deps.logger.child({ roomId: this.roomId, matchId: this.#meta.matchId }),
        schedule: (fn, ms) => this.clock.setTimeout(fn, ms),
      });
      this.clock.setInterval(() => void claim.renew(this.#submitter.recorded), MatchIdClaim.renewEveryMs);

      this.state = new GameState();
      initGameState(this.#world, this.state, { matchId: this.#meta.matchId, friendly: settings.friendly, teams: this.#meta.teams });
      syncGameState(this.#world, this.state, 0);
      // Players are bounded by the rules (2 × teamSize seats); spectators by maxSpectators.
      this.maxClients = settings.teamSize * 2 + settings.maxSpectators;

      this.handle("input", (client, input) => {
        this.#assertPlayer(client);
        acceptInput(this.#world, client.sessionId, input);
        this.#inputTimes?.accepted();
      });
      this.handle("ready", (client, { ready }) => {
        this.#assertPlayer(client);
        setReady(this.#world, client.sessionId, ready);
      });
      this.handle("start", (client) => {
        this.#assertPlayer(client);
        const refused = requestStart(this.#world, this.claimsOf(client).playerId);
        if (refused) throw new AppError(refused.code, refused.message);
      });

      // Fixed step first, then patchRate = null (no patch timer: #tick sends
      // the patches). Order matters in Colyseus 0.18: a clock ticked by a
      // second interval starves setFixedTimestep's accumulator.
      this.setFixedTimestep((ctx) => this.#tick(ctx.dt), deps.tickRateHz);
      this.patchRate = null;
      this.setupProjectRoom();
      this.#updateListing();
      // The match id may be long-polled or spectated (over SSE) before the match starts.
      this.#expectResult();
    }

    override onBeforePatch() {
      if (!this.#world) return; // onCreate refused the options; the room is being discarded
      syncGameState(this.#world, this.state, this.#spectators.size);
    }

    /** Spectators hold no seat worth keeping; players keep theirs for the room's window. */
    protected override reconnectionSeconds(client: Client): number {
      return this.#spectators.has(client.sessionId) ? 0 : this.#reconnectSeconds;
    }

    protected override playerJoined(client: Client, rawOptions: unknown) {
      const options = parseOrRefuse(GameJoinOptions, rawOptions, "join options");
      if (options.spectate) {
        if (this.#spectators.size >= this.#settings.maxSpectators) throw refusal("CONFLICT", "The room has no spectator seat left");
        this.#spectators.add(client.sessionId);
      } else {
        const claims = this.claimsOf(client);
        const seated = seatPlayer(this.#world, { id: client.sessionId, playerId: claims.playerId, name: claims.name, side: options.side });
        if (!seated.ok) throw refusal(seated.code, seated.message);
      }
      this.#updateListing();
    }

    protected override playerDropped(client: Client) {
      setConnected(this.#world, client.sessionId, false);
    }

    protected override playerReconnected(client: Client) {
      setConnected(this.#world, client.sessionId, true);
    }

    protected override playerLeft(client: Client) {
      if (this.#spectators.delete(client.sessionId)) return this.#updateListing();
      unseatPlayer(this.#world, client.sessionId);
      this.#updateListing();
    }

    /** A match that can end inside the grace window plays on, so its result is recorded; anything else closes at once. */
    protected override keepRunningWhileDraining(graceMs: number): boolean {
      const world = this.#world;
      if (!world || world.phase !== "playing") return false;
      return (world.clockLeft + world.freezeLeft) * 1000 <= graceMs;
    }

    override onDispose() {
      // Undefined when onCreate refused the options; and a throw here would
      // keep Colyseus from clearing the room's intervals.
      this.#submitter?.stop();
      if (!this.#submitter?.recorded) this.#claim?.release();
    }

    /**
     * Called when the rules report `finished`; idempotent: the result is built
     * and handed to the store once, however often this runs.
     */
    finishMatch(): void {
      if (this.#submitter.result || this.#world.phase !== "finished") return;
      const result = buildMatchResult(this.#world, this.#meta);
      syncGameState(this.#world, this.state, this.#spectators.size);
      // After the next patch, so a client handling the message already sees the final state.
      this.broadcast(GameServerMessage.FINISHED, { reason: this.#world.end?.reason ?? "time", result } satisfies MatchFinishedMessage, { afterNextPatch: true });
      const postMatch = new Promise<void>((resolve) => this.clock.setTimeout(resolve, this.#settings.postMatchSeconds * 1000));
      void Promise.all([this.#submitter.submit(result), postMatch])
        .then(() => (this.#submitter.recorded || this.#submitter.refused ? this.disconnect(CloseCodes.ROOM_CLOSED.code) : undefined))
        .catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "closing the finished room failed"));
    }

    /** For tests and operations: fixed steps run so far. */
    get simulationTick(): number {
      return this.#world.tick;
    }

    /** For tests and operations: the submitter's view (result, attempts). */
    get resultSubmitter(): ResultSubmitter {
      return this.#submitter;
    }

    /**
     * Tells the results store this match id is live, so a long poll on it
     * waits instead of answering "unknown match". The TTL outlasts the whole
     * match (countdown, clock, freezes, a forfeit window, post-match) with margin.
     */
    #expectResult(): void {
      const ttl = expectedMatchSeconds(this.#settings, this.#reconnectSeconds);
      Promise.resolve(deps.stores.results.expect?.(this.#meta.matchId, ttl)).catch((error) =>
        deps.logger.warn({ err: error, roomId: this.roomId, matchId: this.#meta.matchId }, "could not mark the match as expected"),
      );
    }

    /**
     * A spectator frame (SSE viewers, through the store's feed) every
     * tickRate/spectateRate ticks: the last patched state as JSON. Counted in
     * ticks, not by a second clock interval (in Colyseus 0.18 that starves
     * the fixed-step accumulator).
     */
    #publishFrame(): void {
      this.#ticksSinceFrame = 0;
      if (!deps.stores.spectators.isWatched(this.#meta.matchId)) return;
      deps.stores.spectators.publish({ matchId: this.#meta.matchId, seq: ++this.#frameSeq, ts: Date.now(), state: this.state.toJSON() });
    }

    #assertPlayer(client: Client): void {
      if (this.#spectators.has(client.sessionId)) throw new AppError("FORBIDDEN", "Spectators cannot act in the match");
    }

    #tick(dt: number): void {
      // A rules bug must not take the process down (an interval callback has
      // no caller to catch it), nor stop the patches of a room whose step fails.
      try {
        this.#apply(stepWorld(this.#world, dt, Date.now()));
        if (++this.#ticksSinceFrame >= this.#ticksPerFrame) this.#publishFrame();
      } catch (error) {
        this.#tickFailed(error, "game step failed");
      }
      if (++this.#ticksSincePatch < this.#ticksPerPatch) return;
      this.#ticksSincePatch = 0;
      try {
        this.broadcastPatch();
        this.#inputTimes?.patched();
      } catch (error) {
        this.#tickFailed(error, "patch failed");
      }
    }

    #tickFailed(error: unknown, message: string): void {
      if (this.#tickErrors++ % 300 === 0) deps.logger.error({ err: error, roomId: this.roomId, errors: this.#tickErrors }, message);
    }

    #apply(events: ArenaEvent[]): void {
      for (const event of events) {
        if (event.type === "goal") {
          const { type: _type, ...goal } = event;
          this.broadcast(GameServerMessage.GOAL, goal satisfies GoalMessage, { afterNextPatch: true });
        } else if (event.type === "phase") {
          deps.logger.debug({ roomId: this.roomId, from: event.from, to: event.to, reason: event.reason }, "match phase");
          // Once the countdown starts the match must outlive an empty room
          // (forfeit, result); before it, an empty room may go away.
          this.autoDispose = event.to === "waiting";
          if (event.to === "countdown") this.#expectResult();
          if (event.to === "finished") this.finishMatch();
        }
      }
      if (events.length > 0) this.#updateListing();
    }

    /** Listing metadata for lobbies, and whether joinOrCreate may pick this room. */
    #updateListing(): void {
      const { metadata, visible } = gameListing(this.#world, this.#settings, this.#meta, this.#spectators.size);
      const key = JSON.stringify(metadata);
      const updates: Promise<void>[] = [];
      if (key !== this.#listingKey) {
        this.#listingKey = key;
        updates.push(this.setMetadata(metadata).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "setMetadata failed")));
      }
      if (visible !== this.#visible) {
        this.#visible = visible;
        updates.push(this.setPrivate(!visible).catch((error) => deps.logger.warn({ err: error, roomId: this.roomId }, "setPrivate failed")));
      }
      // Colyseus's lobby events skip private rooms; a listed game hidden from
      // joinOrCreate (live, full, matchmade) is announced here, after them.
      if (updates.length > 0 && metadata.listed && !visible) void Promise.all(updates).then(() => publishLobbyListing(this));
    }
  }
  return { name: gameContract.name, room: GameRoom, filterBy: ["teamSize", "friendly"], realtimeListing: true, serverOnlyOptions: ["matchId"] };
}

/**
 * The acceptance times of the inputs a room has not patched yet, in a
 * reused Float64Array (grown by doubling, never per input): at each patch,
 * one observation per input, of the time from its acceptance to the end of
 * `broadcastPatch` (which has written the patch to every client's socket).
 * An input accepted before a patch step is applied by that step, so the
 * patch right after is the first that carries it.
 */
class InputClock {
  #times = new Float64Array(32);
  #count = 0;
  constructor(readonly recorder: { observe(seconds: number): void }) {}

  accepted(): void {
    if (this.#count === this.#times.length) {
      const grown = new Float64Array(this.#times.length * 2);
      grown.set(this.#times);
      this.#times = grown;
    }
    this.#times[this.#count++] = performance.now();
  }

  patched(): void {
    const count = this.#count;
    if (count === 0) return;
    const now = performance.now();
    const times = this.#times;
    for (let i = 0; i < count; i++) this.recorder.observe((now - times[i]) / 1000);
    this.#count = 0;
  }
}

/** What the game room offers beyond Colyseus's Room (tests and operations reach it in-process). */
export interface GameRoomControls {
  /** Idempotent: builds and submits the result once, when the match is finished. */
  finishMatch(): void;
  readonly resultSubmitter: ResultSubmitter;
  /** Fixed steps run so far (patches go out after every TICK_RATE_HZ / PATCH_RATE_HZ-th). */
  readonly simulationTick: number;
}
