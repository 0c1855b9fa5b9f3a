import { Counter, Gauge, type Registry } from "prom-client";
import type { LeaderboardRecord } from "../../shared/leaderboards.ts";
import { BoardPublisher, type TopReader } from "./board-publisher.ts";

export interface BoardChange {
  boardId: string;
  period?: string;
  version?: number;
}

export interface StreamHubDeps {
  /** One consistent top-N read of a board period (the store's `top`). */
  readTop: (boardId: string, period: string | undefined, limit: number) => Promise<{
    period: string;
    epoch: string;
    version: number;
    total: number;
    records: LeaderboardRecord[];
  }>;
  /** Subscribes to "board X changed" notifications from every process; returns unsubscribe. */
  subscribeChanges: (listener: (change: BoardChange) => void) => () => void;
  registry: Registry;
  historyLimit: number;
  /** How long an unused publisher lingers (a reconnecting client finds its history). @default 60000 */
  lingerMs: number;
  onError: (error: unknown) => void;
}

/**
 * The per-process registry of board publishers, one per (board, period, top N),
 * created on first use and dropped after they have had no subscriber for
 * `lingerMs`. Change notifications (from this or any other process, via the
 * store's pub/sub) make every publisher of that board re-read once.
 */
export class StreamHub {
  readonly #deps: StreamHubDeps;
  readonly #publishers = new Map<string, { boardId: string; publisher: BoardPublisher; idleTimer?: NodeJS.Timeout; users: number }>();
  readonly #unsubscribe: () => void;
  readonly metrics;

  constructor(deps: StreamHubDeps) {
    this.#deps = deps;
    this.#unsubscribe = deps.subscribeChanges((change) => this.#onChange(change));
    const registers = [deps.registry];
    this.metrics = {
      open: new Gauge({ name: "sse_streams_open", help: "Open leaderboard SSE streams", registers }),
      events: new Counter({ name: "sse_events_sent_total", help: "Leaderboard events written to subscribers", labelNames: ["event"] as const, registers }),
      conflated: new Counter({ name: "sse_conflated_updates_total", help: "Updates withheld from congested subscribers (conflated into a later snapshot)", registers }),
      dropped: new Counter({ name: "sse_slow_subscribers_dropped_total", help: "Subscribers dropped after the write deadline", registers }),
      resumes: new Counter({ name: "sse_resumes_total", help: "Stream (re)connections by outcome", labelNames: ["outcome"] as const, registers }),
      closes: new Counter({ name: "sse_stream_closes_total", help: "Stream ends by reason", labelNames: ["reason"] as const, registers }),
      publishers: new Gauge({ name: "sse_publishers", help: "Board publishers alive on this process", registers, collect: () => undefined }),
    };
  }

  /** The publisher for a view, loaded; the caller must `release` it when done. */
  async acquire(boardId: string, period: string | undefined, top: number): Promise<{ publisher: BoardPublisher; release: () => void }> {
    const key = `${boardId}\u0000${period ?? "current"}\u0000${top}`;
    let entry = this.#publishers.get(key);
    if (!entry) {
      const read: TopReader = (limit) => this.#deps.readTop(boardId, period, limit);
      const publisher = new BoardPublisher({
        boardId,
        top,
        historyLimit: this.#deps.historyLimit,
        read,
        onEvent: (kind, count) => {
          if (kind === "conflated") this.metrics.conflated.inc(count);
          else this.metrics.events.inc({ event: kind }, count);
        },
        onError: this.#deps.onError,
      });
      entry = { boardId, publisher, users: 0 };
      this.#publishers.set(key, entry);
      this.metrics.publishers.set(this.#publishers.size);
    }
    entry.users++;
    clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    try {
      await entry.publisher.load();
    } catch (error) {
      this.#release(key);
      throw error;
    }
    let released = false;
    const hub = this;
    // Method syntax (no per-stream named arrow: see BoardPublisher.subscribe).
    return {
      publisher: entry.publisher,
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
  }

  #release(key: string): void {
    const entry = this.#publishers.get(key);
    if (!entry) return;
    entry.users--;
    if (entry.users > 0) return;
    entry.idleTimer = setTimeout(() => {
      if (entry.users > 0) return;
      this.#publishers.delete(key);
      this.metrics.publishers.set(this.#publishers.size);
    }, this.#deps.lingerMs);
    entry.idleTimer.unref();
  }

  /** `boardId: "*"` (after a lost pub/sub connection) re-reads every publisher. */
  #onChange(change: BoardChange): void {
    for (const entry of this.#publishers.values()) {
      if (change.boardId === "*" || entry.boardId === change.boardId) void entry.publisher.refresh();
    }
  }
}
