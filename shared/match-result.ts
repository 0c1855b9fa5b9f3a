import { z } from "zod";

/**
 * The immutable record a finished game room writes (DESIGN §2 step 4). One
 * per match id; recording it again is a no-op that returns the first.
 */
export const MatchId = z.string().regex(/^m_[A-Za-z0-9_-]{6,48}$/, "not a match id");

export type TeamSide = "home" | "away";

export interface PlayerMatchStats {
  goals: number;
  assists: number;
  shots: number;
  saves: number;
  touches: number;
}

export interface MatchResultPlayer {
  playerId: string;
  name: string;
  side: TeamSide;
  stats: PlayerMatchStats;
}

export interface MatchResultTeam {
  /** Set when the side came from a team room. */
  teamId?: string;
  name: string;
  score: number;
  /** Sum of the side's player stats. */
  stats: PlayerMatchStats;
}

export interface MatchResult {
  matchId: string;
  /** e.g. "2v2" */
  mode: string;
  teams: Record<TeamSide, MatchResultTeam>;
  players: MatchResultPlayer[];
  winner: TeamSide | "draw";
  /** Set when the match ended because a side was empty past its reconnection window. */
  forfeitedBy?: TeamSide;
  /** ISO-8601 */
  startedAt: string;
  /** ISO-8601 */
  endedAt: string;
}

/** A result as stored: the record plus where it sits in the global results feed. */
export interface RecordedMatchResult extends MatchResult {
  /** ISO-8601 time the store first recorded it. */
  recordedAt: string;
  /** Position in the results feed (strictly increasing per store). */
  seq: number;
}
