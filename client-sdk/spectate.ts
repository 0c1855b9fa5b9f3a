import type { SpectateFinishedEvent, SpectateMessage } from "../shared/spectate.ts";
import { resolveBackoff, retryDelay, type BackoffOptions, type ResolvedBackoff } from "./backoff.ts";
import { ConnectionStateMachine, type ConnectionState, type StateChange, type StateReason } from "./connection-state.ts";
import { ClientHeaders } from "../shared/cors.ts";
import { Emitter } from "./emitter.ts";
import { reportListenerError } from "./logger.ts";
import { AuthError, HttpError, NetworkError, SdkError, toSdkError } from "./errors.ts";
import { httpErrorFrom, type HttpClient, type TokenSource } from "./http.ts";
import { Sleeper, type FetchLike } from "./platform.ts";
import { readSseBody, SseParser } from "./sse.ts";

export type { SpectateMessage };
export type SpectateHandler = (message: SpectateMessage) => void;

export interface SpectateOptions {
  signal?: AbortSignal;
  /** The server's heartbeat period (STREAM_HEARTBEAT_MS); no bytes for 2.5× → reconnect. @default 15000 */
  heartbeatMs?: number;
  /** Retries in a row before giving up. @default Infinity */
  maxAttempts?: number;
}

/** @internal */
export interface SpectateDeps {
  http: HttpClient;
  tokens: TokenSource;
  fetch: FetchLike;
  backoff?: BackoffOptions;
  onListenerError?: (error: unknown) => void;
}

/**
 * `client.matches.spectate(matchId, handler)`: a live match over SSE with the
 * same stream reader, watchdog, backoff and state machine as leaderboard
 * subscriptions. Frames are not resumable (a reconnect gets the next one);
 * `finished` ends it (`closed`, reason `server-close`, no error).
 */
export class SpectateConnection {
  readonly matchId: string;
  readonly #deps: SpectateDeps;
  readonly #handler: SpectateHandler;
  readonly #heartbeatMs: number;
  readonly #maxAttempts: number;
  readonly #backoff: ResolvedBackoff;
  readonly #machine: ConnectionStateMachine;
  readonly #events: Emitter<{ state: StateChange }>;
  readonly #sleeper = new Sleeper();
  readonly #onListenerError: (error: unknown) => void;
  #abort?: AbortController;
  #closing = false;
  #finished = false;
  #error?: SdkError;
  #token?: string;
  #refreshed = false;
  #attempt = 0;
  #result?: SpectateFinishedEvent["result"];
  #unlisten?: () => void;

  constructor(deps: SpectateDeps, matchId: string, options: SpectateOptions, handler: SpectateHandler) {
    this.matchId = matchId;
    this.#deps = deps;
    this.#handler = handler;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#maxAttempts = options.maxAttempts ?? Infinity;
    this.#backoff = resolveBackoff(deps.backoff);
    this.#onListenerError = deps.onListenerError ?? reportListenerError;
    this.#machine = new ConnectionStateMachine(deps.onListenerError);
    this.#events = new Emitter(deps.onListenerError);
    this.#machine.onChange((change) => this.#events.emit("state", change));
    const signal = options.signal;
    if (signal) {
      const onAbort = () => this.#close("aborted");
      signal.addEventListener("abort", onAbort, { once: true });
      this.#unlisten = () => signal.removeEventListener("abort", onAbort);
      if (signal.aborted) {
        this.#close("aborted");
        return;
      }
    }
    this.#machine.transition("connecting", "connect", { transport: "sse" });
    void this.#run();
  }

  get state(): ConnectionState {
    return this.#machine.state;
  }

  /** Why it closed (undefined while live, after `finished` or `close()`). */
  get error(): SdkError | undefined {
    return this.#error;
  }

  /** The recorded result, once `finished` arrived. */
  get result(): SpectateFinishedEvent["result"] | undefined {
    return this.#result;
  }

  on(event: "state", listener: (change: StateChange) => void): () => void {
    return this.#events.on(event, listener);
  }

  close(): void {
    this.#close("client-close");
  }

  #close(reason: StateReason, error?: SdkError): void {
    if (this.#machine.state === "closed") return;
    this.#closing = true;
    this.#error = error;
    this.#abort?.abort();
    this.#sleeper.cancel();
    this.#unlisten?.();
    this.#machine.transition("closed", reason, { transport: "sse", ...(error ? { error } : {}) });
  }

  async #run(): Promise<void> {
    while (!this.#closing) {
      let error: SdkError | undefined;
      try {
        error = await this.#once();
      } catch (caught) {
        error = toSdkError(caught);
      }
      if (this.#closing) return;
      if (this.#finished) return this.#close("server-close");
      if (error === undefined) continue; // a refreshed token: again at once
      if (error instanceof AuthError) return this.#close("unauthorized", error);
      if (!error.retryable) return this.#close("failed", error);
      if (this.#attempt >= this.#maxAttempts) return this.#close("retries-exhausted", new SdkError("RETRIES_EXHAUSTED", error.message, { cause: error }));
      const state = this.#machine.state;
      if (state === "open") this.#machine.transition("reconnecting", "transport-lost", { error, transport: "sse" });
      else if (state === "connecting") this.#machine.transition("reconnecting", "connect-failed", { error, transport: "sse" });
      await this.#sleeper.sleep(retryDelay(this.#attempt++, this.#backoff, error instanceof HttpError ? error.retryAfterMs : undefined));
    }
  }

  /** One connection; resolves with the error that ended it (undefined: try again at once). */
  async #once(): Promise<SdkError | undefined> {
    const controller = new AbortController();
    this.#abort = controller;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    let silent = false;
    const watchdogMs = this.#heartbeatMs * 2.5;
    const arm = () => {
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        silent = true;
        controller.abort();
      }, watchdogMs);
    };
    try {
      if (!this.#refreshed) this.#token = await this.#deps.tokens.getToken({ reason: "connect" });
      const headers: Record<string, string> = { [ClientHeaders.ACCEPT]: "text/event-stream", [ClientHeaders.CACHE_CONTROL]: "no-cache" };
      if (this.#token) headers[ClientHeaders.AUTHORIZATION] = `Bearer ${this.#token}`;
      arm(); // also bounds a connect that never answers
      let response: Response;
      try {
        response = await this.#deps.fetch(this.#deps.http.url(`/v1/matches/${encodeURIComponent(this.matchId)}/spectate`), { headers, signal: controller.signal, cache: "no-store" });
      } catch (error) {
        return new NetworkError(`the spectate stream failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (!response.ok) {
        const text = await response.text().catch(() => "");
        let data: unknown = text;
        try {
          data = JSON.parse(text);
        } catch {
          // not JSON (a proxy)
        }
        const error = httpErrorFrom(response, data, "GET spectate");
        if (response.status === 401) {
          if (this.#refreshed) return new AuthError(error.code, error.message, { status: 401, cause: error });
          this.#refreshed = true;
          this.#token = await this.#deps.tokens.getToken({ reason: "rejected", token: this.#token });
          return undefined;
        }
        return error;
      }
      if (!response.body || !(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
        await response.body?.cancel().catch(() => undefined);
        return new SdkError("BAD_RESPONSE", "the spectate stream is not text/event-stream", { retryable: true });
      }
      let opened = false;
      const parser = new SseParser({
        onEvent: (event) => {
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
        },
      });
      try {
        await readSseBody(response.body, parser, () => {
          if (!opened) {
            opened = true;
            this.#attempt = 0;
            this.#refreshed = false;
            const state = this.#machine.state;
            if (state === "connecting") this.#machine.transition("open", "opened", { transport: "sse" });
            else if (state === "reconnecting") this.#machine.transition("open", "reconnected", { transport: "sse" });
          }
          arm();
        });
      } catch (error) {
        if (this.#finished || this.#closing) return undefined;
        if (silent) return new SdkError("TIMEOUT", `no bytes for ${watchdogMs} ms (heartbeat missed)`, { retryable: true });
        return new NetworkError(`the spectate stream broke: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      return this.#finished ? undefined : new NetworkError("the spectate stream ended");
    } finally {
      if (watchdog) clearTimeout(watchdog);
      if (this.#abort === controller) this.#abort = undefined;
    }
  }
}
