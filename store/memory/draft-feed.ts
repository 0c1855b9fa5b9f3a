import type { DraftBoard } from "../../shared/draft/board.ts";
import { DRAFT_FEED_RETAINED } from "../common/draft-feed.ts";
import type { LocalNotifications } from "../common/local-notifications.ts";
import type { DraftFeed, DraftFeedBoard, DraftFeedEntry } from "../draft-feed.ts";

interface LeagueFeed {
  last: number;
  events: DraftFeedEntry[];
  board?: DraftFeedBoard;
}

/** One process: an array per league, trimmed to the retention. */
export class MemoryDraftFeed implements DraftFeed {
  readonly #feeds = new Map<string, LeagueFeed>();
  readonly #notifications: LocalNotifications;
  readonly #retained: number;
  readonly #clock: () => number;

  constructor(notifications: LocalNotifications, options: { clock: () => number; retained?: number }) {
    this.#notifications = notifications;
    this.#clock = options.clock;
    this.#retained = options.retained ?? DRAFT_FEED_RETAINED;
  }

  #feed(leagueId: string): LeagueFeed {
    let feed = this.#feeds.get(leagueId);
    if (!feed) this.#feeds.set(leagueId, (feed = { last: 0, events: [] }));
    return feed;
  }

  async append(leagueId: string, event: { type: string; data: unknown }, board?: DraftBoard): Promise<number> {
    const feed = this.#feed(leagueId);
    const seq = ++feed.last;
    // Stored as JSON, as Redis stores it: readers never share the writer's objects.
    feed.events.push({ seq, type: event.type, data: JSON.parse(JSON.stringify(event.data ?? null)), ts: this.#clock() });
    if (feed.events.length > this.#retained) feed.events.splice(0, feed.events.length - this.#retained);
    if (board) feed.board = { seq, board: structuredClone(board) };
    this.#notifications.emit({ type: "draft-feed", leagueId, seq });
    return seq;
  }

  async putBoard(leagueId: string, board: DraftBoard): Promise<number> {
    const feed = this.#feed(leagueId);
    feed.board = { seq: feed.last, board: structuredClone(board) };
    this.#notifications.emit({ type: "draft-feed", leagueId, seq: feed.last });
    return feed.last;
  }

  async board(leagueId: string): Promise<DraftFeedBoard | undefined> {
    const stored = this.#feeds.get(leagueId)?.board;
    return stored && structuredClone(stored);
  }

  async readAfter(leagueId: string, seq: number, limit: number): Promise<{ events: DraftFeedEntry[]; last: number; complete: boolean }> {
    const feed = this.#feeds.get(leagueId);
    if (!feed) return { events: [], last: 0, complete: true };
    const first = feed.events[0]?.seq ?? feed.last + 1;
    const complete = seq >= first - 1;
    const events = feed.events.filter((e) => e.seq > seq).slice(0, Math.max(0, limit));
    return { events: structuredClone(events), last: feed.last, complete };
  }
}
