import type { SpectateFinishedEvent, SpectateMessage } from "../shared/spectate.ts";
import { resolveBackoff, retryDelay, type BackoffOptions } from "./backoff.ts";
import type { ConnectionState, StateChange } from "./connection-state.ts";
import { Emitter } from "./emitter.ts";
import { NetworkError, SdkError } from "./errors.ts";
import type { HttpClient, TokenSource } from "./http.ts";
import { reportListenerError } from "./logger.ts";
import type { FetchLike, NetworkEvents } from "./platform.ts";
import { ReconnectLoop, type Turn } from "./reconnect-loop.ts";
import type { SseEvent } from "./sse.ts";
import { openSseStream, STREAM_DEFAULTS, StreamToken } from "./sse-transport.ts";

/** What a spectator's handler gets (docs/protocol.md "Spectating over SSE"). */
export type { SpectateMessage } from "../shared/spectate.ts";
export type SpectateHandler = (message: SpectateMessage) => void;

export interface SpectateOptions {
  signal?: AbortSignal;
  /** The server's heartbeat period (STREAM_HEARTBEAT_MS). @default 15000 */
  heartbeatMs?: number;
  /** No bytes for `heartbeatMs × watchdogFactor` (also: before the first bytes) → the stream is dead: reconnect. @default 2.5 */
  watchdogFactor?: number;
  /** Retries in a row before giving up (`retries-exhausted`). @default Infinity */
  maxAttempts?: number;
}

export interface SpectateRetryEvent {
  /** 0-based number of the retry about to happen. */
  attempt: number;
  delayMs: number;
  error: SdkError;
}

export interface SpectateEvents {
  state: StateChange;
  retry: SpectateRetryEvent;
}

/** @internal */
export interface SpectateDeps {
  http: HttpClient;
  tokens: TokenSource;
  fetch: FetchLike;
  backoff?: BackoffOptions;
  network?: NetworkEvents;
  onListenerError?: (error: unknown) => void;
}

/**
 * `client.matches.spectate(matchId, handler)`: a live match over the SDK's
 * SSE transport (sse-transport.ts) and reconnect loop (reconnect-loop.ts),
 * the same as leaderboard subscriptions. Frames are not resumable (a
 * reconnect gets the next one); `finished` ends it (`closed`, reason
 * `server-close`, no error).
 */
export class SpectateConnection {
  readonly matchId: string;
  readonly #deps: SpectateDeps;
  readonly #handler: SpectateHandler;
  readonly #watchdogMs: number;
  readonly #loop: ReconnectLoop;
  readonly #events: Emitter<SpectateEvents>;
  readonly #token: StreamToken;
  readonly #onListenerError: (error: unknown) => void;
  #finished = false;
  #result?: SpectateFinishedEvent["result"];

  constructor(deps: SpectateDeps, matchId: string, options: SpectateOptions, handler: SpectateHandler) {
    this.matchId = matchId;
    this.#deps = deps;
    this.#handler = handler;
    this.#watchdogMs = (options.heartbeatMs ?? STREAM_DEFAULTS.heartbeatMs) * (options.watchdogFactor ?? STREAM_DEFAULTS.watchdogFactor);
    this.#token = new StreamToken(deps.tokens);
    this.#onListenerError = deps.onListenerError ?? reportListenerError;
    this.#events = new Emitter(deps.onListenerError);
    this.#loop = new ReconnectLoop({
      backoff: resolveBackoff(deps.backoff),
      maxRetries: options.maxAttempts ?? Infinity,
      transport: () => "sse",
      onListenerError: deps.onListenerError,
      onRetry: ({ failures, delayMs, error }) => this.#events.emit("retry", { attempt: failures - 1, delayMs, error }),
    });
    this.#loop.onChange((change) => this.#events.emit("state", change));
    this.#loop.watchSignal(options.signal, () => this.#loop.close("aborted"));
    this.#loop.watchNetwork(deps.network);
    if (options.signal?.aborted) {
      this.#loop.close("aborted");
      return;
    }
    this.#loop.start(() => this.#turn());
  }

  get state(): ConnectionState {
    return this.#loop.state;
  }

  /** Why it closed (undefined while live, after `finished` or `close()`). */
  get error(): SdkError | undefined {
    return this.#loop.error;
  }

  /** The recorded result, once `finished` arrived. */
  get result(): SpectateFinishedEvent["result"] | undefined {
    return this.#result;
  }

  on<K extends keyof SpectateEvents>(event: K, listener: (payload: SpectateEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  close(): void {
    this.#loop.close("client-close");
  }

  /** One connection, and what it means for the loop. */
  async #turn(): Promise<Turn> {
    const lease = this.#loop.begin();
    const token = await this.#token.get();
    const outcome = await openSseStream({
      fetch: this.#deps.fetch,
      url: this.#deps.http.url(`/v1/matches/${encodeURIComponent(this.matchId)}/spectate`),
      what: "GET spectate",
      token,
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
    if (this.#finished) return { next: "close", reason: "server-close" };
    switch (outcome.kind) {
      case "aborted":
        return { next: "again" };
      case "ended":
        if (!outcome.opened) return { next: "retry", error: new NetworkError("the spectate stream ended before any bytes") };
        this.#loop.lost("transport-lost", { error: new NetworkError("the spectate stream ended") });
        return { next: "pause", ms: retryDelay(0, this.#loop.backoff) };
      case "refused": {
        if (outcome.error.status !== 401) return { next: "retry", error: outcome.error };
        const denied = await this.#token.rejected(outcome.error);
        return denied ? { next: "retry", error: denied } : { next: "again" };
      }
      default:
        return { next: "retry", error: outcome.error };
    }
  }

  #onEvent(event: SseEvent): void {
    if (event.event !== "state" && event.event !== "finished") return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // a broken frame: the next one replaces it
    }
    if (event.event === "finished") {
      this.#finished = true;
      this.#result = (data as SpectateFinishedEvent).result;
    }
    try {
      this.#handler({ event: event.event, data } as SpectateMessage);
    } catch (error) {
      this.#onListenerError(error);
    }
  }
}
