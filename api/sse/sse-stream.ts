import type { ServerResponse } from "node:http";
import { formatComment, formatRetry } from "./event-format.ts";

export interface SseStreamOptions {
  /** Comment heartbeat interval; below the 30 s idle timeout of strict proxies. @default 15000 */
  heartbeatMs: number;
  /** Maximum stream lifetime (jittered ±10%), also capped at `notAfter`. @default 600000 */
  lifetimeMs: number;
  /** Absolute time (ms) the stream must end by, e.g. the token's expiry. */
  notAfter?: number;
  /** Base `retry:` hint to the client (jittered ±50%). @default 2000 */
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

const jitter = (value: number, spread: number) => value * (1 - spread + Math.random() * 2 * spread);

/**
 * One SSE response written to the raw Node response (Koa `ctx.respond = false`;
 * a PassThrough body would double the per-connection memory). Handles the
 * opening bytes, heartbeats, the bounded lifetime and backpressure:
 * `write()` returns false when the socket is congested; the caller then holds
 * (conflates) what it would have sent and flushes on `drain`. A socket that
 * does not drain within the write deadline is destroyed.
 */
export class SseStream {
  readonly #res: ServerResponse;
  readonly #options: SseStreamOptions;
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
    const res = this.#res;
    res.writeHead(200, { ...SSE_HEADERS, ...extraHeaders });
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true);
    // First bytes at once, so proxies and clients see the stream open.
    res.write(Buffer.concat([formatRetry(jitter(this.#options.retryMs, 0.5)), formatComment("stream open")]));
    res.on("close", () => this.#finish("client-closed"));
    res.on("drain", () => this.#onDrain());
    this.#heartbeat = setInterval(() => this.write(formatComment("heartbeat")), this.#options.heartbeatMs);
    const lifetime = Math.min(jitter(this.#options.lifetimeMs, 0.1), (this.#options.notAfter ?? Infinity) - Date.now());
    this.#lifetime = setTimeout(() => this.close("lifetime"), Math.max(0, lifetime));
  }

  /** Writes bytes; false if the socket is congested (the bytes are still queued by Node). */
  write(bytes: Buffer): boolean {
    if (this.#closed) return false;
    const ok = this.#res.write(bytes);
    if (!ok && !this.#deadline) {
      this.#deadline = setTimeout(() => {
        this.#finish("slow-consumer");
        this.#res.destroy();
      }, this.#options.writeDeadlineMs);
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
    this.#res.end();
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
