import { applyLeaderboardEvent, LeaderboardGapError, type LeaderboardStreamMessage, type LeaderboardTable } from "../shared/leaderboard-table.ts";
import { resolveBackoff, retryDelay, type BackoffOptions, type ResolvedBackoff } from "./backoff.ts";
import { ConnectionStateMachine, type ConnectionState, type StateChange, type StateReason } from "./connection-state.ts";
import { Emitter } from "./emitter.ts";
import { AuthError, HttpError, NetworkError, SdkError, toSdkError } from "./errors.ts";
import type { HttpClient, TokenSource } from "./http.ts";
import { pollUntilUpgrade, streamOnce, type AttemptHost, type AttemptOutcome } from "./leaderboard-attempts.ts";
import { reportListenerError } from "./logger.ts";
import { Sleeper, type FetchLike, type NetworkEvents } from "./platform.ts";
import { TransportPolicy, type LeaderboardTransport } from "./transport-policy.ts";

export type { LeaderboardTransport } from "./transport-policy.ts";

export interface LeaderboardSubscribeOptions {
  /** Rows kept live (1..100). @default 10 (the server's default) */
  top?: number;
  /** `current` (default), `all`, or a period key. */
  period?: string;
  /** Closes the subscription when it fires (reason `aborted`). */
  signal?: AbortSignal;
  /**
   * `auto` streams SSE and falls back to long polling when SSE fails,
   * is buffered or blocked, then tries SSE again later (transport-policy.ts);
   * the others pin one transport. @default "auto"
   */
  transport?: "auto" | LeaderboardTransport;
  /** The server's heartbeat period (STREAM_HEARTBEAT_MS). @default 15000 */
  heartbeatMs?: number;
  /** No bytes for `heartbeatMs × watchdogFactor` → the stream is dead: reconnect. @default 2.5 */
  watchdogFactor?: number;
  /**
   * SSE must bring its first bytes within this long of connecting (the server
   * sends `retry:` at once); otherwise a proxy buffers it: fall back at once. @default 4000
   */
  firstByteTimeoutMs?: number;
  /** SSE attempts in a row that fail before opening (CORS, resets, cut streams) before falling back. @default 3 */
  fallbackAfterFailures?: number;
  /** `wait` of each long poll, seconds (the server clamps it to 25). @default 25 */
  pollWaitSeconds?: number;
  /** After falling back, try SSE again after this many answered polls… @default 20 */
  upgradeAfterPolls?: number;
  /** …or this long, whichever comes first; doubled after each failed try. @default 120000 */
  upgradeAfterMs?: number;
  /** The longest wait between two SSE tries while SSE keeps failing. @default 1800000 */
  maxUpgradeAfterMs?: number;
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
  /** `fallback`: SSE failed, was buffered or blocked; `upgrade`: trying SSE again after polling. */
  reason: "fallback" | "upgrade";
  /** For a fallback: why SSE did not work. */
  error?: SdkError;
}

export interface LeaderboardSubscriptionEvents {
  state: StateChange;
  retry: LeaderboardRetryEvent;
  /** The transport changed (also readable as `subscription.transport`). */
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

type ResolvedOptions = Required<Omit<LeaderboardSubscribeOptions, "top" | "period" | "signal">> & Pick<LeaderboardSubscribeOptions, "top" | "period">;

/**
 * A live leaderboard (docs/protocol.md "Leaderboard streams"). Streams
 * `GET /v1/leaderboards/:id/stream` with fetch (so it can send
 * `Authorization` and `Last-Event-ID`), keeps the last event id and resumes
 * from it, and keeps a sorted table built with the shared
 * `applyLeaderboardEvent`. When SSE does not work (transport-policy.ts) it
 * long-polls `/changes?after=<the same cursor>` — same events, same handler,
 * no gap, no duplicate — and tries SSE again later. One state machine, one
 * backoff; the transport in use is `transport` and every switch a
 * `transport` event.
 */
export class LeaderboardSubscription {
  readonly boardId: string;
  readonly #deps: SubscriptionDeps;
  readonly #handler: LeaderboardHandler;
  readonly #options: ResolvedOptions;
  readonly #backoff: ResolvedBackoff;
  readonly #machine: ConnectionStateMachine;
  readonly #events: Emitter<LeaderboardSubscriptionEvents>;
  readonly #sleeper = new Sleeper();
  readonly #policy: TransportPolicy;
  readonly #onListenerError: (error: unknown) => void;
  readonly #host: AttemptHost;
  #table?: LeaderboardTable;
  #cursor?: string;
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
      transport: options.transport ?? "auto",
      heartbeatMs: options.heartbeatMs ?? 15_000,
      watchdogFactor: options.watchdogFactor ?? 2.5,
      firstByteTimeoutMs: options.firstByteTimeoutMs ?? 4000,
      fallbackAfterFailures: options.fallbackAfterFailures ?? 3,
      pollWaitSeconds: options.pollWaitSeconds ?? 25,
      upgradeAfterPolls: options.upgradeAfterPolls ?? 20,
      upgradeAfterMs: options.upgradeAfterMs ?? 120_000,
      maxUpgradeAfterMs: options.maxUpgradeAfterMs ?? 1_800_000,
      maxAttempts: options.maxAttempts ?? Infinity,
    };
    this.#policy = new TransportPolicy({ mode: this.#options.transport, ...this.#options });
    this.#backoff = resolveBackoff(deps.backoff);
    this.#onListenerError = deps.onListenerError ?? reportListenerError;
    this.#machine = new ConnectionStateMachine(deps.onListenerError);
    this.#events = new Emitter(deps.onListenerError);
    this.#machine.onChange((change) => this.#events.emit("state", change));
    this.#host = this.#makeHost();

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
    this.#machine.transition("connecting", "connect", { transport: this.transport });
    void this.#run();
  }

  get state(): ConnectionState {
    return this.#machine.state;
  }

  /** The local table (sorted by rank); undefined until the first snapshot. */
  get table(): LeaderboardTable | undefined {
    return this.#table;
  }

  /** The transport in use (or being tried): `sse` or `long-poll`. */
  get transport(): LeaderboardTransport {
    return this.#policy.transport;
  }

  /** The last event id applied (`epoch:version`): where a reconnect or a transport switch resumes. */
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
    this.#machine.transition("closed", reason, { transport: this.transport, ...(error ? { error } : {}) });
  }

  async #run(): Promise<void> {
    while (!this.#closing) {
      let outcome: AttemptOutcome;
      try {
        outcome = this.transport === "sse" ? await streamOnce(this.#host) : await pollUntilUpgrade(this.#host);
      } catch (error) {
        outcome = { kind: "error", error: toSdkError(error) };
      }
      if (this.#closing) return;
      let error: SdkError;
      switch (outcome.kind) {
        case "again":
          continue;
        case "upgrade":
          this.#policy.upgraded();
          this.#events.emit("transport", { from: "long-poll", to: "sse", reason: "upgrade" });
          if (this.#machine.state === "open") this.#machine.transition("reconnecting", "transport-upgrade", { transport: "sse" });
          continue;
        case "ended":
          // The server ended an open stream (lifetime rotation, drain): resume after a short jittered delay.
          this.#lost(new NetworkError("the stream ended"));
          await this.#sleeper.sleep(retryDelay(0, this.#backoff));
          continue;
        case "sse-failed":
          if (this.#policy.sseFailed(outcome.failure) === "fallback") {
            this.#policy.fellBack();
            this.#events.emit("transport", { from: "sse", to: "long-poll", reason: "fallback", error: outcome.error });
            continue; // poll at once from the same cursor: nothing is missed meanwhile
          }
          error = outcome.error;
          break;
        case "error":
          error = outcome.error;
          break;
      }
      if (error instanceof AuthError) return this.#close("unauthorized", error);
      if (!error.retryable) return this.#close("failed", error);
      if (this.#attempt >= this.#options.maxAttempts) {
        return this.#close("retries-exhausted", new SdkError("RETRIES_EXHAUSTED", `gave up after ${this.#attempt} attempts: ${error.message}`, { cause: error }));
      }
      this.#lost(error);
      const delayMs = retryDelay(this.#attempt, this.#backoff, error instanceof HttpError ? error.retryAfterMs : undefined);
      this.#events.emit("retry", { attempt: this.#attempt, delayMs, error, transport: this.transport });
      this.#attempt++;
      await this.#sleeper.sleep(delayMs);
    }
  }

  #lost(error: SdkError): void {
    const state = this.#machine.state;
    if (state === "open") this.#machine.transition("reconnecting", "transport-lost", { error, transport: this.transport });
    else if (state === "connecting") this.#machine.transition("reconnecting", "connect-failed", { error, transport: this.transport });
  }

  #markOpen(): void {
    this.#attempt = 0;
    this.#refreshed = false;
    if (this.transport === "sse") this.#policy.sseOpened();
    const state = this.#machine.state;
    if (state === "connecting") this.#machine.transition("open", "opened", { transport: this.transport });
    else if (state === "reconnecting") this.#machine.transition("open", "reconnected", { transport: this.transport });
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

  #makeHost(): AttemptHost {
    const self = this;
    const options = this.#options;
    return {
      boardId: this.boardId,
      http: this.#deps.http,
      fetch: this.#deps.fetch,
      heartbeatMs: options.heartbeatMs,
      watchdogFactor: options.watchdogFactor,
      firstByteTimeoutMs: options.firstByteTimeoutMs,
      pollWaitSeconds: options.pollWaitSeconds,
      get closing() {
        return self.#closing;
      },
      get cursor() {
        return self.#cursor;
      },
      query: () => ({ top: options.top, period: options.period }),
      token: async () => {
        if (!this.#refreshed) this.#token = await this.#deps.tokens.getToken({ reason: "connect" });
        return this.#token;
      },
      unauthorized: async (error) => {
        // One token refresh per connection; a second 401 is an AuthError.
        if (this.#refreshed) return { kind: "error", error: new AuthError(error.code, error.message, { status: 401, cause: error }) };
        this.#refreshed = true;
        this.#token = await this.#deps.tokens.getToken({ reason: "rejected", token: this.#token });
        return { kind: "again" };
      },
      apply: (message) => this.#apply(message),
      dropCursor: () => {
        this.#cursor = undefined;
      },
      adoptCursor: (cursor) => {
        this.#cursor = cursor;
      },
      opened: () => this.#markOpen(),
      shouldUpgrade: (polls, elapsedMs) => this.#policy.shouldUpgrade(polls, elapsedMs),
      setAbort: (controller) => {
        this.#abort = controller;
      },
    };
  }
}
