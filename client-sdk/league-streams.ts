import { applyDraftEvent, type DraftBoard } from "../shared/draft/board.ts";
import type { LeagueStandings } from "../shared/fantasy-standings.ts";
import { SseSubscription, type SseSubscriptionDeps, type SseSubscriptionEvents, type SseSubscriptionOptions, type SseSubscriptionRetryEvent } from "./sse-subscription.ts";

export type LeagueStreamOptions = SseSubscriptionOptions;
export type LeagueStreamRetryEvent = SseSubscriptionRetryEvent;
/** @internal */
export type LeagueStreamDeps = SseSubscriptionDeps;
type BaseEvents = SseSubscriptionEvents;

/**
 * A league's members-only SSE stream (docs/protocol.md "Fantasy leagues"),
 * resumable (`Last-Event-ID`); 403 FORBIDDEN (not a member) and 404 end it
 * with the typed HttpError.
 */
abstract class LeagueStream<Events extends BaseEvents> extends SseSubscription<Events> {
  readonly leagueId: string;

  constructor(deps: LeagueStreamDeps, leagueId: string, path: string, options: LeagueStreamOptions) {
    super(deps, path, options, true);
    this.leagueId = leagueId;
  }
}

export interface StandingsEvents extends BaseEvents {
  /** The whole standings, at the start and after every change. */
  standings: LeagueStandings;
}

/** `client.leagues.subscribeStandings(id)`: a league's standings, live (`GET /v1/leagues/:id/standings/stream`). */
export class StandingsSubscription extends LeagueStream<StandingsEvents> {
  #standings: LeagueStandings | undefined;

  constructor(deps: LeagueStreamDeps, leagueId: string, options: LeagueStreamOptions = {}) {
    super(deps, leagueId, `/v1/leagues/${encodeURIComponent(leagueId)}/standings/stream`, options);
  }

  /** The newest standings (undefined until the first event). */
  get standings(): LeagueStandings | undefined {
    return this.#standings;
  }

  protected handle(event: string, data: unknown): void {
    if (event !== "standings") return; // unknown events are ignored (forward compatibility)
    this.#standings = data as LeagueStandings;
    this.events.emit("standings", this.#standings);
  }
}

/** One event of the draft feed, as the draft stream sends it. */
export interface DraftFeedEvent {
  /** `draft.picked`, `draft.clock`, …: the draft room's event names. */
  type: string;
  /** The feed seq. */
  seq: number;
  data: unknown;
}

export interface DraftFeedEvents extends BaseEvents {
  /** A fresh board (the first event, and after a gap the server no longer holds). */
  board: DraftBoard;
  /** Every feed event after the board, in order. */
  event: DraftFeedEvent;
  /** The board after every `board` or `event`. */
  change: DraftBoard;
}

/**
 * `client.leagues.draftFeed(id)`: a league's draft, live
 * (`GET /v1/leagues/:id/draft/stream`): the board, kept up to date with
 * every pick, undo and clock change (`applyDraftEvent`), and every feed event.
 */
export class DraftFeedSubscription extends LeagueStream<DraftFeedEvents> {
  #board: DraftBoard | undefined;

  constructor(deps: LeagueStreamDeps, leagueId: string, options: LeagueStreamOptions = {}) {
    super(deps, leagueId, `/v1/leagues/${encodeURIComponent(leagueId)}/draft/stream`, options);
  }

  /** The board as of the last event (undefined until the first). */
  get board(): DraftBoard | undefined {
    return this.#board;
  }

  protected handle(event: string, data: unknown, id: string | undefined): void {
    if (event === "board") {
      this.#board = data as DraftBoard;
      this.events.emit("board", this.#board);
    } else if (event.startsWith("draft.")) {
      if (this.#board) this.#board = applyDraftEvent(this.#board, event, data);
      this.events.emit("event", { type: event, seq: Number(id), data });
    } else {
      return;
    }
    if (this.#board) this.events.emit("change", this.#board);
  }
}
