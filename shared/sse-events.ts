import type { DraftBoard } from "./draft/board.ts";
import type { LeagueStandings } from "./fantasy-standings.ts";
import type { LeaderboardStreamEvents } from "./leaderboard-table.ts";
import type { SpectateEvents } from "./spectate.ts";

/**
 * A fantasy league's streams: the standings stream's `standings`; the draft
 * stream's `board` snapshot and every draft feed event under its own name
 * (`draft.picked`, `draft.clock`, …: the draft room's events, shared/draft/events.ts).
 */
export interface LeagueStreamEvents {
  standings: LeagueStandings;
  board: DraftBoard;
  [feedEvent: `draft.${string}`]: unknown;
}

/**
 * Every SSE event the server writes, by name: the leaderboard streams'
 * (`snapshot`, `delta`), spectating's (`state`, `finished`) and the leagues'
 * (`standings`, `board`, `draft.*`). The API's
 * event writer takes only these names with their payloads; the OpenAPI
 * document lists them per stream. Types only (browser-safe).
 */
export type SseEvents = LeaderboardStreamEvents & SpectateEvents & LeagueStreamEvents;
export type SseEventName = keyof SseEvents;
