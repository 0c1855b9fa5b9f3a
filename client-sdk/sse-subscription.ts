import { resolveBackoff, retryDelay, type BackoffOptions } from "./backoff.ts";
import type { ConnectionState, StateChange } from "./connection-state.ts";
import { Emitter } from "./emitter.ts";
import { NetworkError, SdkError } from "./errors.ts";
import type { HttpClient, TokenSource } from "./http.ts";
import type { FetchLike, NetworkEvents } from "./platform.ts";
import { ReconnectLoop, type Turn } from "./reconnect-loop.ts";
import type { SseEvent } from "./sse.ts";
import { openSseStream, STREAM_DEFAULTS, StreamToken } from "./sse-transport.ts";

export interface SseSubscriptionOptions {
  signal?: AbortSignal;
  /** The server's heartbeat period (STREAM_HEARTBEAT_MS). @default 15000 */
  heartbeatMs?: number;
  /** No bytes for `heartbeatMs × watchdogFactor` → the stream is dead: reconnect. @default 2.5 */
  watchdogFactor?: number;
  /** Retries in a row before giving up (`retries-exhausted`). @default Infinity */
  maxAttempts?: number;
}

export interface SseSubscriptionRetryEvent {
  /** 0-based number of the retry about to happen. */
  attempt: number;
  delayMs: number;
  error: SdkError;
}

/** @internal What an SSE subscription needs from the client. */
export interface SseSubscriptionDeps {
  http: HttpClient;
  tokens: TokenSource;
  fetch: FetchLike;
  backoff?: BackoffOptions;
  network?: NetworkEvents;
  onListenerError?: (error: unknown) => void;
}

export interface SseSubscriptionEvents {
  state: StateChange;
  retry: SseSubscriptionRetryEvent;
}

/**
 * One live SSE resource on the SDK's SSE transport (sse-transport.ts) and
 * reconnect loop (reconnect-loop.ts): a league's streams, spectating (and,
 * with their SSE → long-poll policy, leaderboard subscriptions use the same
 * two). When `resumable`, it sends the last event id back as
 * `Last-Event-ID` on reconnect (the server replays the gap) and drops a
 * cursor the server refuses (BAD_CURSOR); it refreshes the token once on
 * 401 and stops with the typed HttpError on 403 or 404. A subclass parses
 * its events (`handle`) and may end the subscription (`finished`).
 */
export abstract class SseSubscription<Events extends SseSubscriptionEvents> {
  protected readonly events: Emitter<Events>;
  readonly #deps: SseSubscriptionDeps;
  readonly #path: string;
  readonly #watchdogMs: number;
  readonly #loop: ReconnectLoop;
  readonly #token: StreamToken;
  #lastEventId: string | undefined;

  readonly #resumable: boolean;

  constructor(deps: SseSubscriptionDeps, path: string, options: SseSubscriptionOptions, resumable: boolean) {
    this.#deps = deps;
    this.#resumable = resumable;
    this.#path = path;
    this.#watchdogMs = (options.heartbeatMs ?? STREAM_DEFAULTS.heartbeatMs) * (options.watchdogFactor ?? STREAM_DEFAULTS.watchdogFactor);
    this.#token = new StreamToken(deps.tokens);
    this.events = new Emitter(deps.onListenerError);
    this.#loop = new ReconnectLoop({
      backoff: resolveBackoff(deps.backoff),
      maxRetries: options.maxAttempts ?? Infinity,
      transport: () => "sse",
      onListenerError: deps.onListenerError,
      onRetry: ({ failures, delayMs, error }) => this.events.emit("retry", { attempt: failures - 1, delayMs, error } as Events["retry"]),
    });
    this.#loop.onChange((change) => this.events.emit("state", change as Events["state"]));
    this.#loop.watchSignal(options.signal, () => this.#loop.close("aborted"));
    this.#loop.watchNetwork(deps.network);
    if (options.signal?.aborted) {
      this.#loop.close("aborted");
      return;
    }
    // Started after the subclass's fields exist.
    queueMicrotask(() => {
      if (!this.#loop.closed) this.#loop.start(() => this.#turn());
    });
  }

  get state(): ConnectionState {
    return this.#loop.state;
  }

  /** Why it closed (undefined while live or after `close()`). */
  get error(): SdkError | undefined {
    return this.#loop.error;
  }

  /** The id of the last event received (sent back as `Last-Event-ID` on reconnect). */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  close(): void {
    this.#loop.close("client-close");
  }

  /** One parsed event of the stream; throwing ends the connection (it reconnects). */
  protected abstract handle(event: string, data: unknown, id: string | undefined): void;

  /** True once the server said the resource is over (the subscription closes with `server-close`). */
  protected finished(): boolean {
    return false;
  }

  /** An event whose data is not JSON: by default the connection ends (it reconnects); a subclass may skip it. */
  protected badFrame(event: SseEvent, error: unknown): void {
    throw new SdkError("BAD_RESPONSE", `a ${event.event} event is not JSON`, { cause: error, retryable: true });
  }

  async #turn(): Promise<Turn> {
    const lease = this.#loop.begin();
    const token = await this.#token.get();
    const outcome = await openSseStream({
      fetch: this.#deps.fetch,
      url: this.#deps.http.url(this.#path),
      what: `GET ${this.#path}`,
      token,
      lastEventId: this.#resumable ? this.#lastEventId : undefined,
      signal: lease.signal,
      watchdogMs: this.#watchdogMs,
      onOpen: () => {
        if (!lease.current) return;
        this.#token.opened();
        this.#loop.opened();
      },
      onEvent: (event) => {
        if (lease.current) this.#onEvent(event);
      },
    });
    if (this.finished()) return { next: "close", reason: "server-close" };
    switch (outcome.kind) {
      case "aborted":
        return { next: "again" };
      case "ended":
        if (!outcome.opened) return { next: "retry", error: new NetworkError("the stream ended before any bytes") };
        this.#loop.lost("transport-lost", { error: new NetworkError("the stream ended") });
        return { next: "pause", ms: retryDelay(0, this.#loop.backoff) };
      case "refused": {
        if (outcome.error.code === "BAD_CURSOR" && this.#resumable && this.#lastEventId !== undefined) {
          this.#lastEventId = undefined;
          return { next: "again" };
        }
        if (outcome.error.status !== 401) return { next: "retry", error: outcome.error };
        const denied = await this.#token.rejected(outcome.error);
        return denied ? { next: "retry", error: denied } : { next: "again" };
      }
      default:
        return { next: "retry", error: outcome.error };
    }
  }

  #onEvent(event: SseEvent): void {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      return this.badFrame(event, error);
    }
    this.handle(event.event, data, event.id);
    if (event.id) this.#lastEventId = event.id;
  }
}
