import { Counter, Gauge, type Registry } from "prom-client";
import { AppError } from "../../shared/index.ts";
import { BoardPublisher, type TopReader } from "./board-publisher.ts";
import type { TopState, TopView } from "./top-view.ts";

export interface BoardChange {
  boardId: string;
  period?: string;
  version?: number;
}

export interface StreamHubDeps {
  /** One consistent top-N read of a board period (the store's `top`); `period` undefined = the current one. */
  readTop: (boardId: string, period: string | undefined, limit: number) => Promise<TopState>;
  /** Subscribes to "board X changed" notifications from every process; returns unsubscribe. */
  subscribeChanges: (listener: (change: BoardChange) => void) => () => void;
  registry: Registry;
  historyLimit: number;
  /** How long an unused publisher lingers (a reconnecting client finds its history). @default 60000 */
  lingerMs: number;
  /** Live publishers at most (STREAM_PUBLISHERS_MAX); past it, and with none idle, acquire throws 503 SERVER_BUSY. */
  maxPublishers: number;
  onError: (error: unknown) => void;
  /** `sse_change_to_write_seconds` (BoardPublisher). */
  latency?: { observe(seconds: number): void };
}

interface Entry {
  boardId: string;
  publisher: BoardPublisher;
  users: number;
  idleTimer?: NodeJS.Timeout;
}

/** The publisher key of the current period (whatever it is when read). */
export const CURRENT_PERIOD = "current";

/**
 * The per-process registry of board publishers, one per (board, period) —
 * `current`, or an explicit period key that is still running (past periods
 * never change and are answered from a plain read, without a publisher) —
 * created on first use and dropped after they have had no user for
 * `lingerMs`. Their number is bounded by `maxPublishers`: a new one takes the
 * place of the longest-idle one, and when every publisher is in use the
 * request is refused (503 SERVER_BUSY) rather than making every change cost
 * one more read. Change notifications (from this or any other process, via
 * the store's pub/sub) make every publisher of that board re-read once.
 */
export class StreamHub {
  readonly #deps: StreamHubDeps;
  readonly #publishers = new Map<string, Entry>();
  /** Keys of publishers nobody uses, longest idle first (eviction order). */
  readonly #idle = new Set<string>();
  readonly #unsubscribe: () => void;
  readonly metrics;

  constructor(deps: StreamHubDeps) {
    this.#deps = deps;
    this.#unsubscribe = deps.subscribeChanges((change) => this.#onChange(change));
    const registers = [deps.registry];
    const publishers = this.#publishers;
    this.metrics = {
      open: new Gauge({ name: "sse_streams_open", help: "Open leaderboard SSE streams", registers }),
      events: new Counter({ name: "sse_events_sent_total", help: "Leaderboard events written to subscribers", labelNames: ["event"] as const, registers }),
      conflated: new Counter({ name: "sse_conflated_updates_total", help: "Updates withheld from congested subscribers (conflated into a later snapshot)", registers }),
      dropped: new Counter({ name: "sse_slow_subscribers_dropped_total", help: "Subscribers dropped after the write deadline", registers }),
      resumes: new Counter({ name: "sse_resumes_total", help: "Stream (re)connections by outcome", labelNames: ["outcome"] as const, registers }),
      closes: new Counter({ name: "sse_stream_closes_total", help: "Stream ends by reason", labelNames: ["reason"] as const, registers }),
      publishers: new Gauge({
        name: "sse_publishers",
        help: "Board publishers alive on this process (at most STREAM_PUBLISHERS_MAX)",
        registers,
        collect() {
          this.set(publishers.size);
        },
      }),
      refused: new Counter({ name: "sse_publishers_refused_total", help: "Views refused because every publisher was in use (STREAM_PUBLISHERS_MAX)", registers }),
    };
  }

  /** Publishers alive (in use or lingering). */
  get size(): number {
    return this.#publishers.size;
  }

  /**
   * The view of the top `top` rows of a board period (`CURRENT_PERIOD` or a
   * running period key), loaded; the caller must `release` it when done.
   * Throws the store's error when the first read fails (the publisher is then
   * dropped: it is never kept without data), 503 SERVER_BUSY at the ceiling.
   */
  async acquire(boardId: string, period: string, top: number): Promise<{ view: TopView; release: () => void }> {
    const key = `${boardId}\u0000${period}`;
    let entry = this.#publishers.get(key);
    if (!entry) {
      this.#makeRoom();
      const read: TopReader = (limit) => this.#deps.readTop(boardId, period === CURRENT_PERIOD ? undefined : period, limit);
      const publisher = new BoardPublisher({
        boardId,
        historyLimit: this.#deps.historyLimit,
        read,
        onEvent: (kind, count) => {
          if (kind === "conflated") this.metrics.conflated.inc(count);
          else this.metrics.events.inc({ event: kind }, count);
        },
        onError: this.#deps.onError,
        latency: this.#deps.latency,
      });
      entry = { boardId, publisher, users: 0 };
      this.#publishers.set(key, entry);
    }
    entry.users++;
    this.#idle.delete(key);
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    try {
      await entry.publisher.load(top);
    } catch (error) {
      this.#release(key);
      throw error;
    }
    let released = false;
    const hub = this;
    // Method syntax (no per-stream named arrow: see TopView.subscribe).
    return {
      view: entry.publisher.view(top),
      release() {
        if (released) return;
        released = true;
        hub.#release(key);
      },
    };
  }

  close(): void {
    this.#unsubscribe();
    for (const entry of this.#publishers.values()) clearTimeout(entry.idleTimer);
    this.#publishers.clear();
    this.#idle.clear();
  }

  /** At the ceiling: drop the longest-idle publisher, or refuse when all are in use. */
  #makeRoom(): void {
    if (this.#publishers.size < this.#deps.maxPublishers) return;
    const oldest = this.#idle.values().next();
    if (oldest.done) {
      this.metrics.refused.inc();
      throw new AppError(
        "SERVER_BUSY",
        `This server is streaming its limit of ${this.#deps.maxPublishers} leaderboard views (STREAM_PUBLISHERS_MAX); retry shortly (another server may have room)`,
        { retryAfter: 5, details: { limit: "STREAM_PUBLISHERS_MAX", max: this.#deps.maxPublishers } },
      );
    }
    this.#drop(oldest.value);
  }

  #drop(key: string): void {
    const entry = this.#publishers.get(key);
    if (entry) clearTimeout(entry.idleTimer);
    this.#publishers.delete(key);
    this.#idle.delete(key);
  }

  #release(key: string): void {
    const entry = this.#publishers.get(key);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    // A publisher that never read successfully holds nothing worth keeping: drop it at once.
    if (!entry.publisher.loaded || this.#deps.lingerMs === 0) {
      this.#drop(key);
      return;
    }
    this.#idle.add(key);
    entry.idleTimer = setTimeout(() => {
      if (entry.users === 0) this.#drop(key);
    }, this.#deps.lingerMs);
    entry.idleTimer.unref();
  }

  /** `boardId: "*"` (after a lost pub/sub connection) re-reads every publisher. */
  #onChange(change: BoardChange): void {
    const at = performance.now();
    for (const entry of this.#publishers.values()) {
      if (change.boardId === "*" || entry.boardId === change.boardId) void entry.publisher.refresh(at);
    }
  }
}
