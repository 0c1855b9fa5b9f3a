import { fanOut } from "./fan-out-clock.ts";
import { TopView, type TopState, type ViewEvent } from "./top-view.ts";

export { type BoardSink } from "./top-view.ts";
export { diffTop } from "./top-diff.ts";

/** What a publisher reads: one consistent top-`limit` page with its period state. */
export interface TopReader {
  (limit: number): Promise<TopState>;
}

export interface BoardPublisherOptions {
  boardId: string;
  /** Delta events kept for resume, per view. @default 256 */
  historyLimit: number;
  read: TopReader;
  onEvent?: (kind: ViewEvent, count: number) => void;
  /** Errors of re-reads after a change (store unreachable); the publisher retries on the next change. */
  onError?: (error: unknown) => void;
  /** `sse_change_to_write_seconds`: change notification received → each event that shows it written. */
  latency?: { observe(seconds: number): void };
}

/**
 * One publisher per (board, period) per process (docs/architecture.md "How a match result flows"). It reads the
 * board ONCE per change — the top `size` rows, `size` being the largest top N
 * any of its views shows — and hands that read to a view per top N (1..100),
 * each of which diffs, serialises and writes its own delta once for all its
 * subscribers. So a crowd asking for a hundred different `top`s costs one
 * read per change, not a hundred.
 */
export class BoardPublisher {
  readonly #options: BoardPublisherOptions;
  readonly #views = new Map<number, TopView>();
  #current?: TopState;
  /** Rows the next read asks for: the largest top of any view. */
  #size = 0;
  /** Rows `#current` was read with. */
  #loadedSize = 0;
  #refreshing: Promise<unknown> | null = null;
  #dirty = false;
  /** When the oldest change notification not yet covered by a read arrived (performance.now(); 0: none). */
  #changedAt = 0;

  constructor(options: BoardPublisherOptions) {
    this.#options = options;
  }

  get subscriberCount(): number {
    let count = 0;
    for (const view of this.#views.values()) count += view.subscriberCount;
    return count;
  }

  /** Whether a read has succeeded (a publisher that never loaded has nothing to serve). */
  get loaded(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Reads the board until its rows cover `top` (call before `view(top)`).
   * Rejects with the read's error when that read fails: nothing is served
   * from a publisher that could not read.
   */
  async load(top: number): Promise<void> {
    this.#size = Math.max(this.#size, top);
    while (!this.#current || this.#loadedSize < top) {
      const error = await this.#run();
      if (error !== undefined) throw error;
    }
  }

  /** The view of the top `top` rows (after `load(top)`), made on first use. */
  view(top: number): TopView {
    let view = this.#views.get(top);
    if (!view) {
      if (!this.#current || this.#loadedSize < top) throw new Error(`BoardPublisher.view(${top}) before load(${top})`);
      view = new TopView({ boardId: this.#options.boardId, top, historyLimit: this.#options.historyLimit, state: this.#current, onEvent: this.#options.onEvent });
      this.#views.set(top, view);
    }
    return view;
  }

  /**
   * A change was announced (at `changedAt`, performance.now()): re-read once
   * (concurrent announcements coalesce into one more read). Never rejects.
   */
  async refresh(changedAt = performance.now()): Promise<void> {
    if (this.#changedAt === 0) this.#changedAt = changedAt;
    await this.#run();
  }

  /** Runs (or joins) the read loop; resolves with the error that stopped it, or undefined. */
  #run(): Promise<unknown> {
    if (this.#refreshing) {
      this.#dirty = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#dirty = false;
          await this.#readAndPublish();
        } while (this.#dirty);
        return undefined;
      } catch (error) {
        this.#options.onError?.(error);
        return error ?? new Error("leaderboard read failed");
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async #readAndPublish(): Promise<void> {
    const size = Math.max(this.#size, 1);
    // A change announced during this read is covered by the next one (the loop reads again).
    const changedAt = this.#changedAt;
    this.#changedAt = 0;
    const next = await this.#options.read(size);
    const previous = this.#current;
    if (previous && next.epoch === previous.epoch && next.period === previous.period && next.version <= previous.version) {
      // The same version read with more rows (a bigger view arrived): the same data, more of it. Older: a stale read.
      if (next.version === previous.version && size > this.#loadedSize) {
        this.#current = next;
        this.#loadedSize = size;
      }
      return;
    }
    this.#current = next;
    this.#loadedSize = size;
    fanOut(changedAt, this.#options.latency, () => {
      for (const view of this.#views.values()) view.publish(next);
    });
  }
}
