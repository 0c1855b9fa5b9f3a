import type { LeaderboardStreamEvents } from "./leaderboard-table.ts";
import type { SpectateEvents } from "./spectate.ts";

/**
 * Every SSE event the server writes, by name: the leaderboard streams'
 * (`snapshot`, `delta`) and spectating's (`state`, `finished`). The API's
 * event writer takes only these names with their payloads; the OpenAPI
 * document lists them per stream. Types only (browser-safe).
 */
export type SseEvents = LeaderboardStreamEvents & SpectateEvents;
export type SseEventName = keyof SseEvents;
