/**
 * The one reconnect delay policy shared by every transport (rooms, SSE,
 * long-poll, plain HTTP retries). Pure: the random source is an argument, so
 * tests check the distribution without timing anything.
 *
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"; the
 * same shape as centrifuge-js's `backoff()`): attempt `n` (0-based) waits a
 * uniformly random time in `[minMs, min(maxMs, minMs · factor^(n+1))]`. The
 * window grows exponentially until it reaches the cap; the randomness spreads
 * a crowd of clients that dropped at the same moment (a server restart) over
 * the whole window instead of having them return in lock-step.
 */
export interface BackoffOptions {
  /** Shortest delay and the base of the exponential window. @default 500 */
  minMs?: number;
  /** Longest delay (the cap). @default 20000 */
  maxMs?: number;
  /** Growth of the window per attempt. @default 2 */
  factor?: number;
  /**
   * Largest `Retry-After` the SDK honours; a longer one (a misconfigured
   * proxy) is clamped so a client is never parked for hours. @default 300000
   */
  maxRetryAfterMs?: number;
  /** Uniform random source in [0, 1). Injectable for tests. @default Math.random */
  random?: () => number;
}

export const DEFAULT_BACKOFF = {
  minMs: 500,
  maxMs: 20_000,
  factor: 2,
  maxRetryAfterMs: 300_000,
} as const;

export type ResolvedBackoff = Required<BackoffOptions>;

export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const minMs = options.minMs ?? DEFAULT_BACKOFF.minMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const factor = options.factor ?? DEFAULT_BACKOFF.factor;
  if (!(minMs >= 0) || !(maxMs >= minMs)) throw new RangeError(`backoff needs 0 <= minMs <= maxMs (got ${minMs}, ${maxMs})`);
  if (!(factor >= 1)) throw new RangeError(`backoff factor must be >= 1 (got ${factor})`);
  return {
    minMs,
    maxMs,
    factor,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_BACKOFF.maxRetryAfterMs,
    random: options.random ?? Math.random,
  };
}

/** Upper end of attempt `attempt`'s window: `min(maxMs, minMs · factor^(attempt+1))`. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const { minMs, maxMs, factor } = resolveBackoff(options);
  // Clamp the exponent: factor^k overflows to Infinity long before it matters, and min() handles Infinity anyway.
  const exponent = Math.min(Math.max(0, Math.floor(attempt)) + 1, 64);
  return Math.min(maxMs, minMs * factor ** exponent);
}

/** The delay before retry number `attempt` (0-based): full jitter in `[minMs, backoffCeiling(attempt)]`. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const resolved = resolveBackoff(options);
  const ceiling = backoffCeiling(attempt, resolved);
  const r = Math.min(Math.max(resolved.random(), 0), 1);
  // Clamped: floating-point rounding must never put a draw outside its window.
  return Math.min(ceiling, Math.max(resolved.minMs, resolved.minMs + r * (ceiling - resolved.minMs)));
}

/**
 * The delay before retry `attempt` when the server may have said how long to
 * wait: `Retry-After` is a floor (never retry sooner than the server asked),
 * the jittered backoff still applies on top of short floors.
 */
export function retryDelay(attempt: number, options: BackoffOptions = {}, retryAfterMs?: number): number {
  const resolved = resolveBackoff(options);
  const jittered = backoffDelay(attempt, resolved);
  if (retryAfterMs === undefined || !(retryAfterMs > 0)) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, resolved.maxRetryAfterMs));
}

/**
 * Parses a `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an
 * HTTP-date. Returns milliseconds from `nowMs`, or undefined when absent or
 * malformed.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP-dates always name a month (and usually a weekday); this keeps Date.parse's
  // leniency ("-3" is a year) out.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
