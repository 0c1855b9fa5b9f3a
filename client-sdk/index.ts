/**
 * The typed client SDK (DESIGN §9, issue 9). Browser-safe: imports only
 * shared/ and @colyseus/sdk; platform objects (fetch, WebSocket, the
 * `online` event source) are injectable.
 */
export { createClient, type ArenaClient, type ClientOptions, type ClientRooms, type HandleOf, type RoomEntry } from "./client.ts";
export { AuthClient, decodeJwtClaims, type AuthOptions, type GetToken, type TokenChange, type TokenGrant } from "./auth.ts";
export { HttpClient, type HttpResponse, type HttpRetryEvent, type RawRequestOptions, type TokenRequest, type TokenRequestReason, type TokenSource } from "./http.ts";
export type { ApiRoute, ApiRoutes, AuthMode, CallOptions, LeaderboardAroundOptions, LeaderboardTopOptions, LeaderboardPeriodOptions, PathParams, RouteResponse } from "./api-routes.ts";
export { LeaderboardsClient } from "./leaderboards.ts";
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
export { defineRoom, type AnyRoomContract, type EventType, type EventsOf, type JoinOptionsOf, type MessageType, type PayloadOf, type RoomContract, type StateOf } from "./rooms/contract.ts";
export { RoomConnection, type RoomConnectOptions, type RoomConnectionEvents, type RoomCore, type RoomRetryEvent, type TokenRefreshEvent } from "./rooms/room-connection.ts";
export type { JoinRequest, MatchmakeMethod } from "./rooms/colyseus-adapter.ts";
export { RoomHandle } from "./rooms/room-handle.ts";
export { projectRoomContracts, type ProjectRoomContracts } from "./rooms/project-rooms.ts";
export { getStateCallbacks, type Room, type SeatReservation } from "@colyseus/sdk";
/**
 * The contract itself (shared/): state classes such as GameState, message
 * schemas, DTO types, error and close-code tables. Re-exported so a browser
 * game needs one import (the bundle); the SDK's own names above win over any
 * clash.
 */
export * from "../shared/index.ts";
