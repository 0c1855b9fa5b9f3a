import type { RecordedMatchResult } from "./match-result.ts";

/**
 * Spectating a live match without a WebSocket (docs/protocol.md "Spectating over SSE"):
 * `GET /v1/matches/:id/spectate` is an SSE stream of `state` events (the
 * game room's state as JSON, at SPECTATE_RATE_HZ) and one final `finished`
 * event with the recorded result, after which the server ends the stream.
 * Frames are not resumable: a reconnecting viewer simply gets the next one.
 */
export const SpectateEvent = {
  STATE: "state",
  FINISHED: "finished",
} as const satisfies Record<string, keyof SpectateEvents>;

export interface SpectateStateEvent {
  matchId: string;
  /** Increases by one per frame of this room. */
  seq: number;
  /** Server time (ms) the frame was taken. */
  ts: number;
  /** The game state (shared/game GameState) as JSON: positions in centimetres. */
  state: Record<string, unknown>;
}

export interface SpectateFinishedEvent {
  matchId: string;
  result: RecordedMatchResult;
}

/** The spectate stream's SSE events: event name → payload (`data`). The server's writer and the SDK's reader are typed by it. */
export interface SpectateEvents {
  state: SpectateStateEvent;
  finished: SpectateFinishedEvent;
}

/** What a spectator's handler gets (docs/protocol.md "Spectating over SSE"). */
export type SpectateMessage = { [E in keyof SpectateEvents]: { event: E; data: SpectateEvents[E] } }[keyof SpectateEvents];
