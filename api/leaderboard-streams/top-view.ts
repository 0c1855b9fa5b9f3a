import type { LeaderboardDeltaEvent, LeaderboardSnapshotEvent, LeaderboardStreamMessage } from "../../shared/index.ts";
import type { LeaderboardRecord } from "../../shared/leaderboards.ts";
import { formatEvent } from "../sse/event-format.ts";
import { diffTop } from "./top-diff.ts";
import { wroteFanOutEvent } from "./fan-out-clock.ts";

/** One consistent top-N read of a board period, as publishers and plain reads see it. */
export interface TopState {
  period: string;
  epoch: string;
  version: number;
  total: number;
  records: LeaderboardRecord[];
}

/** A subscriber's sink: an SSE stream or a parked long poll. */
export interface BoardSink {
  /** Writes preformatted bytes; false when the client is congested. */
  write(bytes: Buffer, event: "snapshot" | "delta"): boolean;
  readonly congested: boolean;
  onceDrained(listener: () => void): void;
}

/** A message with its SSE bytes, serialised once. */
export interface Encoded {
  message: LeaderboardStreamMessage;
  bytes: Buffer;
}

/** What a view reports, for metrics. */
export type ViewEvent = "snapshot" | "delta" | "conflated";

/** A visible change: deltas chain (each prevVersion is the previous entry's version). */
interface HistoryEntry {
  prevVersion: number;
  version: number;
  delta: Encoded;
}

interface Subscriber {
  sink: BoardSink;
  /** The client missed events while congested: send a snapshot when it drains. */
  stale: boolean;
}

export function encode(message: LeaderboardStreamMessage): Encoded {
  return { message, bytes: formatEvent(message.event, message.id, message.data) };
}

/** The `snapshot` event of a top-N view (also what a plain read of a past period answers). */
export function snapshotMessage(boardId: string, top: number, state: TopState, version: number): LeaderboardStreamMessage {
  return {
    event: "snapshot",
    id: `${state.epoch}:${version}`,
    data: {
      boardId,
      period: state.period,
      epoch: state.epoch,
      version,
      top,
      rows: state.records.slice(0, top),
      total: state.total,
      ts: Date.now(),
    } satisfies LeaderboardSnapshotEvent,
  };
}

/**
 * The top N of one board period as its subscribers see it (docs/protocol.md "Leaderboard streams (SSE)"): the
 * publisher hands every view each new read; the view diffs ITS rows against
 * the rows it last showed, serialises the delta ONCE and writes the same bytes
 * to every subscriber. A congested subscriber is not queued for: it is marked
 * stale and gets one fresh snapshot when its socket drains (conflation). The
 * last `historyLimit` deltas are kept so a resuming client replays its gap in
 * order; a gap that is not covered (other epoch, too old, another process's
 * version) gets one snapshot. Never a hole, never a duplicate.
 */
export class TopView {
  readonly top: number;
  readonly #boardId: string;
  readonly #historyLimit: number;
  readonly #onEvent?: (kind: ViewEvent, count: number) => void;
  readonly #subscribers = new Set<Subscriber>();
  readonly #history: HistoryEntry[] = [];
  readonly #changeListeners = new Set<() => void>();
  /** The state last shown (its rows are this view's slice). */
  #shown: TopState;
  /** The version of the last visible state: the id of the newest event. */
  #emittedVersion: number;
  #snapshotEncoded?: Encoded;

  constructor(options: { boardId: string; top: number; historyLimit: number; state: TopState; onEvent?: (kind: ViewEvent, count: number) => void }) {
    this.top = options.top;
    this.#boardId = options.boardId;
    this.#historyLimit = options.historyLimit;
    this.#onEvent = options.onEvent;
    this.#shown = this.#slice(options.state);
    this.#emittedVersion = options.state.version;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** The rows this view shows now (its top N), best first. */
  get records(): readonly LeaderboardRecord[] {
    return this.#shown.records;
  }

  get cursor(): { epoch: string; version: number } {
    return { epoch: this.#shown.epoch, version: this.#emittedVersion };
  }

  /**
   * Adds a subscriber resuming from `since` (or fresh): replays retained
   * deltas after `since` in order, or sends one snapshot.
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
    const epoch = this.#shown.epoch;
    if (since && since.epoch === epoch && since.offset === this.#emittedVersion) return { kind: "none" };
    const replay = since && since.epoch === epoch ? this.#replayFrom(since.offset) : undefined;
    if (replay) return { kind: "replay", events: replay };
    return { kind: "snapshot", event: this.#snapshot() };
  }

  /** Calls `listener` once after this view's next event (long-poll readers park on this). Returns a cancel function. */
  onNextChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** A newer read of the board period (the publisher's): publish what changed in this view, if anything. */
  publish(next: TopState): void {
    const previous = this.#shown;
    const shown = this.#slice(next);
    this.#shown = shown;
    if (previous.epoch !== next.epoch || previous.period !== next.period) {
      // A new epoch or period: history no longer applies; everyone gets a snapshot.
      this.#history.length = 0;
      this.#emittedVersion = next.version;
      this.#snapshotEncoded = undefined;
      for (const subscriber of this.#subscribers) this.#send(subscriber, this.#snapshot().bytes, "snapshot");
      this.#notifyChange();
      return;
    }
    const ops = diffTop(previous.records, shown.records);
    // A change outside the top N that leaves the visible table (rows and total)
    // identical sends nothing: the cursor stays at the last visible version.
    if (ops.length === 0 && previous.total === next.total) return;
    // Boards, period and epoch are the snapshot's (a new period or epoch is a snapshot; the id carries the epoch).
    const encoded = encode({
      event: "delta",
      id: `${next.epoch}:${next.version}`,
      data: { prevVersion: this.#emittedVersion, version: next.version, ops, total: next.total, ts: Date.now() } satisfies LeaderboardDeltaEvent,
    });
    this.#history.push({ prevVersion: this.#emittedVersion, version: next.version, delta: encoded });
    if (this.#history.length > this.#historyLimit) this.#history.shift();
    this.#emittedVersion = next.version;
    this.#snapshotEncoded = undefined;
    let sent = 0;
    for (const subscriber of this.#subscribers) if (this.#send(subscriber, encoded.bytes, "delta")) sent++;
    this.#onEvent?.("delta", sent);
    this.#notifyChange();
  }

  #slice(state: TopState): TopState {
    return state.records.length <= this.top ? state : { ...state, records: state.records.slice(0, this.top) };
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
    this.#snapshotEncoded ??= encode(snapshotMessage(this.#boardId, this.top, this.#shown, this.#emittedVersion));
    return this.#snapshotEncoded;
  }

  /** Writes unless the subscriber is congested; then conflates to one snapshot on drain. */
  #send(subscriber: Subscriber, bytes: Buffer, event: "snapshot" | "delta"): boolean {
    if (subscriber.stale) return false;
    if (subscriber.sink.congested) {
      subscriber.stale = true;
      this.#onEvent?.("conflated", 1);
      subscriber.sink.onceDrained(() => {
        if (!this.#subscribers.has(subscriber)) return;
        subscriber.stale = false;
        this.#send(subscriber, this.#snapshot().bytes, "snapshot");
        this.#onEvent?.("snapshot", 1);
      });
      return false;
    }
    subscriber.sink.write(bytes, event);
    wroteFanOutEvent();
    return true;
  }
}
