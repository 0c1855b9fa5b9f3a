import { retryDelay, type ResolvedBackoff } from "./backoff.ts";
import { ConnectionStateMachine, type ConnectionState, type StateChange, type StateReason } from "./connection-state.ts";
import { AuthError, HttpError, SdkError, toSdkError } from "./errors.ts";
import { Sleeper, type NetworkEvents } from "./platform.ts";

/**
 * The one reconnect loop of every SDK connection: room WebSockets
 * (rooms/room-connection.ts), leaderboard subscriptions (SSE or long polls)
 * and spectator streams. The connection supplies a *turn*: one attempt of
 * its transport, from connecting to that transport's end, which says what
 * comes next ({@link Turn}); the loop owns everything around it, the same
 * way for all three:
 *
 * - the state machine (connection-state.ts): `idle → connecting → open →
 *   reconnecting → closed`, each move a `{from, to, reason, transport}` event;
 * - what a failure means: an AuthError closes (`unauthorized`), a
 *   non-retryable error closes (`failed`), `maxRetries` failures in a row
 *   close (`retries-exhausted`); anything else waits the shared full-jitter
 *   backoff (backoff.ts) with `Retry-After` as its floor, then tries again;
 * - the wait itself: cut short by `wake()` (the platform's `online` event),
 *   cancelled by `close()`;
 * - transport ids, as centrifuge-js does: each attempt `begin()`s a new
 *   transport with its own id and AbortSignal; callbacks of a transport
 *   that is no longer the current one (replaced, or the loop closed) check
 *   `current` and do nothing;
 * - the cleanup on close (listeners of an AbortSignal and of `online`,
 *   whatever the connection registers with `onClose`).
 */
export type Turn =
  /** Go round again at once (a refreshed token, a transport switch, a plan change). */
  | { next: "again" }
  /**
   * The attempt failed with `error`: close if it is final, else back off and
   * try again. `fit` may shorten the wait (a room's seat window) or say
   * `lost` (no wait: the next turn deals with it).
   */
  | { next: "retry"; error: SdkError; fit?: (delayMs: number) => number | "lost" }
  /** Wait this long (not counted as a failure: an open transport ended in good order), then go again. */
  | { next: "pause"; ms: number }
  /** Closed for good. */
  | { next: "close"; reason: StateReason; error?: SdkError; closeCode?: number };

/** Reported before each backoff wait. */
export interface RetryInfo {
  /** Failed attempts in a row, this one included (1-based). */
  failures: number;
  delayMs: number;
  error: SdkError;
}

export interface ReconnectLoopOptions {
  backoff: ResolvedBackoff;
  /** Failed attempts in a row that are retried; one more closes with `retries-exhausted`. */
  maxRetries: number;
  /** The transport every state change names (`websocket`, `sse`, `long-poll`). */
  transport: () => string;
  onListenerError?: (error: unknown) => void;
  onRetry?: (retry: RetryInfo) => void;
}

/** One transport of the loop: its id, its AbortSignal (aborted on close), and whether it is still the current one. */
export interface TransportLease {
  readonly id: number;
  readonly signal: AbortSignal;
  readonly current: boolean;
  /** Aborts this transport's signal (its own deadline passed); the loop goes on. */
  abort(): void;
}

/** Why an open connection went back to `reconnecting`. */
export type LostReason = Extract<StateReason, "transport-lost" | "server-rejoin" | "token-expired" | "transport-upgrade">;

export class ReconnectLoop {
  readonly #options: ReconnectLoopOptions;
  readonly #machine: ConnectionStateMachine;
  readonly #sleeper = new Sleeper();
  readonly #cleanups: (() => void)[] = [];
  #failures = 0;
  #transportId = 0;
  #abort?: AbortController;
  #error?: SdkError;

  constructor(options: ReconnectLoopOptions) {
    this.#options = options;
    this.#machine = new ConnectionStateMachine(options.onListenerError);
  }

  get state(): ConnectionState {
    return this.#machine.state;
  }

  get closed(): boolean {
    return this.#machine.state === "closed";
  }

  /** Why it closed (the error given to `close`), once closed. */
  get error(): SdkError | undefined {
    return this.#error;
  }

  get backoff(): ResolvedBackoff {
    return this.#options.backoff;
  }

  onChange(listener: (change: StateChange) => void): () => void {
    return this.#machine.onChange(listener);
  }

  /** Runs `cleanup` when the loop closes, before the `closed` state change is emitted. */
  onClose(cleanup: () => void): void {
    this.#cleanups.push(cleanup);
  }

  /** `onAbort` when `signal` fires (until the loop closes). */
  watchSignal(signal: AbortSignal | undefined, onAbort: () => void): void {
    if (!signal) return;
    signal.addEventListener("abort", onAbort, { once: true });
    this.onClose(() => signal.removeEventListener("abort", onAbort));
  }

  /** The platform says the network is back: skip the rest of the backoff wait. */
  watchNetwork(network: NetworkEvents | undefined): void {
    if (!network) return;
    const onOnline = () => this.wake();
    network.addEventListener("online", onOnline);
    this.onClose(() => network.removeEventListener("online", onOnline));
  }

  /** idle → connecting, then turns until closed. */
  start(turn: () => Promise<Turn>): void {
    this.#transition("connecting", "connect");
    void this.#run(turn);
  }

  /** A new transport: the previous one's callbacks are stale from now on. */
  begin(): TransportLease {
    const controller = new AbortController();
    this.#abort = controller;
    const id = ++this.#transportId;
    const isCurrent = () => this.isCurrent(id);
    return {
      id,
      signal: controller.signal,
      get current() {
        return isCurrent();
      },
      abort: () => controller.abort(),
    };
  }

  isCurrent(id: number): boolean {
    return id === this.#transportId && !this.closed;
  }

  /** The transport works: connecting/reconnecting → open; the failure count starts over. */
  opened(): void {
    this.#failures = 0;
    const state = this.#machine.state;
    if (state === "connecting") this.#transition("open", "opened");
    else if (state === "reconnecting") this.#transition("open", "reconnected");
  }

  /** An open transport went away (open → reconnecting); a first attempt that failed is `connect-failed`. */
  lost(reason: LostReason, extra: { error?: SdkError; closeCode?: number } = {}): void {
    const state = this.#machine.state;
    if (state === "open") this.#transition("reconnecting", reason, extra);
    else if (state === "connecting") this.#transition("reconnecting", "connect-failed", extra);
  }

  /** Skips the rest of the current backoff wait (only while reconnecting). */
  wake(): void {
    if (this.#machine.state === "reconnecting") this.#sleeper.wake();
  }

  /** Aborts the current transport's signal and cancels a wait, without closing (a close is on its way). */
  interrupt(): void {
    this.#abort?.abort();
    this.#sleeper.cancel();
  }

  /** Closed for good: the current transport is aborted and stale, cleanups run, then the `closed` state change. */
  close(reason: StateReason, error?: SdkError, extra: { closeCode?: number } = {}): void {
    if (this.closed) return;
    this.#error = error;
    this.interrupt();
    this.#transportId++;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#transition("closed", reason, { ...(error ? { error } : {}), ...extra });
  }

  #transition(to: ConnectionState, reason: StateReason, extra: { error?: SdkError; closeCode?: number } = {}): void {
    this.#machine.transition(to, reason, { ...extra, transport: this.#options.transport() });
  }

  async #run(turn: () => Promise<Turn>): Promise<void> {
    while (!this.closed) {
      let next: Turn;
      try {
        next = await turn();
      } catch (error) {
        next = { next: "retry", error: toSdkError(error) };
      }
      if (this.closed) return;
      switch (next.next) {
        case "again":
          continue;
        case "pause":
          await this.#sleeper.sleep(next.ms);
          continue;
        case "close":
          this.close(next.reason, next.error, next.closeCode === undefined ? {} : { closeCode: next.closeCode });
          return;
        case "retry":
          await this.#retry(next.error, next.fit);
          continue;
      }
    }
  }

  async #retry(error: SdkError, fit?: (delayMs: number) => number | "lost"): Promise<void> {
    if (error instanceof AuthError) return this.close("unauthorized", error);
    if (!error.retryable) return this.close("failed", error);
    this.#failures++;
    if (this.#failures > this.#options.maxRetries) {
      return this.close("retries-exhausted", new SdkError("RETRIES_EXHAUSTED", `gave up after ${this.#failures} failed attempts in a row: ${error.message}`, { cause: error }));
    }
    this.lost("transport-lost", { error });
    let delayMs = retryDelay(this.#failures - 1, this.#options.backoff, error instanceof HttpError ? error.retryAfterMs : undefined);
    if (fit) {
      const fitted = fit(delayMs);
      if (fitted === "lost") return;
      delayMs = fitted;
    }
    this.#options.onRetry?.({ failures: this.#failures, delayMs, error });
    await this.#sleeper.sleep(delayMs);
  }
}
