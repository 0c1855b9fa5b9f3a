import {
  applyLeaderboardEvent,
  LeaderboardGapError,
  type LeaderboardStreamMessage,
  type LeaderboardTable,
} from "../shared/index.ts";
import type { LeaderboardChangesResponse } from "./api-routes.ts";
import { resolveBackoff, retryDelay, type BackoffOptions, type ResolvedBackoff } from "./backoff.ts";
import { ConnectionStateMachine, type ConnectionState, type StateChange, type StateReason } from "./connection-state.ts";
import { ClientHeaders } from "../shared/cors.ts";
import { Emitter } from "./emitter.ts";
import { AuthError, HttpError, NetworkError, SdkError, isAbort, toSdkError } from "./errors.ts";
import { httpErrorFrom, type HttpClient, type TokenSource } from "./http.ts";
import { Sleeper, type FetchLike, type NetworkEvents } from "./platform.ts";
import { readSseBody, SseParser, type SseEvent } from "./sse.ts";

export type LeaderboardTransport = "sse" | "long-poll";

export interface LeaderboardSubscribeOptions {
  /** Rows kept live (1..100). @default 10 (the server's default) */
  top?: number;
  /** `current` (default), `all`, or a period key. */
  period?: string;
  /** Closes the subscription when it fires (reason `aborted`). */
  signal?: AbortSignal;
  /**
   * `auto` streams SSE and falls back to long polling when SSE is buffered or
   * blocked; the others pin one transport. @default "auto"
   */
  transport?: "auto" | LeaderboardTransport;
  /** The server's heartbeat period (STREAM_HEARTBEAT_MS). @default 15000 */
  heartbeatMs?: number;
  /** No bytes for `heartbeatMs × watchdogFactor` → the stream is dead: reconnect. @default 2.5 */
  watchdogFactor?: number;
  /**
   * SSE must bring its first bytes within this long of connecting (the server
   * sends `retry:` at once); otherwise a proxy buffers it: fall back. @default 4000
   */
  firstByteTimeoutMs?: number;
  /** `wait` of each long poll, seconds (the server clamps it to 25). @default 25 */
  pollWaitSeconds?: number;
  /** After falling back, try SSE again after this many answered polls… @default 20 */
  upgradeAfterPolls?: number;
  /** …or this long, whichever comes first. @default 120000 */
  upgradeAfterMs?: number;
  /** Retries in a row before giving up (`retries-exhausted`). @default Infinity */
  maxAttempts?: number;
}

/** Called for every `snapshot`/`delta`, with the table after applying it. */
export type LeaderboardHandler = (message: LeaderboardStreamMessage, table: LeaderboardTable) => void;

export interface LeaderboardRetryEvent {
  /** 0-based number of the retry about to happen. */
  attempt: number;
  delayMs: number;
  error: SdkError;
  transport: LeaderboardTransport;
}

export interface LeaderboardTransportChange {
  from: LeaderboardTransport;
  to: LeaderboardTransport;
  /** `fallback`: SSE was buffered/blocked; `upgrade`: trying SSE again after polling. */
  reason: "fallback" | "upgrade";
  error?: SdkError;
}

export interface LeaderboardSubscriptionEvents {
  state: StateChange;
  retry: LeaderboardRetryEvent;
  transport: LeaderboardTransportChange;
}

/** @internal What a subscription needs from the client. */
export interface SubscriptionDeps {
  http: HttpClient;
  tokens: TokenSource;
  fetch: FetchLike;
  backoff?: BackoffOptions;
  network?: NetworkEvents;
  onListenerError?: (error: unknown) => void;
}

type Outcome =
  | { kind: "ended" }
  | { kind: "again" }
  | { kind: "fallback"; error: SdkError }
  | { kind: "upgrade" }
  | { kind: "error"; error: SdkError };

/** Statuses a proxy (not this server) answers when it cannot or will not stream. */
const PROXY_STATUSES = new Set([405, 406, 407, 502, 504, 505]);

/**
 * A live leaderboard (issue 5, issue 9; docs/protocol.md "Leaderboard
 * streams"). Streams `GET /v1/leaderboards/:id/stream` with fetch (so it can
 * send `Authorization` and `Last-Event-ID`), keeps the last event id and
 * resumes from it, and keeps a sorted table built with the shared
 * `applyLeaderboardEvent`. When SSE is buffered (no bytes within
 * `firstByteTimeoutMs`) or blocked (a proxy's status or content type), it
 * long-polls `/changes?after=<the same cursor>` — same events, same handler,
 * no gap — and tries SSE again later. One state machine, one backoff.
 */
export class LeaderboardSubscription {
  readonly boardId: string;
  readonly #deps: SubscriptionDeps;
  readonly #handler: LeaderboardHandler;
  readonly #options: Required<Omit<LeaderboardSubscribeOptions, "top" | "period" | "signal">> & Pick<LeaderboardSubscribeOptions, "top" | "period" | "signal">;
  readonly #backoff: ResolvedBackoff;
  readonly #machine: ConnectionStateMachine;
  readonly #events: Emitter<LeaderboardSubscriptionEvents>;
  readonly #sleeper = new Sleeper();
  readonly #onListenerError: (error: unknown) => void;
  #table?: LeaderboardTable;
  #cursor?: string;
  #transport: LeaderboardTransport;
  #attempt = 0;
  #closing = false;
  #error?: SdkError;
  #abort?: AbortController;
  #token?: string;
  /** One token refresh per connection, reset once a connection opens. */
  #refreshed = false;
  #unlisten: (() => void)[] = [];

  constructor(deps: SubscriptionDeps, boardId: string, options: LeaderboardSubscribeOptions, handler: LeaderboardHandler) {
    this.boardId = boardId;
    this.#deps = deps;
    this.#handler = handler;
    this.#options = {
      top: options.top,
      period: options.period,
      signal: options.signal,
      transport: options.transport ?? "auto",
      heartbeatMs: options.heartbeatMs ?? 15_000,
      watchdogFactor: options.watchdogFactor ?? 2.5,
      firstByteTimeoutMs: options.firstByteTimeoutMs ?? 4000,
      pollWaitSeconds: options.pollWaitSeconds ?? 25,
      upgradeAfterPolls: options.upgradeAfterPolls ?? 20,
      upgradeAfterMs: options.upgradeAfterMs ?? 120_000,
      maxAttempts: options.maxAttempts ?? Infinity,
    };
    this.#backoff = resolveBackoff(deps.backoff);
    this.#onListenerError = deps.onListenerError ?? ((error) => console.error("client-sdk: a listener threw", error));
    this.#machine = new ConnectionStateMachine(deps.onListenerError);
    this.#events = new Emitter(deps.onListenerError);
    this.#machine.onChange((change) => this.#events.emit("state", change));
    this.#transport = this.#options.transport === "long-poll" ? "long-poll" : "sse";

    const signal = options.signal;
    if (signal) {
      const onAbort = () => this.#close("aborted");
      signal.addEventListener("abort", onAbort, { once: true });
      this.#unlisten.push(() => signal.removeEventListener("abort", onAbort));
    }
    const network = deps.network;
    if (network) {
      // Back online: skip the rest of the backoff wait.
      const onOnline = () => this.#sleeper.wake();
      network.addEventListener("online", onOnline);
      this.#unlisten.push(() => network.removeEventListener("online", onOnline));
    }
    if (signal?.aborted) {
      this.#close("aborted");
      return;
    }
    this.#machine.transition("connecting", "connect", { transport: this.#transport });
    void this.#run();
  }

  get state(): ConnectionState {
    return this.#machine.state;
  }

  /** The local table (sorted by rank); undefined until the first snapshot. */
  get table(): LeaderboardTable | undefined {
    return this.#table;
  }

  /** The transport in use (or being tried). */
  get transport(): LeaderboardTransport {
    return this.#transport;
  }

  /** The last event id applied (`epoch:version`): where a reconnect resumes. */
  get lastEventId(): string | undefined {
    return this.#cursor;
  }

  /** Why the subscription closed (undefined while live or after `close()`). */
  get error(): SdkError | undefined {
    return this.#error;
  }

  on<K extends keyof LeaderboardSubscriptionEvents>(event: K, listener: (payload: LeaderboardSubscriptionEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Ends the subscription for good (state `closed`, reason `client-close`). */
  close(): void {
    this.#close("client-close");
  }

  #close(reason: StateReason, error?: SdkError): void {
    if (this.#machine.state === "closed") return;
    this.#closing = true;
    this.#error = error;
    this.#abort?.abort();
    this.#sleeper.cancel();
    for (const off of this.#unlisten.splice(0)) off();
    this.#machine.transition("closed", reason, { transport: this.#transport, ...(error ? { error } : {}) });
  }

  async #run(): Promise<void> {
    while (!this.#closing) {
      let outcome: Outcome;
      try {
        outcome = this.#transport === "sse" ? await this.#streamOnce() : await this.#pollUntilUpgrade();
      } catch (error) {
        outcome = { kind: "error", error: toSdkError(error) };
      }
      if (this.#closing) return;
      switch (outcome.kind) {
        case "again":
          continue;
        case "fallback":
          this.#switchTransport("long-poll", "fallback", outcome.error);
          continue;
        case "upgrade":
          this.#switchTransport("sse", "upgrade");
          if (this.#machine.state === "open") this.#machine.transition("reconnecting", "transport-upgrade", { transport: "sse" });
          continue;
        case "ended":
          // The server ended an open stream (lifetime rotation, drain): resume after a short jittered delay.
          this.#lost(new NetworkError("the stream ended"));
          await this.#sleeper.sleep(retryDelay(0, this.#backoff));
          continue;
        case "error": {
          const error = outcome.error;
          if (error instanceof AuthError) return this.#close("unauthorized", error);
          if (!error.retryable) return this.#close("failed", error);
          if (this.#attempt >= this.#options.maxAttempts) {
            return this.#close("retries-exhausted", new SdkError("RETRIES_EXHAUSTED", `gave up after ${this.#attempt} attempts: ${error.message}`, { cause: error }));
          }
          this.#lost(error);
          const delayMs = retryDelay(this.#attempt, this.#backoff, error instanceof HttpError ? error.retryAfterMs : undefined);
          this.#events.emit("retry", { attempt: this.#attempt, delayMs, error, transport: this.#transport });
          this.#attempt++;
          await this.#sleeper.sleep(delayMs);
          continue;
        }
      }
    }
  }

  #lost(error: SdkError): void {
    const state = this.#machine.state;
    if (state === "open") this.#machine.transition("reconnecting", "transport-lost", { error, transport: this.#transport });
    else if (state === "connecting") this.#machine.transition("reconnecting", "connect-failed", { error, transport: this.#transport });
  }

  #switchTransport(to: LeaderboardTransport, reason: "fallback" | "upgrade", error?: SdkError): void {
    const from = this.#transport;
    if (from === to) return;
    this.#transport = to;
    this.#events.emit("transport", { from, to, reason, ...(error ? { error } : {}) });
  }

  #markOpen(): void {
    this.#attempt = 0;
    this.#refreshed = false;
    const state = this.#machine.state;
    if (state === "connecting") this.#machine.transition("open", "opened", { transport: this.#transport });
    else if (state === "reconnecting") this.#machine.transition("open", "reconnected", { transport: this.#transport });
  }

  /** Applies one event (duplicates are skipped); a gap drops the cursor so the next connect brings a snapshot. */
  #apply(message: LeaderboardStreamMessage): void {
    const table = this.#table;
    if (message.event === "delta" && table && message.data.epoch === table.epoch && message.data.version <= table.version) {
      return; // already applied (defensive: the server never repeats)
    }
    let next: LeaderboardTable | undefined;
    try {
      next = applyLeaderboardEvent(table, message);
    } catch (error) {
      if (error instanceof LeaderboardGapError) {
        this.#cursor = undefined;
        throw new SdkError("BAD_RESPONSE", error.message, { cause: error, retryable: true });
      }
      throw error;
    }
    if (!next) return;
    this.#table = next;
    this.#cursor = message.id;
    try {
      this.#handler(message, next);
    } catch (error) {
      this.#onListenerError(error);
    }
  }

  /** Refreshes the token once per connection after a 401; a second 401 is an AuthError. */
  async #onUnauthorized(error: HttpError): Promise<Outcome> {
    if (this.#refreshed) return { kind: "error", error: new AuthError(error.code, error.message, { status: 401, cause: error }) };
    this.#refreshed = true;
    this.#token = await this.#deps.tokens.getToken({ reason: "rejected", token: this.#token });
    return { kind: "again" };
  }

  #query(): Record<string, string | number | undefined> {
    return { top: this.#options.top, period: this.#options.period };
  }

  /** One SSE connection, from fetch to the end of its body. */
  async #streamOnce(): Promise<Outcome> {
    const auto = this.#options.transport === "auto";
    const controller = new AbortController();
    this.#abort = controller;
    let why: "first-byte" | "watchdog" | "gap" | undefined;
    let gapError: SdkError | undefined;
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const firstByte = setTimeout(() => {
      why = "first-byte";
      controller.abort();
    }, this.#options.firstByteTimeoutMs);
    const clearTimers = () => {
      clearTimeout(firstByte);
      if (watchdog) clearTimeout(watchdog);
    };
    const buffered = () => new NetworkError(`no bytes within ${this.#options.firstByteTimeoutMs} ms of connecting (a buffering proxy?)`);
    try {
      if (!this.#refreshed) this.#token = await this.#deps.tokens.getToken({ reason: "connect" });
      const headers: Record<string, string> = { [ClientHeaders.ACCEPT]: "text/event-stream", [ClientHeaders.CACHE_CONTROL]: "no-cache" };
      if (this.#token) headers[ClientHeaders.AUTHORIZATION] = `Bearer ${this.#token}`;
      if (this.#cursor) headers[ClientHeaders.LAST_EVENT_ID] = this.#cursor;
      const url = this.#deps.http.url(`/v1/leaderboards/${encodeURIComponent(this.boardId)}/stream`, this.#query());
      let response: Response;
      try {
        response = await this.#deps.fetch(url, { method: "GET", headers, signal: controller.signal, cache: "no-store" });
      } catch (error) {
        if (this.#closing) return { kind: "ended" };
        if (why === "first-byte") return auto ? { kind: "fallback", error: buffered() } : { kind: "error", error: buffered() };
        return { kind: "error", error: new NetworkError(`the stream failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }) };
      }
      if (!response.ok) {
        clearTimers();
        const text = await response.text().catch(() => "");
        let data: unknown = text;
        try {
          data = JSON.parse(text);
        } catch {
          // a proxy's HTML page
        }
        const error = httpErrorFrom(response, data, "GET stream");
        if (response.status === 401) return await this.#onUnauthorized(error);
        if (error.code === "BAD_CURSOR" && this.#cursor !== undefined) {
          this.#cursor = undefined; // a cursor the server cannot read: start over from a snapshot
          return { kind: "again" };
        }
        const fromProxy = PROXY_STATUSES.has(response.status) || (error.code === "HTTP_ERROR" && ![401, 403, 404, 429, 503].includes(response.status));
        if (auto && fromProxy) return { kind: "fallback", error };
        return { kind: "error", error };
      }
      const contentType = response.headers.get("content-type") ?? "";
      if (!contentType.toLowerCase().startsWith("text/event-stream") || !response.body) {
        clearTimers();
        await response.body?.cancel().catch(() => undefined);
        const error = new SdkError("BAD_RESPONSE", `the stream answered ${contentType || "no content type"}, not text/event-stream`, { retryable: true });
        return auto ? { kind: "fallback", error } : { kind: "error", error };
      }
      let opened = false;
      const watchdogMs = this.#options.heartbeatMs * this.#options.watchdogFactor;
      const parser = new SseParser({
        onEvent: (event) => {
          if (why) return;
          try {
            this.#onSseEvent(event);
          } catch (error) {
            why = "gap";
            gapError = toSdkError(error);
            controller.abort();
          }
        },
      });
      const onBytes = () => {
        if (!opened) {
          opened = true;
          clearTimeout(firstByte);
          this.#markOpen();
        }
        if (watchdog) clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          why = "watchdog";
          controller.abort();
        }, watchdogMs);
      };
      try {
        await readSseBody(response.body, parser, onBytes);
      } catch (error) {
        if (this.#closing) return { kind: "ended" };
        if (why === "first-byte") return auto ? { kind: "fallback", error: buffered() } : { kind: "error", error: buffered() };
        if (why === "watchdog") return { kind: "error", error: new SdkError("TIMEOUT", `no bytes for ${watchdogMs} ms (heartbeat missed)`, { retryable: true }) };
        if (why === "gap") return { kind: "error", error: gapError! };
        if (isAbort(error)) return { kind: "ended" };
        return { kind: "error", error: new NetworkError(`the stream broke: ${error instanceof Error ? error.message : String(error)}`, { cause: error }) };
      }
      if (!opened) return { kind: "error", error: new NetworkError("the stream ended before any bytes") };
      return { kind: "ended" };
    } finally {
      clearTimers();
      if (this.#abort === controller) this.#abort = undefined;
    }
  }

  #onSseEvent(event: SseEvent): void {
    if (event.event !== "snapshot" && event.event !== "delta") return; // unknown events are ignored (forward compatibility)
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch (error) {
      throw new SdkError("BAD_RESPONSE", `a ${event.event} event is not JSON`, { cause: error, retryable: true });
    }
    this.#apply({ event: event.event, id: event.id, data } as LeaderboardStreamMessage);
  }

  /** Long polls `/changes` from the same cursor until it is time to try SSE again (auto) or an error. */
  async #pollUntilUpgrade(): Promise<Outcome> {
    const started = Date.now();
    let polls = 0;
    const path = `/v1/leaderboards/${encodeURIComponent(this.boardId)}/changes`;
    while (!this.#closing) {
      if (this.#options.transport === "auto" && (polls >= this.#options.upgradeAfterPolls || Date.now() - started >= this.#options.upgradeAfterMs)) {
        return { kind: "upgrade" };
      }
      const controller = new AbortController();
      this.#abort = controller;
      let timedOut = false;
      // A hold never lasts longer than `wait`; a silent connection past that (plus slack) is dead.
      const deadline = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, (this.#options.pollWaitSeconds + 10) * 1000);
      try {
        const answer = await this.#deps.http.request<LeaderboardChangesResponse>("GET", path, {
          query: { ...this.#query(), after: this.#cursor, wait: this.#options.pollWaitSeconds },
          signal: controller.signal,
          retries: 0,
        });
        for (const message of answer.data.events) this.#apply(message);
        if (this.#cursor === undefined && answer.data.events.length === 0) this.#cursor = answer.data.cursor;
        this.#markOpen();
        polls++;
      } catch (error) {
        if (this.#closing) return { kind: "ended" };
        if (timedOut) return { kind: "error", error: new SdkError("TIMEOUT", "a long poll outlived its wait", { retryable: true }) };
        const sdkError = toSdkError(error);
        if (sdkError instanceof HttpError && sdkError.code === "BAD_CURSOR") this.#cursor = undefined;
        return { kind: "error", error: sdkError.code === "BAD_CURSOR" ? new SdkError("BAD_CURSOR", sdkError.message, { retryable: true, cause: sdkError }) : sdkError };
      } finally {
        clearTimeout(deadline);
        if (this.#abort === controller) this.#abort = undefined;
      }
    }
    return { kind: "ended" };
  }
}
