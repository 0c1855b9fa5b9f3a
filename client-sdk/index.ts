/**
 * The typed client SDK, whole: rooms, lobby, leaderboards, match results,
 * leagues (built for browsers as /sdk/client-sdk.js; the HTTP transports
 * alone are leaderboards-entry.ts, /sdk/leaderboards.js). Browser-safe:
 * imports only shared/ and @colyseus/sdk, and no zod (message schemas are
 * opt-in: validation.ts); platform objects (fetch, WebSocket, the `online`
 * event source) are injectable.
 */
export { createClient, type ArenaClient, type ClientOptions, type ClientRooms, type HandleOf, type RoomEntry } from "./client.ts";
export { createBaseClient, type BaseClient, type BaseClientOptions } from "./base-client.ts";
export { listenerErrorHandler, reportListenerError, type Logger, type LogLevel } from "./logger.ts";
export { LobbyConnection, type LobbyChange, type LobbyConnectionEvents, type LobbyEntry, type LobbyFilter, type LobbyOptions, type ListedRoom } from "./lobby.ts";
export { TransportPolicy, type SseFailure, type TransportPolicyOptions } from "./transport-policy.ts";
export { SeatWindow, type SeatChange, type SeatState } from "./rooms/seat-window.ts";
export { joinErrorFrom } from "./rooms/join-room.ts";
export { AuthClient, decodeJwtClaims, type AuthOptions, type GetToken, type TokenChange, type TokenGrant } from "./auth.ts";
export { HttpClient, type HttpResponse, type HttpRetryEvent, type RawRequestOptions, type TokenRequest, type TokenRequestReason, type TokenSource } from "./http.ts";
export type { ApiRoute, CallOptions } from "./http.ts";
export type {
  ApiRoutes,
  AuthMode,
  LeaderboardAroundOptions,
  LeaderboardTopOptions,
  LeaderboardPeriodOptions,
  MatchFeedOptions,
  MatchResultPollOptions,
  PathParams,
  PlayerMatchesOptions,
  RouteResponse,
} from "../shared/api/client-types.ts";
export type { LeaderboardChangesQuery } from "../shared/leaderboard-stream.ts";
export type { LeaderboardChangesResponse } from "../shared/leaderboard-table.ts";
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
export { MatchFeed, MatchesClient, type MatchFeedIteratorOptions, type WaitForResultOptions } from "./matches.ts";
export { SseParser, readSseBody, type SseEvent } from "./sse.ts";
export { SpectateConnection, type SpectateEvents, type SpectateHandler, type SpectateMessage, type SpectateOptions, type SpectateRetryEvent } from "./spectate.ts";
export { LeaguesClient } from "./leagues.ts";
export {
  DraftFeedSubscription,
  StandingsSubscription,
  type DraftFeedEvent,
  type DraftFeedEvents,
  type LeagueStreamOptions,
  type LeagueStreamRetryEvent,
  type StandingsEvents,
} from "./league-streams.ts";
/** The draft board's pure helpers (browser-safe): what `draftFeed` keeps its board with. */
export { applyDraftEvent, waitingBoard, DRAFT_CLOCK_EVENT, DRAFT_ORDER_EVENT } from "../shared/draft/board.ts";
export { DEFAULT_BACKOFF, backoffCeiling, backoffDelay, parseRetryAfter, retryDelay, type BackoffOptions } from "./backoff.ts";
export {
  CONNECTION_TRANSITIONS,
  ConnectionStateMachine,
  StateReasons,
  canTransition,
  transition,
  type ConnectionState,
  type StateChange,
  type StateReason,
} from "./connection-state.ts";
export {
  AuthError,
  ClientErrorCodes,
  HttpError,
  IllegalTransitionError,
  JoinError,
  NetworkError,
  RoomClosedError,
  RoomMessageError,
  SdkError,
  type ClientErrorCode,
  type SdkErrorCode,
} from "./errors.ts";
export { Emitter } from "./emitter.ts";
export type { FetchLike, NetworkEvents, Platform, PlatformOptions, WebSocketConstructor, WebSocketLike } from "./platform.ts";
export { defineRoom, type AnyRoomContract, type EventType, type EventsOf, type JoinOptionsOf, type MessageType, type PayloadOf, type RoomContract, type StateOf } from "../shared/rooms/define.ts";
export { RoomConnection, type RoomConnectOptions, type RoomConnectionEvents, type RoomCore, type RoomRetryEvent, type TokenRefreshEvent } from "./rooms/room-connection.ts";
export type { JoinRequest, MatchmakeMethod } from "./rooms/join-room.ts";
export { RoomHandle } from "./rooms/room-handle.ts";
export { projectRoomContracts, type ProjectRoomContracts } from "./rooms/project-rooms.ts";
export { TeamRoomHandle, type GameConnection, type MatchFoundEvent, type MatchFoundOptions, type TeamConnection } from "./rooms/team.ts";
export { DraftConnection, DraftRoomHandle, newPickId, type DraftPickOptions } from "./rooms/draft.ts";
export { getStateCallbacks, type Room, type SeatReservation } from "@colyseus/sdk";
/**
 * The contract itself (shared/): every type, and the values a game needs at
 * runtime — the state classes (GameState, TeamRoomState, DraftState, …),
 * the error and close-code tables, the leaderboard table logic, the message
 * names, the room contracts (`gameContract`, `roomContracts`, …).
 * Re-exported so a browser game needs one import. The zod schemas are
 * not (import them from shared/ or use validation.ts): they would put zod in
 * every bundle.
 */
export type * from "../shared/index.ts";
export * from "../shared/errors.ts";
export * from "../shared/close-codes.ts";
export * from "../shared/cors.ts";
export * from "../shared/leaderboard-table.ts";
export * from "../shared/lobby.ts";
export * from "../shared/game/state.ts";
export * from "../shared/team/state.ts";
export * from "../shared/draft/state.ts";
export * from "../shared/room-protocol.ts";
export * from "../shared/game/events.ts";
export * from "../shared/team/events.ts";
export * from "../shared/draft/events.ts";
export * from "../shared/rooms/index.ts";
