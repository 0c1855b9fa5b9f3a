/**
 * The SDK's HTTP transports alone, for pages that show boards and results
 * without joining rooms (built for browsers as /sdk/leaderboards.js; the
 * bundled leaderboard page uses it): auth, leaderboard reads and live
 * subscriptions (SSE with the long-poll fallback), match results (long
 * polling, the feed, spectating over SSE). No Colyseus, no schema, no
 * msgpack, no zod. The same classes as the full SDK (index.ts); use one
 * entry per page, not both (each bundle has its own copy of the classes).
 */
import { createBaseClient, type BaseClient, type BaseClientOptions } from "./base-client.ts";

export type LeaderboardsClientOptions = BaseClientOptions;
export type LeaderboardsOnlyClient = BaseClient;

/**
 * ```ts
 * const client = createLeaderboardsClient({ url: "https://api.example.com" });
 * const board = client.leaderboards.subscribe("goals", { top: 10 }, (message, table) => render(table));
 * board.on("transport", ({ to }) => console.log("now over", to)); // "sse" | "long-poll"
 * ```
 */
export function createLeaderboardsClient(options: LeaderboardsClientOptions): LeaderboardsOnlyClient {
  const { onListenerError: _onListenerError, ...client } = createBaseClient(options);
  return client;
}

export { AuthClient, decodeJwtClaims, type AuthOptions, type GetToken, type TokenChange, type TokenGrant } from "./auth.ts";
export { HttpClient, type ApiRoute, type CallOptions, type HttpResponse, type HttpRetryEvent, type RawRequestOptions, type TokenRequest, type TokenRequestReason, type TokenSource } from "./http.ts";
export type { ApiRoutes, AuthMode, LeaderboardAroundOptions, LeaderboardTopOptions, LeaderboardPeriodOptions, MatchFeedOptions, MatchResultPollOptions, PathParams, PlayerMatchesOptions, RouteResponse } from "../shared/api/client-types.ts";
export type { LeaderboardChangesQuery } from "../shared/leaderboard-stream.ts";
export { LeaderboardsClient } from "./leaderboards.ts";
export {
  LeaderboardSubscription,
  type LeaderboardHandler,
  type LeaderboardRetryEvent,
  type LeaderboardSubscribeOptions,
  type LeaderboardSubscriptionEvents,
  type LeaderboardTransport,
  type LeaderboardTransportChange,
} from "./leaderboard-subscription.ts";
export { TransportPolicy, type SseFailure } from "./transport-policy.ts";
export { MatchFeed, MatchesClient, type MatchFeedIteratorOptions, type WaitForResultOptions } from "./matches.ts";
export { SpectateConnection, type SpectateEvents, type SpectateHandler, type SpectateMessage, type SpectateOptions, type SpectateRetryEvent } from "./spectate.ts";
export { SseParser, readSseBody, type SseEvent } from "./sse.ts";
export { DEFAULT_BACKOFF, backoffCeiling, backoffDelay, parseRetryAfter, retryDelay, type BackoffOptions } from "./backoff.ts";
export { CONNECTION_TRANSITIONS, ConnectionStateMachine, StateReasons, canTransition, transition, type ConnectionState, type StateChange, type StateReason } from "./connection-state.ts";
export { AuthError, ClientErrorCodes, HttpError, NetworkError, SdkError, type ClientErrorCode, type SdkErrorCode } from "./errors.ts";
export { listenerErrorHandler, reportListenerError, type Logger, type LogLevel } from "./logger.ts";
export type { FetchLike, NetworkEvents, Platform, PlatformOptions } from "./platform.ts";
export * from "../shared/errors.ts";
export * from "../shared/leaderboard-table.ts";
export type * from "../shared/leaderboards.ts";
export type * from "../shared/match-result.ts";
export type * from "../shared/match-polling.ts";
export type * from "../shared/spectate.ts";
export type * from "../shared/auth.ts";
