import type { SeatReservation } from "@colyseus/sdk";
import type { GameSide } from "../game/state.ts";
import type { MatchMode } from "./messages.ts";

/*
 * The `team` room's server → client messages: names and payloads. Zod-free,
 * so the SDK's browser bundles import it at run time (the client → server
 * schemas are in messages.ts).
 */

/** Server → client messages of the `team` room (besides the common `error`, `auth.*`). */
export const TeamServerMessage = {
  /** `MatchFoundMessage`, to each member of a matched team: their own seat in the game room. */
  MATCH_FOUND: "matchFound",
} as const;

/** A seat in a game room, as Colyseus's matchmaker issues it (`client.consumeSeatReservation` takes it). */
export type MatchSeatReservation = SeatReservation;

export interface MatchTeamInfo {
  name: string;
  teamId?: string;
}

export interface MatchFoundMessage {
  matchId: string;
  mode: MatchMode;
  /** The `game` room to join (spectators may join it by id). */
  roomId: string;
  /** The member's side in that game. */
  side: GameSide;
  teams: Record<GameSide, MatchTeamInfo>;
  /**
   * The member's seat: pass it to `client.consumeSeatReservation(reservation, GameState)`
   * within the game room's seat reservation time (15 s by default).
   */
  reservation: MatchSeatReservation;
}

/** Server → client events of the `team` room, payload by type (for typed SDK handles). */
export interface TeamEvents {
  [TeamServerMessage.MATCH_FOUND]: MatchFoundMessage;
}
