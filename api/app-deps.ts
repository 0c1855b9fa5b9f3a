import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ReadinessResponse, TokenIssuer } from "../shared/index.ts";
import type { Stores } from "../store/index.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { LongPollOptions } from "./long-poll/result-waker.ts";
import type { HttpObserver } from "./middleware/request-context.ts";
import type { TrustProxy } from "./middleware/client-ip.ts";
import type { StreamOptions } from "./routes/leaderboard-streams.ts";

/** Somewhere to put one latency, in seconds (a histogram of the composition root's). */
export interface LatencyRecorder {
  observe(seconds: number): void;
}

/** A raw Node handler mounted under a path prefix (e.g. Colyseus's `/matchmake/`). */
export interface RawMount {
  prefix: string;
  /** Label for metrics and logs. */
  label: string;
  /** Calls `next()` when it does not handle the request. */
  handle: (req: IncomingMessage, res: ServerResponse, next: () => void) => Promise<void> | void;
  /** Which requests are join attempts (counted against `joinAttemptsPerMinute`). */
  isJoinAttempt?: (method: string, path: string) => boolean;
}

export interface ApiOptions {
  bodyLimitBytes: number;
  corsOrigins: "*" | string[];
  /** Who may set the client address in X-Forwarded-For (TRUST_PROXY; see client-ip.ts). */
  trustProxy: TrustProxy;
  /** Leaderboard streams (SSE and the changes long poll). Defaults in server/config.ts. */
  streams?: StreamOptions & {
    history: number;
    /** Streams from one IP, whatever its tokens (STREAMS_PER_IP). Unset: none. */
    perIp?: number;
    /** Streams on this process (STREAMS_MAX). Unset: none. */
    max?: number;
    /** Live board publishers (STREAM_PUBLISHERS_MAX). @default 1000 */
    publishersMax?: number;
    /** How long an unwatched publisher lingers (STREAM_PUBLISHER_LINGER_MS). @default 60000 */
    publisherLingerMs?: number;
  };
  /** Match-result long polls. */
  polls?: LongPollOptions;
  /** The leaderboard page's folder (web/); not served when unset. */
  webRoot?: string;
  /** The SDK's browser build (web/dist/sdk, scripts/build-sdk.ts), served under /sdk/; not served when unset. */
  sdkRoot?: string;
  /**
   * Join attempts (matchmaking joins of mounts that mark them, league joins
   * by invite code) per player, or per IP without a valid token. Unset: no limit.
   */
  joinAttemptsPerMinute?: number;
  /** Guest sign-ins per client IP per minute. Unset: no limit. */
  guestSignupsPerMinute?: number;
}

export interface AppDeps {
  options: ApiOptions;
  logger: Logger;
  tokens: TokenIssuer;
  newPlayerId: () => string;
  registry: Registry;
  http: HttpObserver;
  /**
   * Where streams and polls record their server-side latencies (server/metrics.ts):
   * `sse_change_to_write_seconds`, `longpoll_result_to_answer_seconds`. Unset: not measured.
   */
  latency?: { sseChangeToWrite?: LatencyRecorder; longPollResultToAnswer?: LatencyRecorder };
  readiness: () => Promise<ReadinessResponse>;
  /** Draining state and drain hooks (streams and polls register theirs). */
  lifecycle: Lifecycle;
  startedAt: number;
  mounts?: RawMount[];
  /**
   * Store interfaces (api never imports rooms; rooms and api meet in the
   * stores). Without them (unit tests of the app shell) the leaderboard and
   * admin routes are not mounted.
   */
  stores?: Pick<Stores, "leaderboards" | "results" | "rosters" | "notifications" | "spectators"> & Partial<Pick<Stores, "leagues" | "draftFeed">>;
  /** `X-Admin-Key` for /v1/admin/*. Required with `stores`. */
  adminKey?: string;
}
