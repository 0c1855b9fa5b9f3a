import { DraftServerMessage, type DraftPickResult } from "../../shared/draft/events.ts";
import type { DraftRoomOptionsInput } from "../../shared/draft/messages.ts";
import { MAX_QUEUE_LENGTH, type DraftTeamState } from "../../shared/draft/state.ts";
import { draftContract, type DraftContract } from "../../shared/rooms/draft.ts";
import { RoomMessageError, SdkError, toSdkError } from "../errors.ts";
import type { JoinRequest } from "./join-room.ts";
import { RoomConnection, type RoomConnectOptions, type RoomCore } from "./room-connection.ts";
import { RoomHandle } from "./room-handle.ts";

export interface DraftPickOptions {
  /**
   * The idempotency key of this pick attempt. Generated when omitted; pass
   * the same id again to retry a pick whose answer was lost (the server
   * answers the first pick with `replayed: true` and changes nothing).
   */
  pickId?: string;
  /** Commissioner: the team picked for (default: the server's rule, see docs/protocol.md). */
  teamId?: string;
  /** Reject with TIMEOUT if no answer arrives in time (the pick may still have been made: retry with the same `pickId`). @default 10000 */
  timeoutMs?: number;
}

/** How long `pick()` waits for its answer by default (`DraftPickOptions.timeoutMs`). */
export const DEFAULT_PICK_TIMEOUT_MS = 10_000;

/** A fresh pick id (`[A-Za-z0-9_.:-]{1,64}`, the server's ClientPickId). */
export function newPickId(): string {
  const uuid = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.();
  return uuid ?? `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/**
 * A draft room connection with the draft's verbs. Everything rides on the
 * typed messages (`DraftClientMessages`); the helpers add what a UI needs:
 * picks that resolve with their `draft.pick.result` (or reject with the
 * refusal) and are resent with the same pick id after a reconnect, and
 * queue edits computed from the manager's own private queue.
 */
export class DraftConnection extends RoomConnection<DraftContract> {
  readonly #core: RoomCore;
  /** The queue last sent, until the state shows it (so quick edits build on each other, not on a stale state). */
  #pendingQueue?: string[];

  constructor(core: RoomCore, initial: JoinRequest, options?: RoomConnectOptions) {
    super(core, draftContract, initial, options);
    this.#core = core;
    this.onStateChange(() => {
      if (this.#pendingQueue && sameList(this.#pendingQueue, this.#serverQueue() ?? [])) this.#pendingQueue = undefined;
    });
  }

  /** The signed-in player's team in this draft (undefined for a commissioner without a team). */
  get myTeam(): DraftTeamState | undefined {
    const me = this.#core.auth.player?.playerId;
    if (!me || !this.state) return undefined;
    for (const team of this.state.teams.values()) if (team.managerId === me) return team;
    return undefined;
  }

  /**
   * The manager's own private queue (first = next), including edits not yet
   * echoed by the server. Other teams' queues are never sent to this client:
   * their `queue` field stays unset.
   */
  get queue(): string[] {
    return [...(this.#pendingQueue ?? this.#serverQueue() ?? [])];
  }

  #serverQueue(): string[] | undefined {
    const queue = this.myTeam?.queue;
    return queue ? [...queue] : undefined;
  }

  /** Replaces the queue (≤ 100 player ids from the pool, no repeats). */
  setQueue(playerIds: readonly string[]): void {
    const list = [...playerIds];
    this.send("queue.set", { playerIds: list });
    this.#pendingQueue = list;
  }

  /** Adds a player at `index` (default: the end); a player already queued moves there. */
  enqueue(playerId: string, index = Infinity): void {
    const list = this.queue.filter((id) => id !== playerId);
    list.splice(Math.max(0, Math.min(index, list.length)), 0, playerId);
    if (list.length > MAX_QUEUE_LENGTH) throw new RangeError(`a queue holds at most ${MAX_QUEUE_LENGTH} players`);
    this.setQueue(list);
  }

  /** Removes a player from the queue. */
  dequeue(playerId: string): void {
    this.setQueue(this.queue.filter((id) => id !== playerId));
  }

  /** Moves a queued player to `index` (0 = next). */
  moveInQueue(playerId: string, index: number): void {
    if (!this.queue.includes(playerId)) throw new RangeError(`player ${playerId} is not in the queue`);
    this.enqueue(playerId, index);
  }

  clearQueue(): void {
    this.setQueue([]);
  }

  /** A chat line to the draft room (the text rule; rate-limited: refusals arrive as `error`). */
  chat(text: string): void {
    this.send("chat", { text });
  }

  /** Commissioner, before the start: `playerId` is kept by `teamId` at the cost of its own pick in `round`. */
  setKeeper(teamId: string, playerId: string, round: number): void {
    this.send("keeper.set", { teamId, playerId, round });
  }

  /** Commissioner, before the start: removes the team's keeper of `round`. */
  removeKeeper(teamId: string, round: number): void {
    this.send("keeper.remove", { teamId, round });
  }

  /** Proposes to `toTeamId`: the caller gives the pick slots `give` and gets `get` (as many each way; a slot = round + original team). */
  proposeTrade(toTeamId: string, give: { round: number; teamId: string }[], get: { round: number; teamId: string }[]): void {
    this.send("trade.propose", { toTeamId, give, get });
  }

  /** The receiving manager accepts (the trade executes at once). */
  acceptTrade(tradeId: string): void {
    this.send("trade.accept", { tradeId });
  }

  /** The receiving manager declines, or the proposer withdraws. */
  declineTrade(tradeId: string): void {
    this.send("trade.decline", { tradeId });
  }

  /** Commissioner: vetoes a trade still proposed. */
  vetoTrade(tradeId: string): void {
    this.send("trade.veto", { tradeId });
  }

  /** Autopick mode for the caller's team (the commissioner may name any `teamId`). */
  setAutopick(enabled: boolean, teamId?: string): void {
    this.send("autopick.set", teamId === undefined ? { enabled } : { enabled, teamId });
  }

  /**
   * Picks `playerId`. Resolves with the `draft.pick.result` (`replayed: true`
   * when this pick id already made the pick); rejects with the room's
   * refusal as a RoomMessageError (`details.reason`: NOT_YOUR_TURN,
   * PLAYER_TAKEN, …), NOT_CONNECTED if the connection closes, or TIMEOUT.
   * A pick sent while the connection is down waits in the send queue; one
   * unanswered when the connection drops is sent again, with the same pick
   * id, once it is back: retry-safe either way.
   */
  pick(playerId: string, options: DraftPickOptions = {}): Promise<DraftPickResult> {
    const pickId = options.pickId ?? newPickId();
    const payload = options.teamId === undefined ? { pickId, playerId } : { pickId, playerId, teamId: options.teamId };
    return new Promise<DraftPickResult>((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const done = (finish: () => void) => {
        for (const cleanup of cleanups) cleanup();
        finish();
      };
      cleanups.push(
        this.onMessage(DraftServerMessage.PICK_RESULT, (result) => {
          if (result.pickId === pickId) done(() => resolve(result));
        }),
        this.on("error", (error) => {
          const details = error.details as { pickId?: unknown } | undefined;
          if (error.type === "pick" && (details?.pickId === pickId || details?.pickId === undefined)) done(() => reject(error));
        }),
        this.on("state", (change) => {
          if (change.to === "open" && change.reason === "reconnected") this.send("pick", payload);
          if (change.to === "closed") done(() => reject(change.error ?? new SdkError("NOT_CONNECTED", "the draft connection closed before the pick was answered")));
        }),
      );
      const timeoutMs = options.timeoutMs ?? DEFAULT_PICK_TIMEOUT_MS;
      const timer = setTimeout(() => done(() => reject(new SdkError("TIMEOUT", `no answer to pick ${pickId} within ${timeoutMs} ms; retry with the same pickId`))), timeoutMs);
      cleanups.push(() => clearTimeout(timer));
      try {
        this.send("pick", payload);
      } catch (error) {
        done(() => reject(error instanceof RoomMessageError ? error : toSdkError(error)));
      }
    });
  }

  /** Commissioner: starts the draft (`start`; named so because `start()` begins a connection). */
  startDraft(): void {
    this.send("start", {});
  }

  /** Commissioner: round 1's order (`manual` leagues). */
  setOrder(teamIds: string[]): void {
    this.send("order.set", { teamIds });
  }

  pause(): void {
    this.send("pause", {});
  }

  resume(): void {
    this.send("resume", {});
  }

  /**
   * Auction drafts: nominates `playerId` for the caller's team (on the
   * nomination clock) with an opening bid (default 1). Refusals arrive as
   * `error` events (`details.reason`: NOT_YOUR_NOMINATION, LOT_OPEN, …).
   */
  nominate(playerId: string, bid?: number): void {
    this.send("auction.nominate", bid === undefined ? { playerId } : { playerId, bid });
  }

  /**
   * Auction drafts: bids `amount` on the open lot. `lot` (default: the lot
   * open in the state now) keeps a late bid off the next player; `bidId`
   * makes a resend safe. Refusals carry `details.bidId` when one was sent.
   */
  bid(amount: number, options: { lot?: number; bidId?: string } = {}): void {
    const lot = options.lot ?? (this.state?.lot.number || undefined);
    this.send("auction.bid", { amount, ...(lot === undefined ? {} : { lot }), ...(options.bidId === undefined ? {} : { bidId: options.bidId }) });
  }

  /** Commissioner: undoes pick `pickNumber` (default: the last) and every later pick. */
  undo(pickNumber?: number): void {
    this.send("undo", pickNumber === undefined ? {} : { pickNumber });
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/**
 * `client.rooms.draft`: one room per league. `join(leagueId)` lands every
 * member of the league in the same room (joinOrCreate filtered by
 * `leagueId`) and returns a {@link DraftConnection}.
 */
export class DraftRoomHandle extends RoomHandle<DraftContract> {
  constructor(core: RoomCore) {
    super(core, draftContract);
  }

  protected override open(request: JoinRequest, control?: RoomConnectOptions): DraftConnection {
    return new DraftConnection(this.core, request, control);
  }

  /** Joins (or opens) the draft room of a league (joinOrCreate with `{leagueId}`). */
  override join(league?: string | DraftRoomOptionsInput, control?: RoomConnectOptions): Promise<DraftConnection> {
    // Optional only to stay compatible with RoomHandle.join; a draft always needs its league.
    if (league === undefined) return Promise.reject(new TypeError("client-sdk: client.rooms.draft.join(leagueId) needs the league id"));
    const options = typeof league === "string" ? { leagueId: league } : league;
    return this.connect("joinOrCreate", options, control).ready() as Promise<DraftConnection>;
  }

  override joinOrCreate(options: DraftRoomOptionsInput, control?: RoomConnectOptions): Promise<DraftConnection> {
    return super.joinOrCreate(options, control) as Promise<DraftConnection>;
  }

  override joinById(roomId: string, options?: DraftRoomOptionsInput, control?: RoomConnectOptions): Promise<DraftConnection> {
    return super.joinById(roomId, options, control) as Promise<DraftConnection>;
  }

  override reconnect(reconnectionToken: string, control?: RoomConnectOptions): Promise<DraftConnection> {
    return super.reconnect(reconnectionToken, control) as Promise<DraftConnection>;
  }
}
