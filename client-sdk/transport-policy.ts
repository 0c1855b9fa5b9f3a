/**
 * When a live leaderboard subscription streams (SSE) and when it long-polls
 * (`/changes`): a pure policy, driven by what each attempt reported, so it
 * can be tested without a network and read in one place. "Start with what
 * works, upgrade as needed", decided by the SDK instead of by each game.
 *
 * SSE → long polling (`fallback`):
 * - at once when SSE is *buffered* (the answer came, but no bytes within the
 *   first-byte deadline: a proxy holding the stream) or *blocked* (a proxy's
 *   status such as 502/504, or a content type other than
 *   `text/event-stream`);
 * - after `fallbackAfterFailures` SSE attempts in a row that failed before
 *   the stream opened (a CORS refusal, a network that resets streams, a
 *   stream cut before its first bytes) or that died silently (heartbeat
 *   missed);
 * - at once when a probe (below) fails in any of these ways.
 *
 * Long polling → SSE (`upgrade`): after `upgradeAfterPolls` answered polls
 * or `upgradeAfterMs`, whichever first, one SSE attempt is made (a probe).
 * Each probe that fails doubles the wait before the next one, up to
 * `maxUpgradeAfterMs`; a stream that opens resets it.
 *
 * Errors the server itself answers with a code (429 TOO_MANY_STREAMS, 503
 * DRAINING, …) say nothing about the transport: they are retried on the same
 * transport with backoff and never count toward a fallback.
 */
export type LeaderboardTransport = "sse" | "long-poll";

/** How an SSE attempt failed, as far as the transport choice is concerned. */
export type SseFailure =
  /** The answer (or the request) brought no bytes within the first-byte deadline. */
  | "buffered"
  /** A proxy's status or a content type that is not an event stream. */
  | "blocked"
  /** The request failed or the stream died before or without its first bytes, or went silent. */
  | "network";

export interface TransportPolicyOptions {
  /** `auto` switches as described; the others pin one transport. */
  mode: "auto" | LeaderboardTransport;
  fallbackAfterFailures: number;
  upgradeAfterPolls: number;
  upgradeAfterMs: number;
  maxUpgradeAfterMs: number;
}

export type PolicyDecision = "retry" | "fallback";

export class TransportPolicy {
  readonly #options: TransportPolicyOptions;
  #transport: LeaderboardTransport;
  #sseFailures = 0;
  /** The current SSE attempt is a probe made from long polling. */
  #probing = false;
  #upgradeAfterMs: number;

  constructor(options: TransportPolicyOptions) {
    if (!(options.fallbackAfterFailures >= 1)) throw new RangeError(`fallbackAfterFailures must be >= 1 (got ${options.fallbackAfterFailures})`);
    this.#options = options;
    this.#transport = options.mode === "long-poll" ? "long-poll" : "sse";
    this.#upgradeAfterMs = options.upgradeAfterMs;
  }

  get transport(): LeaderboardTransport {
    return this.#transport;
  }

  /** SSE failures in a row so far (reset when a stream opens). */
  get sseFailures(): number {
    return this.#sseFailures;
  }

  /** How long the current long-poll phase lasts before the next SSE probe. */
  get upgradeAfterMs(): number {
    return this.#upgradeAfterMs;
  }

  /** An SSE stream opened (its first bytes arrived). */
  sseOpened(): void {
    this.#sseFailures = 0;
    if (this.#probing) this.#upgradeAfterMs = this.#options.upgradeAfterMs;
    this.#probing = false;
  }

  /** An SSE attempt failed; `fallback` means: switch to long polling now (the caller then calls `fellBack()`). */
  sseFailed(failure: SseFailure): PolicyDecision {
    this.#sseFailures++;
    if (this.#options.mode !== "auto") return "retry";
    if (this.#probing) return "fallback";
    if (failure === "buffered" || failure === "blocked") return "fallback";
    return this.#sseFailures >= this.#options.fallbackAfterFailures ? "fallback" : "retry";
  }

  /** Now long polling. A failed probe makes the next one wait twice as long. */
  fellBack(): void {
    if (this.#probing) this.#upgradeAfterMs = Math.min(this.#upgradeAfterMs * 2, this.#options.maxUpgradeAfterMs);
    this.#probing = false;
    this.#sseFailures = 0;
    this.#transport = "long-poll";
  }

  /** Whether the long-poll phase is over (auto mode only). */
  shouldUpgrade(answeredPolls: number, elapsedMs: number): boolean {
    if (this.#options.mode !== "auto") return false;
    return answeredPolls >= this.#options.upgradeAfterPolls || elapsedMs >= this.#upgradeAfterMs;
  }

  /** Trying SSE again: the next SSE attempt is a probe. */
  upgraded(): void {
    this.#transport = "sse";
    this.#probing = true;
    this.#sseFailures = 0;
  }
}
