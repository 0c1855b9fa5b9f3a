import { readSseBody, retryDelay, SseParser, type FetchLike } from "../../client-sdk/index.ts";
import type { PartSink } from "../client-host.ts";

/**
 * Where a subscriber is in its board's event sequence. Our event ids are
 * `epoch:version` (docs/protocol.md, "Leaderboard streams"): an event whose
 * id is not past the last one seen is a duplicate (a resume that replayed too
 * much). Events without an id (the naive server) are not checked.
 */
export class EventCursor {
  #epoch = "";
  #version = -1;
  /** The last event id seen: what a resume sends as `Last-Event-ID`. */
  lastId = "";

  /** Moves past `id`; false when `id` is at or before the last one seen (a duplicate). */
  advance(id: string): boolean {
    if (!id) return true;
    const colon = id.lastIndexOf(":");
    const epoch = id.slice(0, colon);
    const version = Number(id.slice(colon + 1));
    if (colon > 0 && epoch === this.#epoch && version <= this.#version) return false;
    this.#epoch = epoch;
    this.#version = version;
    this.lastId = id;
    return true;
  }
}

/**
 * What a subscriber counts per event, raw reader or SDK subscription alike:
 * duplicates are dropped (never a message), the first event after a resume
 * is a gap when it is a snapshot (the server could not replay), and the
 * subscriber's first event (its initial snapshot) settles it instead of
 * counting. Fan-out latency is sampled only on live events: not a resume's
 * snapshot, and not the deltas a resume replays (made before the stream
 * opened: their age is the time the reader was away, not fan-out).
 */
export class EventTally {
  readonly cursor = new EventCursor();
  #first = true;
  #resumed = false;
  /** When the current stream opened (epoch ms, this machine's clock, as the server's `ts`). */
  #openedAt = 0;

  constructor(
    readonly sink: PartSink,
    readonly settle: () => void,
  ) {}

  /** A stream opened; `resumed`: it follows an earlier one (its first event is checked for a gap). */
  opened(resumed: boolean): void {
    this.#openedAt = Date.now();
    this.#resumed = resumed;
  }

  /** The subscriber ended before its first event: settle it (the run stops waiting for it). */
  giveUp(): void {
    if (!this.#first) return;
    this.#first = false;
    this.settle();
  }

  /** Counts one event; true when it is a message whose `ts` may be a fan-out sample (see `measure`). */
  event(name: string, id: string): boolean {
    const { sink } = this;
    if (!this.cursor.advance(id)) {
      sink.duplicates++;
      return false;
    }
    const gap = this.#resumed && name === "snapshot";
    this.#resumed = false;
    if (gap) sink.gaps++;
    if (this.#first) {
      this.#first = false;
      this.settle();
      return false;
    }
    sink.messages++;
    return !gap;
  }

  /** A fan-out latency sample from an event's server `ts`, unless it was made before this stream opened (a replay). */
  measure(ts: number): void {
    if (ts >= this.#openedAt) this.sink.latency.add(Date.now() - ts);
  }
}

/** An error for a stream that did not open: kind `HTTP_<status>` in the report. */
class StreamStatusError extends Error {
  readonly code: string;
  constructor(readonly status: number) {
    super(`stream answered ${status}`);
    this.code = `HTTP_${status}`;
  }
}

export interface ResumingReaderOptions {
  url: string;
  fetch: FetchLike;
  sink: PartSink;
  /** Parse each event's `ts` and measure fan-out latency (else events are only counted). */
  measure: boolean;
  /** Called once: the first event arrived, or the first attempt failed (the run waits for every subscriber to settle). */
  settle: () => void;
  /** The run is stopping: an end now is neither a rotation nor a failure. */
  stopping: () => boolean;
}

/**
 * A raw subscriber (fetch + the SDK's SSE parser, no SDK subscription) that
 * resumes the way the SDK does: when the server ends its stream cleanly (a
 * STREAM_LIFETIME_MS rotation) or the stream fails (an error, a non-200, a
 * reset such as the server's write-deadline drop), it reconnects after the
 * SDK's jittered backoff (`retryDelay`) with the server's `retry:` hint as
 * its floor, sending `Last-Event-ID` = the last event id seen. It counts
 * rotations apart from failures (sink.errors, and sink.disconnects for an open
 * stream lost), resumes, gaps and duplicates (see EventTally).
 */
export class ResumingSseReader {
  readonly #options: ResumingReaderOptions;
  readonly #tally: EventTally;
  #closed = false;
  #controller?: AbortController;
  #wake?: () => void;
  /** Between two streams (counted in sink.resuming). */
  #between = false;
  #settled = false;

  constructor(options: ResumingReaderOptions) {
    this.#options = options;
    this.#tally = new EventTally(options.sink, () => this.#settle());
    void this.#run();
  }

  close(): void {
    this.#closed = true;
    this.#controller?.abort();
    this.#wake?.();
    this.#setBetween(false);
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#options.settle();
  }

  #setBetween(between: boolean): void {
    if (between === this.#between) return;
    this.#between = between;
    this.#options.sink.resuming += between ? 1 : -1;
  }

  async #run(): Promise<void> {
    const { sink, measure, url } = this.#options;
    const tally = this.#tally;
    let retryHintMs: number | undefined;
    let failuresInARow = 0;
    let streams = 0;
    while (!this.#closed) {
      const controller = (this.#controller = new AbortController());
      let open = false;
      let failure: unknown;
      let retryAfterMs: number | undefined;
      try {
        const headers: Record<string, string> = { accept: "text/event-stream" };
        if (tally.cursor.lastId) headers["last-event-id"] = tally.cursor.lastId;
        const response = await this.#options.fetch(url, { headers, signal: controller.signal });
        if (!response.ok || !response.body) {
          const retryAfter = Number(response.headers.get("retry-after"));
          if (retryAfter > 0) retryAfterMs = retryAfter * 1000;
          await response.body?.cancel().catch(() => undefined);
          throw new StreamStatusError(response.status);
        }
        open = true;
        sink.connected++;
        this.#setBetween(false);
        if (streams > 0) sink.resumes++;
        tally.opened(streams++ > 0);
        failuresInARow = 0;
        const parser = new SseParser({
          onEvent: (event) => {
            if (tally.event(event.event, event.id) && measure) tally.measure((JSON.parse(event.data) as { ts: number }).ts);
          },
          onRetry: (ms) => {
            retryHintMs = ms;
          },
        });
        await readSseBody(response.body, parser, () => {});
      } catch (error) {
        failure = error;
      }
      if (open) sink.connected--;
      if (this.#closed || this.#options.stopping()) return this.#setBetween(false);
      let delayMs: number;
      if (failure === undefined) {
        // The server ended the stream cleanly: its lifetime rotation. Not a failure.
        sink.rotations++;
        delayMs = retryDelay(0, {}, retryHintMs);
      } else {
        sink.fail("stream", failure);
        if (open) sink.disconnects++;
        delayMs = retryDelay(failuresInARow++, {}, Math.max(retryAfterMs ?? 0, retryHintMs ?? 0) || undefined);
        this.#settle(); // the first attempt failed: the run stops waiting for this one
      }
      if (streams > 0) this.#setBetween(true);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}
