import { applyLeaderboardEvent, eventEpoch, LeaderboardGapError, type LeaderboardStreamMessage, type LeaderboardTable } from "../shared/leaderboard-table.ts";
import { resolveBackoff, retryDelay } from "./backoff.ts";
import type { ConnectionState } from "./connection-state.ts";
import { Emitter } from "./emitter.ts";
import { NetworkError, SdkError } from "./errors.ts";
import { pollUntilUpgrade, streamOnce, type AttemptHost, type AttemptOutcome } from "./leaderboard-attempts.ts";
import {
  resolveSubscribeOptions,
  type LeaderboardHandler,
  type LeaderboardSubscribeOptions,
  type LeaderboardSubscriptionEvents,
  type ResolvedSubscribeOptions,
  type SubscriptionDeps,
} from "./leaderboard-options.ts";
import { reportListenerError } from "./logger.ts";
import { ReconnectLoop, type Turn } from "./reconnect-loop.ts";
import { StreamToken } from "./sse-transport.ts";
import { TransportPolicy, type LeaderboardTransport } from "./transport-policy.ts";

export type {
  LeaderboardHandler,
  LeaderboardRetryEvent,
  LeaderboardSubscribeOptions,
  LeaderboardSubscriptionEvents,
  LeaderboardTransport,
  LeaderboardTransportChange,
  SubscriptionDeps,
} from "./leaderboard-options.ts";

/**
 * A live leaderboard (docs/protocol.md "Leaderboard streams"). Streams
 * `GET /v1/leaderboards/:id/stream` over the SDK's SSE transport
 * (sse-transport.ts: `Authorization`, `Last-Event-ID`, heartbeat watchdog),
 * keeps the last event id and resumes from it, and keeps a sorted table built
 * with the shared `applyLeaderboardEvent`. When SSE does not work
 * (transport-policy.ts) it long-polls `/changes?after=<the same cursor>` —
 * same events, same handler, no gap, no duplicate — and tries SSE again
 * later. One reconnect loop (reconnect-loop.ts: state machine, backoff,
 * transport ids); the transport in use is `transport` and every switch a
 * `transport` event.
 */
export class LeaderboardSubscription {
  readonly boardId: string;
  readonly #deps: SubscriptionDeps;
  readonly #handler: LeaderboardHandler;
  readonly #options: ResolvedSubscribeOptions;
  readonly #loop: ReconnectLoop;
  readonly #events: Emitter<LeaderboardSubscriptionEvents>;
  readonly #policy: TransportPolicy;
  readonly #onListenerError: (error: unknown) => void;
  readonly #token: StreamToken;
  readonly #host: AttemptHost;
  #table?: LeaderboardTable;
  #cursor?: string;

  constructor(deps: SubscriptionDeps, boardId: string, options: LeaderboardSubscribeOptions, handler: LeaderboardHandler) {
    this.boardId = boardId;
    this.#deps = deps;
    this.#handler = handler;
    this.#options = resolveSubscribeOptions(options);
    this.#policy = new TransportPolicy({ mode: this.#options.transport, ...this.#options });
    this.#onListenerError = deps.onListenerError ?? reportListenerError;
    this.#token = new StreamToken(deps.tokens);
    this.#events = new Emitter(deps.onListenerError);
    this.#loop = new ReconnectLoop({
      backoff: resolveBackoff(deps.backoff),
      maxRetries: this.#options.maxAttempts,
      transport: () => this.transport,
      onListenerError: deps.onListenerError,
      onRetry: ({ failures, delayMs, error }) => this.#events.emit("retry", { attempt: failures - 1, delayMs, error, transport: this.transport }),
    });
    this.#loop.onChange((change) => this.#events.emit("state", change));
    this.#host = this.#makeHost();
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
    return this.#loop.error;
  }

  on<K extends keyof LeaderboardSubscriptionEvents>(event: K, listener: (payload: LeaderboardSubscriptionEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Ends the subscription for good (state `closed`, reason `client-close`). */
  close(): void {
    this.#loop.close("client-close");
  }

  /** One attempt of the transport in use, and what it means for the loop. */
  async #turn(): Promise<Turn> {
    const outcome: AttemptOutcome = this.transport === "sse" ? await streamOnce(this.#host) : await pollUntilUpgrade(this.#host);
    switch (outcome.kind) {
      case "again":
        return { next: "again" };
      case "upgrade":
        this.#policy.upgraded();
        this.#events.emit("transport", { from: "long-poll", to: "sse", reason: "upgrade" });
        if (this.#loop.state === "open") this.#loop.lost("transport-upgrade");
        return { next: "again" };
      case "ended":
        // The server ended an open stream (lifetime rotation, drain): resume after a short jittered delay.
        this.#loop.lost("transport-lost", { error: new NetworkError("the stream ended") });
        return { next: "pause", ms: retryDelay(0, this.#loop.backoff) };
      case "sse-failed":
        if (this.#policy.sseFailed(outcome.failure) === "fallback") {
          this.#policy.fellBack();
          this.#events.emit("transport", { from: "sse", to: "long-poll", reason: "fallback", error: outcome.error });
          return { next: "again" }; // poll at once from the same cursor: nothing is missed meanwhile
        }
        return { next: "retry", error: outcome.error };
      case "error":
        return { next: "retry", error: outcome.error };
    }
  }

  #opened(): void {
    this.#token.opened();
    if (this.transport === "sse") this.#policy.sseOpened();
    this.#loop.opened();
  }

  /** Applies one event (duplicates are skipped); a gap drops the cursor so the next connect brings a snapshot. */
  #apply(message: LeaderboardStreamMessage): void {
    const table = this.#table;
    if (message.event === "delta" && table && eventEpoch(message.id) === table.epoch && message.data.version <= table.version) {
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
      timings: options,
      token: this.#token,
      get closing() {
        return self.#loop.closed;
      },
      get cursor() {
        return self.#cursor;
      },
      begin: () => this.#loop.begin(),
      query: () => ({ top: options.top, period: options.period }),
      apply: (message) => this.#apply(message),
      dropCursor: () => {
        this.#cursor = undefined;
      },
      adoptCursor: (cursor) => {
        this.#cursor = cursor;
      },
      opened: () => this.#opened(),
      shouldUpgrade: (polls, elapsedMs) => this.#policy.shouldUpgrade(polls, elapsedMs),
    };
  }
}
