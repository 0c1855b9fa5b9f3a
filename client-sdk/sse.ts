/**
 * A Server-Sent Events parser that follows the WHATWG HTML Standard's
 * algorithm to the letter (§9.2.6 "Interpreting an event stream",
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation),
 * over a `fetch` body, so streams can send `Authorization` and
 * `Last-Event-ID` (native EventSource cannot) and run in browsers and Node
 * alike. Browser-safe: only TextDecoder and ReadableStream.
 *
 * The rules, in the spec's words where it matters:
 * - the stream is decoded with UTF-8 decode, which strips ONE leading BOM
 *   and turns invalid bytes into U+FFFD (`write()` does this; `feed()`
 *   takes text that was already decoded);
 * - a line ends with CRLF, a LF, or a CR not followed by LF;
 * - an empty line dispatches; a line starting with `:` is a comment; else the
 *   field is the text before the first `:` (the whole line when there is
 *   none, with an empty value) and the value the text after it, minus ONE
 *   leading space; field names are compared literally (no case folding);
 * - `event` sets the event type buffer; `data` appends the value and a LF to
 *   the data buffer; `id` sets the last event ID *buffer* unless the value
 *   contains U+0000 NULL; `retry` with only ASCII digits sets the
 *   reconnection time at once; anything else is ignored;
 * - dispatch: (1) the last event ID *string* becomes the buffer's value —
 *   also when no event follows; (2) an empty data buffer clears the data and
 *   type buffers and dispatches nothing; (3) one trailing LF is removed;
 *   the event's type is the type buffer, or `message` when it is empty;
 *   both buffers are cleared; the id buffer is NOT reset (it persists to
 *   later events of the same stream);
 * - the three buffers belong to one stream and start empty: a new
 *   connection means a new parser;
 * - at the end of the stream any pending data is discarded: an unfinished
 *   line or event is not processed.
 */
export interface SseEvent {
  /** The event type buffer, or `message` when the stream named none. */
  event: string;
  data: string;
  /** The last event ID string at dispatch (it persists across events of the stream). */
  id: string;
}

export interface SseParserCallbacks {
  onEvent(event: SseEvent): void;
  /** The `retry:` field, in ms (the event stream's reconnection time). */
  onRetry?(ms: number): void;
}

const LF = "\n";
const CR = "\r";

/** Feed it decoded text (`feed`) or raw bytes (`write`) in any chunking; it calls back per dispatched event. */
export class SseParser {
  readonly #callbacks: SseParserCallbacks;
  /** The unfinished line: text after the last line end seen. */
  #line = "";
  /** The previous chunk ended with CR: a LF at the start of the next one belongs to that line end. */
  #afterCr = false;
  #dataBuffer = "";
  #eventTypeBuffer = "";
  #lastEventIdBuffer = "";
  #lastEventId: string;
  #decoder?: TextDecoder;

  /**
   * `lastEventId`: the event source's last event ID string before this
   * stream (what a reconnect sent as `Last-Event-ID`). It stays until this
   * stream's first dispatch, which sets it from this stream's buffer.
   */
  constructor(callbacks: SseParserCallbacks, lastEventId = "") {
    this.#callbacks = callbacks;
    this.#lastEventId = lastEventId;
  }

  /** The last event ID string: committed at each dispatch, never by an `id:` line alone. */
  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Raw bytes of the stream, decoded with UTF-8 decode (one leading BOM stripped, invalid bytes → U+FFFD). */
  write(bytes: Uint8Array): void {
    this.#decoder ??= new TextDecoder("utf-8");
    this.feed(this.#decoder.decode(bytes, { stream: true }));
  }

  /** The end of the stream: flushes the decoder, then discards whatever is pending (an unfinished line or event). */
  end(): void {
    if (this.#decoder) this.feed(this.#decoder.decode());
    this.#line = "";
    this.#afterCr = false;
    this.#dataBuffer = "";
    this.#eventTypeBuffer = "";
  }

  /** Text of the stream, already decoded (no BOM processing here). */
  feed(text: string): void {
    let start = 0;
    if (this.#afterCr && text.startsWith(LF)) start = 1;
    this.#afterCr = false;
    for (let i = start; i < text.length; i++) {
      const char = text[i];
      if (char !== LF && char !== CR) continue;
      const line = this.#line + text.slice(start, i);
      this.#line = "";
      if (char === CR) {
        if (i + 1 < text.length) {
          if (text[i + 1] === LF) i++;
        } else {
          this.#afterCr = true; // CRLF may be split across chunks
        }
      }
      start = i + 1;
      this.#processLine(line);
    }
    this.#line += text.slice(start);
  }

  #processLine(line: string): void {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    if (colon === -1) return this.#processField(line, "");
    const value = line.slice(colon + 1);
    this.#processField(line.slice(0, colon), value.startsWith(" ") ? value.slice(1) : value);
  }

  #processField(field: string, value: string): void {
    switch (field) {
      case "event":
        this.#eventTypeBuffer = value;
        return;
      case "data":
        this.#dataBuffer += value + LF;
        return;
      case "id":
        if (!value.includes("\u0000")) this.#lastEventIdBuffer = value;
        return;
      case "retry":
        if (/^[0-9]+$/.test(value)) this.#callbacks.onRetry?.(Number.parseInt(value, 10));
        return;
      default:
        return; // ignored
    }
  }

  #dispatch(): void {
    this.#lastEventId = this.#lastEventIdBuffer;
    if (this.#dataBuffer === "") {
      this.#eventTypeBuffer = "";
      return;
    }
    const data = this.#dataBuffer.endsWith(LF) ? this.#dataBuffer.slice(0, -1) : this.#dataBuffer;
    const event = this.#eventTypeBuffer === "" ? "message" : this.#eventTypeBuffer;
    this.#dataBuffer = "";
    this.#eventTypeBuffer = "";
    this.#callbacks.onEvent({ event, data, id: this.#lastEventId });
  }
}

/**
 * Reads a fetch body to its end through the parser (UTF-8 decode across
 * chunk boundaries). `onBytes` runs for every chunk (the watchdog's proof of
 * life); rejects when the body fails or the fetch's signal aborts.
 */
export async function readSseBody(body: ReadableStream<Uint8Array>, parser: SseParser, onBytes: () => void): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value && value.byteLength > 0) {
        onBytes();
        parser.write(value);
      }
    }
    parser.end();
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // a pending read after abort may keep the lock; the body is gone anyway
    }
  }
}
