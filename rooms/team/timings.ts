import { TEAM_LIMITS } from "../../shared/index.ts";

/** Named limits of the team room's bookkeeping (the player-facing ones are TEAM_LIMITS in shared/). */
export const TEAM_ROOM_TIMINGS = {
  /** A code's lease in the store; renewed every third of it while the room lives. */
  codeLeaseMs: 60_000,
  /** New codes have this many characters (longer only when these collide). */
  codeLength: 5,
  /** Random codes tried per length before a longer one. */
  codeAttemptsPerLength: 5,
  /** A match found but never delivered (its maker died) puts the team back in the queue after this long. */
  startingTimeoutMs: 20_000,
  /** While playing, how often the room checks that the game room still exists (a game that ended without a result). */
  gameWatchMs: 5_000,
} as const;

/** Chat limits of a team room (defaults: TEAM_LIMITS). */
export interface TeamChatLimits {
  chatHistory: number;
  chatBurst: number;
  chatPerSecond: number;
}

export function teamChatLimits(overrides: Partial<TeamChatLimits> = {}): TeamChatLimits {
  return {
    chatHistory: overrides.chatHistory ?? TEAM_LIMITS.chatHistory,
    chatBurst: overrides.chatBurst ?? TEAM_LIMITS.chatBurst,
    chatPerSecond: overrides.chatPerSecond ?? TEAM_LIMITS.chatPerSecond,
  };
}
