/**
 * A small WHATWG Server-Sent Events parser (HTML §9.2 "event stream
 * interpretation") over a `fetch` body, so streams can send `Authorization`
 * and `Last-Event-ID` (native EventSource cannot) and run in browsers and
 * Node alike. Browser-safe: only TextDecoder and ReadableStream.
 */
export interface SseEvent {
  /** `message` when the stream named none. */
  event: string;
  data: string;
  /** The last event id seen on this stream (WHATWG: it persists across events). */
  id: string;
}

export interface SseParserCallbacks {
  onEvent(event: SseEvent): void;
  /** The `retry:` field, in ms. */
  onRetry?(ms: number): void;
}

/** Feed it decoded text in any chunking; it calls back per complete event. */
export class SseParser {
  readonly #callbacks: SseParserCallbacks;
  #buffer = "";
  #event = "";
  #data: string[] = [];
  #hasData = false;
  #lastEventId = "";
  /** A chunk that ended in `\r`: a following `\n` belongs to the same line break. */
  #pendingCr = false;

  constructor(callbacks: SseParserCallbacks, lastEventId = "") {
    this.#callbacks = callbacks;
    this.#lastEventId = lastEventId;
  }

  get lastEventId(): string {
    return this.#lastEventId;
  }

  feed(text: string): void {
    if (this.#pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      // A lone `\r` at the very end may be the first half of `\r\n`: take it, skip a `\n` next time.
      if (match[0] === "\r" && match.index === this.#buffer.length - 1) this.#pendingCr = true;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return; // a comment (heartbeats)
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.#event = value;
        break;
      case "data":
        this.#data.push(value);
        this.#hasData = true;
        break;
      case "id":
        if (!value.includes("\u0000")) this.#lastEventId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.#callbacks.onRetry?.(Number(value));
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  #dispatch(): void {
    const event = this.#event || "message";
    const hadData = this.#hasData;
    const data = this.#data.join("\n");
    this.#event = "";
    this.#data = [];
    this.#hasData = false;
    if (!hadData) return;
    this.#callbacks.onEvent({ event, data, id: this.#lastEventId });
  }
}

/**
 * Reads a fetch body to its end, decoding UTF-8 across chunk boundaries.
 * `onBytes` runs for every chunk (the watchdog's proof of life); rejects
 * when the body fails or the fetch's signal aborts.
 */
export async function readSseBody(body: ReadableStream<Uint8Array>, parser: SseParser, onBytes: () => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value && value.byteLength > 0) {
        onBytes();
        parser.feed(decoder.decode(value, { stream: true }));
      }
    }
    parser.feed(decoder.decode());
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // a pending read after abort may keep the lock; the body is gone anyway
    }
  }
}
