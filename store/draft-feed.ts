import type { DraftBoard } from "../shared/draft/board.ts";

/** One event of a league's draft feed. */
export interface DraftFeedEntry {
  /** Strictly increasing per league, from 1, no holes. */
  seq: number;
  /** The event's name (`draft.picked`, `draft.clock`, …). */
  type: string;
  data: unknown;
  /** When it was appended (epoch ms). */
  ts: number;
}

/** The newest board a league's draft room stored, and the feed seq it includes (every event up to `seq`). */
export interface DraftFeedBoard {
  seq: number;
  board: DraftBoard;
}

/**
 * A league draft's event feed: what the draft room announces, kept so the
 * API of any process can stream it (`GET /v1/leagues/:id/draft/stream`) and a
 * reconnecting client can replay what it missed. Rooms write, the api reads;
 * they meet only here. Bounded: each league keeps its newest
 * `DRAFT_FEED_RETAINED` events (store/common/draft-feed.ts); a reader behind
 * that gets `complete: false` and starts again from the board.
 * Every append and board emits the `draft-feed` change notification.
 */
export interface DraftFeed {
  /**
   * Appends an event and answers its seq. With `board`, also stores it as
   * the league's board as of this seq (one atomic step).
   */
  append(leagueId: string, event: { type: string; data: unknown }, board?: DraftBoard): Promise<number>;
  /** Stores the board as of the feed's current last seq (a room's first board), and answers that seq. */
  putBoard(leagueId: string, board: DraftBoard): Promise<number>;
  /** The newest stored board, if the league's room ever stored one. */
  board(leagueId: string): Promise<DraftFeedBoard | undefined>;
  /**
   * Up to `limit` events after `seq`, oldest first; `last` is the newest seq
   * (0: none yet). `complete` is false when retention dropped events after
   * `seq` (the reader cannot replay its gap).
   */
  readAfter(leagueId: string, seq: number, limit: number): Promise<{ events: DraftFeedEntry[]; last: number; complete: boolean }>;
}
