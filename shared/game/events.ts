import type { MatchResult } from "../match-result.ts";
import type { GameSide } from "./state.ts";

/*
 * The `game` room's server → client messages: names and payloads. Zod-free,
 * so the SDK's browser bundles import it at run time (the client → server
 * schemas are in messages.ts).
 */

/** Server → client messages of the `game` room (besides the common `error`, `auth.*`). */
export const GameServerMessage = {
  /** `GoalMessage`, to everyone, when a goal is scored. */
  GOAL: "goal",
  /** `MatchFinishedMessage`, to everyone, once, when the match ends. */
  FINISHED: "match.finished",
} as const;

export interface GoalMessage {
  /** The side that scored. */
  side: GameSide;
  /** Player id of the scorer; absent for an own goal. */
  scorerId?: string;
  assistId?: string;
  ownGoal: boolean;
  score: Record<GameSide, number>;
}

export type MatchEndReason = "time" | "forfeit";

export interface MatchFinishedMessage {
  reason: MatchEndReason;
  /** The immutable result the room records (also readable later from the results store). */
  result: MatchResult;
}

/** Server → client events of the `game` room, payload by type (for typed SDK handles). */
export interface GameEvents {
  [GameServerMessage.GOAL]: GoalMessage;
  [GameServerMessage.FINISHED]: MatchFinishedMessage;
}
