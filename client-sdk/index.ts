/**
 * The typed client SDK, whole: rooms, lobby, leaderboards, match results,
 * leagues (built for browsers as /sdk/client-sdk.js; the HTTP transports
 * alone are leaderboards-entry.ts, /sdk/leaderboards.js). Browser-safe:
 * imports only shared/ and @colyseus/sdk, and no zod (message schemas are
 * opt-in: validation.ts); platform objects (fetch, WebSocket, the `online`
 * event source) are injectable.
 *
 * Everything the HTTP-only entry (leaderboards-entry.ts) exports is exported
 * here too (re-exported from it, so the two lists never drift apart).
 */
export * from "./leaderboards-entry.ts";
export { createBaseClient, type BaseClient, type BaseClientOptions } from "./base-client.ts";
export { createClient, type ArenaClient, type ClientOptions, type ClientRooms, type HandleOf, type RoomEntry } from "./client.ts";
export { LobbyConnection, type LobbyChange, type LobbyConnectionEvents, type LobbyEntry, type LobbyFilter, type LobbyOptions, type ListedRoom } from "./lobby.ts";
export type { TransportPolicyOptions } from "./transport-policy.ts";
export { SeatWindow, type SeatChange, type SeatState } from "./rooms/seat-window.ts";
export { joinErrorFrom } from "./rooms/join-room.ts";
export type { LeaderboardChangesResponse } from "../shared/leaderboard-table.ts";
export { LeaguesClient } from "./leagues.ts";
export { IllegalTransitionError, JoinError, RoomClosedError, RoomMessageError } from "./errors.ts";
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
export { Emitter } from "./emitter.ts";
export type { WebSocketConstructor, WebSocketLike } from "./platform.ts";
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
