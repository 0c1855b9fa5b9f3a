import type { Logger } from "pino";
import { DRAFT_CLOCK_EVENT, DRAFT_ORDER_EVENT, type DraftBoard, type DraftClock, type DraftOrderMessage } from "../../shared/index.ts";
import type { DraftFeed } from "../../store/draft-feed.ts";
import { clockKey } from "./feed-board.ts";

/** Events a room holds for the feed while the store is down; past it the oldest are dropped (readers resync from the board). */
export const FEED_BACKLOG_LIMIT = 1000;

export interface FeedWriterOptions {
  leagueId: string;
  feed: DraftFeed;
  /** The board and clock of the model as it is now. */
  board: () => DraftBoard;
  clock: () => DraftClock;
  /** The board's teams, order and slots now. */
  order: () => DraftOrderMessage;
  logger: Logger;
  /** Pause before retrying a failed write. @default 1000 */
  retryMs?: number;
}

interface Item {
  type: string;
  data: unknown;
  /** The board as of this event (the last event of a synchronous batch carries it). */
  board?: DraftBoard;
}

/**
 * The room's side of the draft feed (store/draft-feed.ts): every announced
 * event, plus a `draft.order` event whenever the board's teams, order or
 * slots change and a `draft.clock` event whenever who is on the clock or the
 * clock's end changes, appended in order, one write in flight at a time,
 * retried while the store is down. After each synchronous batch of changes
 * (a handler, a tick) the board as of the batch's last event goes with it, so
 * a stream opening later starts from a board that includes exactly the
 * events before it.
 */
export class FeedWriter {
  readonly #options: FeedWriterOptions;
  readonly #queue: Item[] = [];
  #boardOnly: DraftBoard | undefined;
  #lastClock = "";
  #lastOrder = "";
  #observing = false;
  #running: Promise<void> | undefined;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: FeedWriterOptions) {
    this.#options = options;
  }

  /** The room's first board (its clock state is the baseline of later `draft.clock` events). */
  start(): void {
    this.#lastClock = clockKey(this.#options.clock());
    this.#lastOrder = JSON.stringify(this.#options.order());
    this.#boardOnly = this.#options.board();
    this.#run();
  }

  /** An event the room announced to everyone. */
  event(type: string, data: unknown): void {
    if (this.#stopped) return;
    this.#queue.push({ type, data });
    if (this.#queue.length > FEED_BACKLOG_LIMIT) {
      this.#queue.splice(0, this.#queue.length - FEED_BACKLOG_LIMIT);
      this.#options.logger.warn({ leagueId: this.#options.leagueId }, "draft feed backlog full; oldest events dropped");
    }
    this.#observe();
  }

  /** The model changed: after the current batch, a clock event if the clock's state moved, and the board. */
  changed(): void {
    if (!this.#stopped) this.#observe();
  }

  /** Resolves once everything queued so far has landed (or the writer stopped). */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#wake?.();
  }

  #observe(): void {
    if (this.#observing) return;
    this.#observing = true;
    queueMicrotask(() => {
      this.#observing = false;
      if (this.#stopped) return;
      const order = this.#options.order();
      const orderKey = JSON.stringify(order);
      if (orderKey !== this.#lastOrder) {
        this.#lastOrder = orderKey;
        this.#queue.push({ type: DRAFT_ORDER_EVENT, data: order });
      }
      const clock = this.#options.clock();
      const key = clockKey(clock);
      if (key !== this.#lastClock) {
        this.#lastClock = key;
        this.#queue.push({ type: DRAFT_CLOCK_EVENT, data: clock });
      }
      const board = this.#options.board();
      const last = this.#queue.at(-1);
      if (last && !last.board) last.board = board;
      else this.#boardOnly = board;
      this.#run();
    });
  }

  #run(): void {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  async #drain(): Promise<void> {
    const { feed, leagueId, logger } = this.#options;
    while (!this.#stopped && (this.#queue.length > 0 || this.#boardOnly)) {
      try {
        const item = this.#queue[0];
        if (item) {
          await feed.append(leagueId, { type: item.type, data: item.data }, item.board);
          this.#queue.shift();
        } else {
          const board = this.#boardOnly!;
          await feed.putBoard(leagueId, board);
          if (this.#boardOnly === board) this.#boardOnly = undefined;
        }
      } catch (error) {
        logger.warn({ err: error, leagueId }, "draft feed write failed; retrying");
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          this.#timer = setTimeout(resolve, this.#options.retryMs ?? 1000);
        });
      }
    }
  }
}
