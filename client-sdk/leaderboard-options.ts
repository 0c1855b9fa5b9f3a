import type { LeaderboardStreamMessage, LeaderboardTable } from "../shared/leaderboard-table.ts";
import type { BackoffOptions } from "./backoff.ts";
import type { StateChange } from "./connection-state.ts";
import type { SdkError } from "./errors.ts";
import type { HttpClient, TokenSource } from "./http.ts";
import type { FetchLike, NetworkEvents } from "./platform.ts";
import { STREAM_DEFAULTS } from "./sse-transport.ts";
import type { LeaderboardTransport } from "./transport-policy.ts";

export type { LeaderboardTransport } from "./transport-policy.ts";

/** Options of `client.leaderboards.subscribe` (the defaults are `SUBSCRIBE_DEFAULTS`). */
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
  /** A long poll silent for `pollWaitSeconds` plus this long is dead (proxies, sleeping laptops): poll again. @default 10000 */
  pollSlackMs?: number;
  /** After falling back, try SSE again after this many answered polls… @default 20 */
  upgradeAfterPolls?: number;
  /** …or this long, whichever comes first; doubled after each failed try. @default 120000 */
  upgradeAfterMs?: number;
  /** The longest wait between two SSE tries while SSE keeps failing. @default 1800000 */
  maxUpgradeAfterMs?: number;
  /** Retries in a row before giving up (`retries-exhausted`). @default Infinity */
  maxAttempts?: number;
}

/** The default of each option of {@link LeaderboardSubscribeOptions}. */
export const SUBSCRIBE_DEFAULTS = {
  transport: "auto",
  heartbeatMs: STREAM_DEFAULTS.heartbeatMs,
  watchdogFactor: STREAM_DEFAULTS.watchdogFactor,
  firstByteTimeoutMs: 4000,
  fallbackAfterFailures: 3,
  pollWaitSeconds: 25,
  pollSlackMs: 10_000,
  upgradeAfterPolls: 20,
  upgradeAfterMs: 120_000,
  maxUpgradeAfterMs: 1_800_000,
  maxAttempts: Infinity,
} as const satisfies Required<Omit<LeaderboardSubscribeOptions, "top" | "period" | "signal">>;

export type ResolvedSubscribeOptions = Required<Omit<LeaderboardSubscribeOptions, "top" | "period" | "signal">> &
  Pick<LeaderboardSubscribeOptions, "top" | "period">;

export function resolveSubscribeOptions(options: LeaderboardSubscribeOptions): ResolvedSubscribeOptions {
  const d = SUBSCRIBE_DEFAULTS;
  return {
    top: options.top,
    period: options.period,
    transport: options.transport ?? d.transport,
    heartbeatMs: options.heartbeatMs ?? d.heartbeatMs,
    watchdogFactor: options.watchdogFactor ?? d.watchdogFactor,
    firstByteTimeoutMs: options.firstByteTimeoutMs ?? d.firstByteTimeoutMs,
    fallbackAfterFailures: options.fallbackAfterFailures ?? d.fallbackAfterFailures,
    pollWaitSeconds: options.pollWaitSeconds ?? d.pollWaitSeconds,
    pollSlackMs: options.pollSlackMs ?? d.pollSlackMs,
    upgradeAfterPolls: options.upgradeAfterPolls ?? d.upgradeAfterPolls,
    upgradeAfterMs: options.upgradeAfterMs ?? d.upgradeAfterMs,
    maxUpgradeAfterMs: options.maxUpgradeAfterMs ?? d.maxUpgradeAfterMs,
    maxAttempts: options.maxAttempts ?? d.maxAttempts,
  };
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
