import type { LeaderboardDeltaEvent, LeaderboardSnapshotEvent, LeaderboardStreamMessage } from "../../shared/index.ts";
import type { LeaderboardRecord } from "../../shared/leaderboards.ts";
import { formatEvent } from "../sse/event-format.ts";

/** What a publisher reads: one consistent top-N page with its period state. */
export interface TopReader {
  (limit: number): Promise<{ period: string; epoch: string; version: number; total: number; records: LeaderboardRecord[] }>;
}

/** A subscriber's sink: an SSE stream or a parked long poll. */
export interface BoardSink {
  /** Writes preformatted bytes; false when the client is congested. */
  write(bytes: Buffer, event: "snapshot" | "delta"): boolean;
  readonly congested: boolean;
  onceDrained(listener: () => void): void;
}

export interface BoardPublisherOptions {
  boardId: string;
  top: number;
  /** Delta events kept for resume, per view. @default 256 */
  historyLimit: number;
  read: TopReader;
  onEvent?: (kind: "snapshot" | "delta" | "conflated", count: number) => void;
  /** Publish errors (store unreachable); the publisher retries on the next change. */
  onError?: (error: unknown) => void;
}

type DataMessage = LeaderboardStreamMessage;

/** A message with its SSE bytes, serialised once. */
interface Encoded {
  message: DataMessage;
  bytes: Buffer;
}

/** A visible change: deltas chain (each prevVersion is the previous entry's version). */
interface HistoryEntry {
  prevVersion: number;
  version: number;
  delta: Encoded;
}

function encode(message: DataMessage): Encoded {
  return { message, bytes: formatEvent(message.event, message.id, message.data) };
}

interface Subscriber {
  sink: BoardSink;
  /** The client missed events while congested: send a snapshot when it drains. */
  stale: boolean;
}

/**
 * One publisher per (board, period, top N) per process (DESIGN §6): it reads
 * the top N ONCE per change, diffs it against the previous top N, serialises
 * the delta ONCE, and writes the same bytes to every subscriber. A congested
 * subscriber is not queued for: it is marked stale and gets one fresh
 * snapshot when its socket drains (conflation). The last `historyLimit`
 * deltas are kept so a resuming client replays its gap in order; a gap that
 * is not covered (other epoch, too old, another process's version) gets one
 * snapshot. Never a hole, never a duplicate.
 */
export class BoardPublisher {
  readonly #options: BoardPublisherOptions;
  readonly #subscribers = new Set<Subscriber>();
  readonly #history: HistoryEntry[] = [];
  #current?: { period: string; epoch: string; version: number; total: number; records: LeaderboardRecord[] };
  #snapshotEncoded?: Encoded;
  /** The version of the last visible state: the id of the newest event. */
  #emittedVersion = 0;
  #refreshing: Promise<void> | null = null;
  readonly #changeListeners = new Set<() => void>();
  #dirty = false;

  constructor(options: BoardPublisherOptions) {
    this.#options = options;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** The current cursor, once loaded. */
  get cursor(): { epoch: string; version: number } | undefined {
    return this.#current && { epoch: this.#current.epoch, version: this.#emittedVersion };
  }

  /** Loads the first snapshot (call before subscribing). */
  async load(): Promise<void> {
    if (!this.#current) await this.refresh();
  }

  /**
   * Adds a subscriber resuming from `since` (or fresh): replays retained
   * deltas after `since` in order, or sends one snapshot.
   * Returns what it did, for metrics.
   */
  subscribe(sink: BoardSink, since?: { epoch: string; offset: number }): { outcome: "replayed" | "snapshot" | "up-to-date"; unsubscribe: () => void } {
    const subscriber: Subscriber = { sink, stale: false };
    const subscribers = this.#subscribers;
    subscribers.add(subscriber);
    const outcome = this.#catchUp(subscriber, since);
    // Method syntax, not an arrow: held per subscriber, and tsx (esbuild keepNames) gives every
    // named arrow made at run time a property store of its own for its `name`.
    return {
      outcome,
      unsubscribe() {
        subscribers.delete(subscriber);
      },
    };
  }

  /** The events after `since` (long-poll readers and resumes): the replayed deltas, a snapshot, or nothing yet. */
  eventsSince(since?: { epoch: string; offset: number }): { kind: "replay"; events: Encoded[] } | { kind: "snapshot"; event: Encoded } | { kind: "none" } {
    const current = this.#current;
    if (!current) return { kind: "none" };
    if (since && since.epoch === current.epoch && since.offset === this.#emittedVersion) return { kind: "none" };
    const replay = since && since.epoch === current.epoch ? this.#replayFrom(since.offset) : undefined;
    if (replay) return { kind: "replay", events: replay };
    return { kind: "snapshot", event: this.#snapshot() };
  }

  /** Calls `listener` once after the next published change (long-poll readers park on this). Returns a cancel function. */
  onNextChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** A change was announced: re-read once (concurrent announcements coalesce into one more read). */
  refresh(): Promise<void> {
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
      } catch (error) {
        this.#options.onError?.(error);
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async #readAndPublish(): Promise<void> {
    const next = await this.#options.read(this.#options.top);
    const previous = this.#current;
    if (previous && next.epoch === previous.epoch && next.version <= previous.version) return; // stale read
    this.#current = next;
    if (!previous || previous.epoch !== next.epoch || previous.period !== next.period) {
      // A new epoch or period: history no longer applies; everyone gets a snapshot.
      this.#history.length = 0;
      this.#emittedVersion = next.version;
      this.#snapshotEncoded = undefined;
      for (const subscriber of this.#subscribers) this.#send(subscriber, this.#snapshot().bytes, "snapshot");
      this.#notifyChange();
      return;
    }
    const delta = diffTop(previous.records, next.records);
    // A change outside the top N that leaves the visible table (rows and total)
    // identical sends nothing: the cursor stays at the last visible version.
    if (delta.upserts.length === 0 && delta.removes.length === 0 && previous.total === next.total) return;
    const encoded = encode({
      event: "delta",
      id: `${next.epoch}:${next.version}`,
      data: {
        boardId: this.#options.boardId,
        period: next.period,
        epoch: next.epoch,
        version: next.version,
        prevVersion: this.#emittedVersion,
        upserts: delta.upserts,
        removes: delta.removes,
        total: next.total,
        ts: Date.now(),
      } satisfies LeaderboardDeltaEvent,
    });
    this.#history.push({ prevVersion: this.#emittedVersion, version: next.version, delta: encoded });
    if (this.#history.length > this.#options.historyLimit) this.#history.shift();
    this.#emittedVersion = next.version;
    this.#snapshotEncoded = undefined;
    let sent = 0;
    for (const subscriber of this.#subscribers) if (this.#send(subscriber, encoded.bytes, "delta")) sent++;
    this.#options.onEvent?.("delta", sent);
    this.#notifyChange();
  }

  #notifyChange(): void {
    const listeners = [...this.#changeListeners];
    this.#changeListeners.clear();
    for (const listener of listeners) listener();
  }

  #catchUp(subscriber: Subscriber, since?: { epoch: string; offset: number }): "replayed" | "snapshot" | "up-to-date" {
    const result = this.eventsSince(since);
    if (result.kind === "none") return "up-to-date";
    if (result.kind === "snapshot") {
      this.#send(subscriber, result.event.bytes, "snapshot");
      return "snapshot";
    }
    for (const event of result.events) this.#send(subscriber, event.bytes, "delta");
    return "replayed";
  }

  /** The visible deltas after `version`, or undefined when history does not reach back to it. */
  #replayFrom(version: number): Encoded[] | undefined {
    const start = this.#history.findIndex((entry) => entry.prevVersion === version);
    if (start === -1) return undefined;
    return this.#history.slice(start).map((entry) => entry.delta);
  }

  #snapshot(): Encoded {
    const current = this.#current!;
    this.#snapshotEncoded ??= encode({ event: "snapshot", id: `${current.epoch}:${this.#emittedVersion}`, data: {
      boardId: this.#options.boardId,
      period: current.period,
      epoch: current.epoch,
      version: this.#emittedVersion,
      top: this.#options.top,
      rows: current.records,
      total: current.total,
      ts: Date.now(),
    } satisfies LeaderboardSnapshotEvent });
    return this.#snapshotEncoded;
  }

  /** Writes unless the subscriber is congested; then conflates to one snapshot on drain. */
  #send(subscriber: Subscriber, bytes: Buffer, event: "snapshot" | "delta"): boolean {
    if (subscriber.stale) return false;
    if (subscriber.sink.congested) {
      subscriber.stale = true;
      this.#options.onEvent?.("conflated", 1);
      subscriber.sink.onceDrained(() => {
        if (!this.#subscribers.has(subscriber)) return;
        subscriber.stale = false;
        this.#send(subscriber, this.#snapshot().bytes, "snapshot");
        this.#options.onEvent?.("snapshot", 1);
      });
      return false;
    }
    subscriber.sink.write(bytes, event);
    return true;
  }
}

/** The change of a top-N view: rows that entered or changed, owners that left. */
export function diffTop(previous: LeaderboardRecord[], next: LeaderboardRecord[]): { upserts: LeaderboardRecord[]; removes: string[] } {
  const before = new Map(previous.map((row) => [row.ownerId, row]));
  const upserts: LeaderboardRecord[] = [];
  for (const row of next) {
    const old = before.get(row.ownerId);
    before.delete(row.ownerId);
    if (!old || old.rank !== row.rank || old.score !== row.score || old.subscore !== row.subscore || old.name !== row.name || old.updatedAt !== row.updatedAt) {
      upserts.push(row);
    }
  }
  return { upserts, removes: [...before.keys()] };
}
