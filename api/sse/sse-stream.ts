import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { HeldConnection } from "../held-connection.ts";
import { formatComment, formatRetry } from "./event-format.ts";

export interface SseStreamOptions {
  /** Comment heartbeat interval; below the 30 s idle timeout of strict proxies. @default 15000 */
  heartbeatMs: number;
  /** Maximum stream lifetime (±LIFETIME_JITTER), also capped at `notAfter`. @default 600000 */
  lifetimeMs: number;
  /** Absolute time (ms) the stream must end by, e.g. the token's expiry. */
  notAfter?: number;
  /** Base `retry:` hint to the client (±RETRY_HINT_JITTER). @default 2000 */
  retryMs: number;
  /** A socket that does not drain for this long is dropped. @default 5000 */
  writeDeadlineMs: number;
  /** Called when the stream ends, with why. */
  onClose?: (reason: SseCloseReason) => void;
}

export type SseCloseReason = "client-closed" | "lifetime" | "slow-consumer" | "draining" | "server-closed";

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-store",
  "X-Accel-Buffering": "no",
  Connection: "keep-alive",
} as const;

/**
 * Each stream's lifetime is its option ± this share, at random, so streams
 * opened together (a page load, a deploy) do not all end together.
 * @default 0.1
 */
export const LIFETIME_JITTER = 0.1;
/**
 * Each stream's `retry:` hint is its option ± this share, at random, so a
 * crowd whose streams end together (a drain) does not reconnect together.
 * @default 0.5
 */
export const RETRY_HINT_JITTER = 0.5;

const jitter = (value: number, spread: number) => value * (1 - spread + Math.random() * 2 * spread);

const HEARTBEAT = formatComment("heartbeat");
const CRLF = Buffer.from("\r\n", "latin1");

/** Event bytes framed as one HTTP/1.1 chunk, once per event: every subscriber writes the same framed bytes. */
const chunks = new WeakMap<Buffer, Buffer>();
function asChunk(bytes: Buffer): Buffer {
  let chunk = chunks.get(bytes);
  if (!chunk) chunks.set(bytes, (chunk = Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`, "latin1"), bytes, CRLF])));
  return chunk;
}

type NodeResponse = ServerResponse & { chunkedEncoding?: boolean; _headerSent?: boolean; outputData?: unknown[] };

/**
 * The socket an open stream's events can be written to directly, or undefined.
 * `res.write()` frames every write as a chunk itself — four socket writes and
 * a tick of corking per subscriber per event, most of the CPU of a big
 * fan-out. Writing the event's pre-framed chunk (`asChunk`, built once per
 * event) to the socket puts the very same bytes on the wire in one write.
 * Only when that is exactly what Node would send: a chunked HTTP/1.1 body
 * (not HEAD, not HTTP/1.0) whose headers are already on this socket, which
 * belongs to this response, with nothing of it still buffered by Node.
 * Anything else — or a future Node that stores this differently — takes
 * `res.write()`. The response's own `end()` still writes the last chunk.
 */
function directSocket(res: NodeResponse): Socket | undefined {
  const socket = res.socket as (Socket & { _httpMessage?: unknown }) | null;
  if (res.chunkedEncoding !== true || res._headerSent !== true || !socket || socket._httpMessage !== res || !socket.writable || res.outputData?.length !== 0) return undefined;
  return socket;
}

/**
 * Node keeps a response's header block (`res._header`, what `headersSent`
 * tests) for the life of the response, as the tree of concatenated strings it
 * was built from — about 1 KB per open stream. Reading one character makes V8
 * flatten it in place. A no-op if Node ever stores it differently.
 */
function flattenHeaderBlock(res: ServerResponse): void {
  const header = (res as ServerResponse & { _header?: unknown })._header;
  if (typeof header === "string") header.charCodeAt(0);
}

/**
 * One SSE response written to the raw Node response (Koa `ctx.respond = false`;
 * a PassThrough body would double the per-connection memory). Handles the
 * opening bytes, heartbeats, the bounded lifetime and backpressure:
 * `write()` returns false when the socket is congested; the caller then holds
 * (conflates) what it would have sent and flushes on `drain`. A socket that
 * does not drain within the write deadline is destroyed.
 */
export class SseStream {
  /** The response, until the connection is held (then nothing keeps it, or the request and context it leads to). */
  #res?: ServerResponse;
  readonly #options: SseStreamOptions;
  /** The connection, once taken from Node's HTTP server (api/held-connection.ts); otherwise the stream writes through `#res`. */
  #held?: HeldConnection;
  #heartbeat?: NodeJS.Timeout;
  #lifetime?: NodeJS.Timeout;
  #deadline?: NodeJS.Timeout;
  #closed = false;
  #drainListeners: (() => void)[] = [];

  constructor(res: ServerResponse, options: SseStreamOptions) {
    this.#res = res;
    this.#options = options;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** True while the socket has unflushed data (the caller should conflate). */
  get congested(): boolean {
    return this.#deadline !== undefined;
  }

  open(extraHeaders: Record<string, string> = {}): void {
    const res = this.#res!;
    // First bytes at once, so proxies and clients see the stream open.
    const first = Buffer.concat([formatRetry(jitter(this.#options.retryMs, RETRY_HINT_JITTER)), formatComment("stream open")]);
    const held = res.req ? HeldConnection.take(res.req, res, () => this.#finish("client-closed")) : undefined;
    if (held) {
      this.#held = held;
      this.#res = undefined;
      const { Connection: _connection, ...headers } = SSE_HEADERS;
      held.socket.setNoDelay(true);
      held.socket.setKeepAlive(true);
      held.writeChunkedHead({ ...headers, ...extraHeaders }, asChunk(first));
    } else {
      res.writeHead(200, { ...SSE_HEADERS, ...extraHeaders });
      res.socket?.setNoDelay(true);
      res.socket?.setKeepAlive(true);
      res.write(first);
      flattenHeaderBlock(res);
      res.on("close", () => this.#finish("client-closed"));
      res.on("drain", () => this.#onDrain());
    }
    this.#heartbeat = setInterval(() => this.write(HEARTBEAT), this.#options.heartbeatMs);
    const lifetime = Math.min(jitter(this.#options.lifetimeMs, LIFETIME_JITTER), (this.#options.notAfter ?? Infinity) - Date.now());
    this.#lifetime = setTimeout(() => this.close("lifetime"), Math.max(0, lifetime));
  }

  /** Writes bytes; false if the socket is congested (the bytes are still queued by Node). */
  write(bytes: Buffer): boolean {
    if (this.#closed) return false;
    const held = this.#held;
    const res = this.#res;
    const socket = held ? held.socket : directSocket(res!);
    const ok = socket ? socket.write(asChunk(bytes)) : res!.write(bytes);
    if (!ok && !this.#deadline) {
      this.#deadline = setTimeout(() => {
        this.#finish("slow-consumer");
        if (held) held.destroy();
        else res!.destroy();
      }, this.#options.writeDeadlineMs);
      // A direct write's backpressure is the socket's own (the response emits `drain` only for its writes).
      socket?.once("drain", () => this.#onDrain());
    }
    return ok;
  }

  /** Calls `listener` once when the socket has drained. */
  onceDrained(listener: () => void): void {
    this.#drainListeners.push(listener);
  }

  /** Ends the stream cleanly (the client resumes with Last-Event-ID). */
  close(reason: SseCloseReason = "server-closed"): void {
    if (this.#closed) return;
    if (this.#held) this.#held.endChunked();
    else this.#res!.end();
    this.#finish(reason);
  }

  #onDrain(): void {
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
    const listeners = this.#drainListeners;
    this.#drainListeners = [];
    for (const listener of listeners) listener();
  }

  #finish(reason: SseCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#lifetime);
    clearTimeout(this.#deadline);
    this.#drainListeners = [];
    this.#options.onClose?.(reason);
  }
}
